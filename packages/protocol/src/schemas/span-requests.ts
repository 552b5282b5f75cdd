import { z } from 'zod';
import { bool, int64, protoEnum, str } from './fields.js';

/** How much of each span a span page returns. */
export const SPAN_VIEWS = ['FULL', 'SUMMARY'] as const;

/**
 * Loupe's huge-trace API, `GET /api/3.0/loupe/traces/{trace_id}/spans`: one keyset page of a trace's
 * spans: all of them, one span's children, the roots, or a subtree, narrowed by span filters.
 */
export const SearchTraceSpans = z.object({
  trace_id: str().optional(),
  parent_span_id: str().optional(),
  roots_only: bool().optional(),
  subtree_span_id: str().optional(),
  max_depth: int64().optional(),
  filter: str().optional(),
  view: protoEnum(SPAN_VIEWS).optional(),
  max_results: int64().optional(),
  page_token: str().optional(),
});
