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
