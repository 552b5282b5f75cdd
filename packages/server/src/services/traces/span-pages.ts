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

function encodeCursor(c: SpanCursor): string {
  return Buffer.from(JSON.stringify([c.startTimeUs, c.spanId])).toString('base64url');
}

function decodeCursor(token: string): SpanCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed) && parsed.length === 2 && Number.isSafeInteger(parsed[0]) && typeof parsed[1] === 'string') {
    return { startTimeUs: parsed[0] as number, spanId: parsed[1] };
  }
  throw ApiError.invalid(`Invalid page token '${token.slice(0, 100)}'.`);
}

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
  if (q.pageToken) query.after = decodeCursor(q.pageToken);
  const trace = await store.getTrace(q.traceId);
  if (!trace) throw ApiError.notFound(`Trace with ID ${q.traceId} is not found.`);

  const page = await store.findSpans(query);
  const last = page.items.at(-1);
  const nextPageToken = page.hasMore && last ? encodeCursor({ startTimeUs: last.startTimeUs, spanId: last.spanId }) : undefined;
  return { spans: page.items, traceSpanCount: trace.spanCount, ...(nextPageToken !== undefined ? { nextPageToken } : {}) };
}
