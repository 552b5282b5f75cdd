import { ApiError, parseTraceFilter } from '@loupe/protocol';
import type { SpanCursor, SpanPageItem, SpanQuery, TraceStore } from '../../store/trace-store.js';

/** Filter entities that describe a single span; the others describe whole traces. */
const SPAN_FILTER_ENTITIES = new Set(['span', 'span_attribute', 'text']);

/** Which page of a trace's spans to read (span ids as stored hex; at most one of parent, roots, subtree). */
export interface SpanPageQuery {
  traceId: string;
  /** Only the children of this span. */
  parentSpanId?: string;
  /** Only spans without a parent in the trace. */
  rootsOnly?: boolean;
  /** Only this span and its descendants, down to `maxDepth` levels below it when given. */
  subtree?: { spanId: string; maxDepth?: number };
  /** A trace search filter on span.name, span.type, span.status, span.attributes.<key> or trace.text. */
  filter?: string;
  /** Also count each span's direct children (summaries of a lazily expanded tree). */
  withChildCount: boolean;
  limit: number;
  pageToken?: string;
}

/** One page of spans, with the token of the next and the trace's span count. */
export interface SpanPage {
  spans: SpanPageItem[];
  nextPageToken?: string;
  /** How many spans the trace holds in all (a huge trace's viewer shows it before reading them). */
  traceSpanCount: number;
}

/** Where a page starts: after a position (reading on), or before one (reading back towards the first span). */
type PagePosition = { after: SpanCursor } | { before: SpanCursor };

function encodeToken(p: PagePosition): string {
  const value = 'after' in p ? [p.after.startTimeUs, p.after.spanId] : [p.before.startTimeUs, p.before.spanId, 'before'];
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeToken(token: string): PagePosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed) && Number.isSafeInteger(parsed[0]) && typeof parsed[1] === 'string') {
    const cursor = { startTimeUs: parsed[0] as number, spanId: parsed[1] };
    if (parsed.length === 2) return { after: cursor };
    if (parsed.length === 3 && parsed[2] === 'before') return { before: cursor };
  }
  throw ApiError.invalid(`Invalid page token '${token.slice(0, 100)}'.`);
}

const cursorOf = (s: SpanPageItem): SpanCursor => ({ startTimeUs: s.startTimeUs, spanId: s.spanId });

/**
 * Serves a page of one trace's spans (Loupe's huge-trace API) without loading the trace: the request
 * becomes one keyset query; only the page is read.
 *
 * @example
 * await spanPage(store, { traceId: 'tr-…', rootsOnly: true, withChildCount: true, limit: 100 });
 */
export async function spanPage(store: TraceStore, q: SpanPageQuery): Promise<SpanPage> {
  const filter = parseTraceFilter(q.filter);
  for (const c of filter) {
    if (!SPAN_FILTER_ENTITIES.has(c.entity)) {
      throw ApiError.invalid(
        `Invalid filter on '${c.entity}': spans inside a trace filter on span.name, span.type, span.status, span.attributes.<key> and trace.text only.`,
      );
    }
  }
  const query: SpanQuery = { traceId: q.traceId, filter, limit: q.limit, withChildCount: q.withChildCount };
  if (q.parentSpanId !== undefined) query.parentSpanId = q.parentSpanId;
  if (q.rootsOnly) query.parentSpanId = null;
  if (q.subtree) query.subtree = q.subtree;
  const position = q.pageToken ? decodeToken(q.pageToken) : undefined;
  if (position) Object.assign(query, position);
  const trace = await store.getTrace(q.traceId);
  if (!trace) throw ApiError.notFound(`Trace with ID ${q.traceId} is not found.`);

  const page = await store.findSpans(query);
  // The next page goes on in the direction this one was read.
  const edge = position && 'before' in position ? page.items[0] : page.items.at(-1);
  const nextPageToken =
    page.hasMore && edge ? encodeToken(position && 'before' in position ? { before: cursorOf(edge) } : { after: cursorOf(edge) }) : undefined;
  return { spans: page.items, traceSpanCount: trace.spanCount, ...(nextPageToken !== undefined ? { nextPageToken } : {}) };
}

/** One level of the way down to a span: a window of one parent's children (the roots' when `parentSpanId` is absent). */
export interface SpanWindow {
  parentSpanId?: string;
  spans: SpanPageItem[];
  /** Reads the page just before the window, with the same parent; absent when the window starts with the first child. */
  prevPageToken?: string;
  /** Reads the page after the window; absent when the window ends with the last child. */
  nextPageToken?: string;
}

/** The way down to a span with a window of each level's children around it (see {@link spansAround}). */
export interface SpansAround {
  levels: SpanWindow[];
  traceSpanCount: number;
}

/**
 * The tree around one span of a huge trace, for a link that opens on it: its ancestors found in one
 * walk up, then for each level (the roots, then each ancestor's children) a window of up to `limit`
 * siblings in span-page order with the span on the way at most half-way in, and the first page of the
 * span's own children. Each window carries page tokens to read on before and after it through
 * {@link spanPage}, so a viewer fills in the rest of each level as it is scrolled to. Two keyset
 * queries per level; the trace is never read whole.
 *
 * @example
 * const { levels } = await spansAround(store, { traceId: 'tr-…', spanId: '8b2f0c1d2e3f4a5b', limit: 100 });
 */
export async function spansAround(store: TraceStore, q: { traceId: string; spanId: string; limit: number }): Promise<SpansAround> {
  const trace = await store.getTrace(q.traceId);
  if (!trace) throw ApiError.notFound(`Trace with ID ${q.traceId} is not found.`);
  const path = await store.getSpanPath(q.traceId, q.spanId);
  const target = path.at(-1);
  if (!target) throw ApiError.notFound(`Span ${q.spanId} is not found in trace ${q.traceId}.`);
  const levels: SpanWindow[] = [];
  const earlier = Math.floor((q.limit - 1) / 2);
  for (let i = 0; i < path.length; i++) {
    const span = path[i]!;
    const parent = i === 0 ? undefined : path[i - 1]!.spanId;
    const scope: Pick<SpanQuery, 'parentSpanId'> = { parentSpanId: parent ?? null };
    const base = { traceId: q.traceId, filter: [], withChildCount: true, ...scope };
    const before = await store.findSpans({ ...base, before: cursorOf(span), limit: earlier });
    const after = await store.findSpans({ ...base, after: cursorOf(span), limit: q.limit - 1 - before.items.length });
    const first = before.items[0] ?? span;
    const last = after.items.at(-1) ?? span;
    levels.push({
      ...(parent !== undefined ? { parentSpanId: parent } : {}),
      spans: [...before.items, span, ...after.items],
      ...(before.hasMore ? { prevPageToken: encodeToken({ before: cursorOf(first) }) } : {}),
      ...(after.hasMore ? { nextPageToken: encodeToken({ after: cursorOf(last) }) } : {}),
    });
  }
  if ((target.childCount ?? 0) > 0) {
    const children = await store.findSpans({ traceId: q.traceId, filter: [], withChildCount: true, parentSpanId: target.spanId, limit: q.limit });
    const last = children.items.at(-1);
    levels.push({
      parentSpanId: target.spanId,
      spans: children.items,
      ...(children.hasMore && last ? { nextPageToken: encodeToken({ after: cursorOf(last) }) } : {}),
    });
  }
  return { levels, traceSpanCount: trace.spanCount };
}
