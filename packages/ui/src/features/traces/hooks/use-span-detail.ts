import { useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../shared/api/http-client';
import { parseOtelSpan, type OtelSpanJson } from '../lib/otel-span';

/**
 * The span-page API of one trace.
 *
 * @example
 * spansPath('tr-1'); // '3.0/loupe/traces/tr-1/spans'
 */
export function spansPath(traceId: string): string {
  return `3.0/loupe/traces/${encodeURIComponent(traceId)}/spans`;
}

/**
 * One span in full (inputs, outputs, attributes, events), read alone from the span-page API
 * (`subtree_span_id=<id>&max_depth=0`), however big the trace.
 *
 * @example
 * const { data: span } = useSpanDetail('tr-…', '8b2f…', false);
 */
export function useSpanDetail(traceId: string, spanId: string | undefined, inProgress: boolean) {
  return useQuery({
    queryKey: ['span', traceId, spanId],
    enabled: !!spanId,
    queryFn: async ({ signal }) => {
      const res = await apiRequest<{ spans?: OtelSpanJson[] }>('GET', spansPath(traceId), { query: { subtree_span_id: spanId, max_depth: 0 }, signal });
      const span = res.spans?.[0];
      return span ? parseOtelSpan(span) : null;
    },
    refetchInterval: inProgress ? 3000 : false,
  });
}
