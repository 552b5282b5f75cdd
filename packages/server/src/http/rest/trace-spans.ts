import { SpanRequests } from '@loupe/protocol';
import { RawJson, toProtoJson } from '../json-response.js';
import { rpc } from '../rpc.js';

/**
 * Loupe's huge-trace API (not an MLflow RPC): a trace's spans a page at a time, by parent, subtree or
 * filter, so neither server nor client ever holds a 100,000-span trace whole.
 */
export const traceSpanRoutes = [
  rpc({
    method: 'GET',
    path: '/loupe/traces/:trace_id/spans',
    versions: [3],
    request: SpanRequests.SearchTraceSpans,
    handle: async (req, { services }) => {
      const page = await services.traces.spanPage(req);
      const token = page.nextPageToken !== undefined ? `,"next_page_token":${JSON.stringify(page.nextPageToken)}` : '';
      const spans = page.view === 'FULL' ? page.spans.join(',') : page.spans.map((s) => toProtoJson(s)).join(',');
      return new RawJson(`{"spans":[${spans}]${token},"trace_span_count":${page.traceSpanCount}}`);
    },
  }),
];
