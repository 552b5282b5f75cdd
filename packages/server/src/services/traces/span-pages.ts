import { ApiError, parseTraceFilter, type RequestOf, type SpanRequests, type SpanSummary } from '@loupe/protocol';
import type { SpanCursor, SpanPageItem, SpanQuery, TraceStore } from '../../store/trace-store.js';
import { maxResults } from '../pagination.js';

type SearchTraceSpans = RequestOf<typeof SpanRequests.SearchTraceSpans>;

/** Filter entities that describe a single span; the others describe whole traces. */
const SPAN_FILTER_ENTITIES = new Set(['span', 'span_attribute', 'text']);
/** Deepest subtree walk a request may ask for. */
export const MAX_SUBTREE_DEPTH = 100;

/** One page: full spans as stored OTel proto JSON texts, or summaries. */
export type SpanPage = ({ view: 'FULL'; spans: string[] } | { view: 'SUMMARY'; spans: SpanSummary[] }) & {
  nextPageToken?: string;
  /** How many spans the trace holds in all (a huge trace's viewer shows it before reading them). */
  traceSpanCount: number;
};

/**
 * A span id as clients hold it: 16 hex digits (Loupe, OTLP/JSON) or the base64 of the 8 bytes (the OTel
 * proto JSON spans of `traces/get`). Returns the stored hex form.
 *
 * @example
 * spanIdParam('parent_span_id', 'AAAAAAAAAAE='); // '0000000000000001'
 */
export function spanIdParam(field: string, value: string): string {
  if (/^[0-9a-fA-F]{16}$/.test(value)) return value.toLowerCase();
  if (/^[A-Za-z0-9+/_-]{11}=?$/.test(value)) {
    const bytes = Buffer.from(value, 'base64');
    if (bytes.length === 8) return bytes.toString('hex');
  }
  throw ApiError.invalid(`Invalid value '${value.slice(0, 100)}' for parameter '${field}' supplied: expected a span id as 16 hex digits or base64 of 8 bytes.`);
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

function summary(s: SpanPageItem): SpanSummary {
  const out: SpanSummary = { span_id: s.spanId, name: s.name, type: s.type, status: s.status, start_time_us: s.startTimeUs, child_count: s.childCount ?? 0 };
  if (s.parentSpanId) out.parent_span_id = s.parentSpanId;
  if (s.endTimeUs !== null) out.end_time_us = s.endTimeUs;
  return out;
}

/**
 * Serves a page of one trace's spans (Loupe's huge-trace API) without loading the trace: the request
 * becomes one keyset query; only the page is read.
 *
 * @example
 * await spanPage(store, { trace_id: 'tr-…', roots_only: true, view: 'SUMMARY' });
 */
export async function spanPage(store: TraceStore, req: SearchTraceSpans): Promise<SpanPage> {
  if (!req.trace_id) throw ApiError.missing('trace_id');
  const scopes = [req.parent_span_id !== undefined, req.roots_only === true, req.subtree_span_id !== undefined].filter(Boolean).length;
  if (scopes > 1) throw ApiError.invalid("At most one of 'parent_span_id', 'roots_only' and 'subtree_span_id' may be given.");
  if (req.max_depth !== undefined && req.subtree_span_id === undefined) throw ApiError.invalid("'max_depth' can only be given with 'subtree_span_id'.");
  if (req.max_depth !== undefined && (req.max_depth < 0 || req.max_depth > MAX_SUBTREE_DEPTH)) {
    throw ApiError.invalid(`Invalid value ${req.max_depth} for parameter 'max_depth' supplied: it must be between 0 and ${MAX_SUBTREE_DEPTH}.`);
  }
  const filter = parseTraceFilter(req.filter);
  for (const c of filter) {
    if (!SPAN_FILTER_ENTITIES.has(c.entity)) {
      throw ApiError.invalid(
        `Invalid filter on '${c.entity}': spans inside a trace filter on span.name, span.type, span.status, span.attributes.<key> and trace.text only.`,
      );
    }
  }
  const view = req.view ?? 'FULL';
  const query: SpanQuery = { traceId: req.trace_id, filter, limit: maxResults(req.max_results, 100, 1000), withChildCount: view === 'SUMMARY' };
  if (req.parent_span_id !== undefined) query.parentSpanId = spanIdParam('parent_span_id', req.parent_span_id);
  if (req.roots_only) query.parentSpanId = null;
  if (req.subtree_span_id !== undefined) {
    query.subtree = { spanId: spanIdParam('subtree_span_id', req.subtree_span_id), ...(req.max_depth !== undefined ? { maxDepth: req.max_depth } : {}) };
  }
  if (req.page_token) query.after = decodeCursor(req.page_token);
  const trace = await store.getTrace(req.trace_id);
  if (!trace) throw ApiError.notFound(`Trace with ID ${req.trace_id} is not found.`);

  const page = await store.findSpans(query);
  const last = page.items.at(-1);
  const nextPageToken = page.hasMore && last ? encodeCursor({ startTimeUs: last.startTimeUs, spanId: last.spanId }) : undefined;
  const rest = { traceSpanCount: trace.spanCount, ...(nextPageToken !== undefined ? { nextPageToken } : {}) };
  return view === 'SUMMARY' ? { view, spans: page.items.map(summary), ...rest } : { view, spans: page.items.map((s) => s.content), ...rest };
}
