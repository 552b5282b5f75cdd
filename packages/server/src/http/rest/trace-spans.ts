import { SpanRequests, SpanResponses } from '@loupe/protocol';
import { rpc } from '../rpc.js';
import { spanPageJson, spansAroundJson } from '../wire/span-page-json.js';
import { ref } from '../../auth/access.js';

/**
 * Loupe's huge-trace API (not an MLflow RPC): a trace's spans a page at a time, by parent, subtree or
 * filter, so neither server nor client ever holds a 100,000-span trace whole; and the tree around one
 * span, so a link to it opens there.
 */
export const traceSpanRoutes = [
  rpc({
    method: 'GET',
    path: '/loupe/traces/:trace_id/spans',
    versions: [3],
    request: SpanRequests.SearchTraceSpans,
    response: SpanResponses.SearchTraceSpans,
    access: { read: (req) => ref.trace(req.trace_id) },
    handle: async (req, { services }) => {
      const page = await services.traces.spanPage({
        traceId: req.trace_id,
        parentSpanId: req.parent_span_id,
        rootsOnly: req.roots_only,
        subtree: req.subtree_span_id !== undefined ? { spanId: req.subtree_span_id, maxDepth: req.max_depth } : undefined,
        filter: req.filter,
        withChildCount: req.view === 'SUMMARY',
        limit: req.max_results,
        pageToken: req.page_token,
      });
      return spanPageJson(page, req.view);
    },
  }),
  rpc({
    method: 'GET',
    path: '/loupe/traces/:trace_id/spans/around',
    versions: [3],
    request: SpanRequests.GetSpansAround,
    response: SpanResponses.GetSpansAround,
    access: { read: (req) => ref.trace(req.trace_id) },
    handle: async (req, { services }) => {
      const around = await services.traces.spansAround({ traceId: req.trace_id, spanId: req.span_id, limit: req.max_results });
      return spansAroundJson(around);
    },
  }),
];
