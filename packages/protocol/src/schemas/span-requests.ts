import { z } from 'zod';
import { bool, int64, protoEnum, requiredStr, str } from './fields.js';
import { invalidIssue, missingIssue, pageSize, spanIdField, TRACE_LIMITS } from './trace-fields.js';

/** How much of each span a span page returns. */
export const SPAN_VIEWS = ['FULL', 'SUMMARY'] as const;

/**
 * Loupe's huge-trace API, `GET /api/3.0/loupe/traces/{trace_id}/spans`: one keyset page of a trace's
 * spans: all of them, one span's children, the roots, or a subtree, narrowed by span filters. Span ids
 * arrive as hex or base64 and are decoded to hex; at most one scope is given.
 */
export const SearchTraceSpans = z
  .object({
    trace_id: requiredStr(),
    parent_span_id: spanIdField('parent_span_id').optional(),
    roots_only: bool().default(false),
    subtree_span_id: spanIdField('subtree_span_id').optional(),
    max_depth: int64().optional(),
    filter: str().optional(),
    view: protoEnum(SPAN_VIEWS).default('FULL'),
    max_results: pageSize(100, 1000),
    page_token: str().optional(),
  })
  .transform((req, ctx) => {
    const scopes = [req.parent_span_id !== undefined, req.roots_only, req.subtree_span_id !== undefined].filter(Boolean).length;
    if (scopes > 1) invalidIssue(ctx, "At most one of 'parent_span_id', 'roots_only' and 'subtree_span_id' may be given.");
    else if (req.max_depth !== undefined && req.subtree_span_id === undefined) invalidIssue(ctx, "'max_depth' can only be given with 'subtree_span_id'.");
    else if (req.max_depth !== undefined && (req.max_depth < 0 || req.max_depth > TRACE_LIMITS.spanSubtreeDepth)) {
      invalidIssue(ctx, `Invalid value ${req.max_depth} for parameter 'max_depth' supplied: it must be between 0 and ${TRACE_LIMITS.spanSubtreeDepth}.`);
    }
    return req;
  });

/**
 * Loupe's huge-trace API, `GET /api/3.0/loupe/traces/{trace_id}/spans/around`: the way down to one
 * span (its ancestors, root first) with a window of each level's children around the way, as
 * summaries, so a link to a span deep in a huge trace opens on it in one request. `max_results` is
 * the window of each level (the span on the way has up to half of them before it).
 */
export const GetSpansAround = z
  .object({
    trace_id: requiredStr(),
    span_id: spanIdField('span_id').optional(),
    max_results: pageSize(100, 1000),
  })
  .transform((req, ctx) => {
    if (req.span_id === undefined) {
      missingIssue(ctx, 'span_id');
      return z.NEVER;
    }
    return { ...req, span_id: req.span_id };
  });
