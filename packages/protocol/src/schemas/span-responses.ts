import { z } from 'zod';
import { SpanJson, SpanSummaryJson } from '../entities/traces.js';

/**
 * The reply of Loupe's huge-trace API (`GET /api/3.0/loupe/traces/{trace_id}/spans`): a page of full
 * spans (OTel proto JSON, stored text) or summaries, and how many spans the trace holds in all.
 */
export const SearchTraceSpans = z.strictObject({
  spans: z.union([z.array(SpanSummaryJson), z.array(SpanJson)]).optional(),
  next_page_token: z.string().optional(),
  trace_span_count: z.number().int(),
});

/**
 * One level of the way down to a span: a window of the children of `parent_span_id` (of the roots
 * when it is absent), in span-page order, holding the next span on the way. `prev_page_token` reads
 * the page just before the window and `next_page_token` the page after it, both through
 * `GET /api/3.0/loupe/traces/{trace_id}/spans` with the same parent (or `roots_only=true`); each is
 * absent when the window reaches that end. An empty list is left out, as proto JSON does.
 */
export const SpanWindowJson = z.strictObject({
  parent_span_id: z.string().optional(),
  spans: z.array(SpanSummaryJson).optional(),
  prev_page_token: z.string().optional(),
  next_page_token: z.string().optional(),
});

/**
 * The reply of `GET /api/3.0/loupe/traces/{trace_id}/spans/around`: one window per level, the roots
 * first, then the children of each span on the way, the last holding the span itself; then the first
 * page of the span's own children, when it has any.
 */
export const GetSpansAround = z.strictObject({
  levels: z.array(SpanWindowJson),
  trace_span_count: z.number().int(),
});
