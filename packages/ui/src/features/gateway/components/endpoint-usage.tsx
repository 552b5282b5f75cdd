import type { GatewayEndpoint } from '@loupe/protocol';
import { Link, useSearchParams } from 'react-router';
import { EmptyState } from '../../../shared/components/feedback-states';
import { TimeRangeSelect, TraceMetricsPanel } from '../../overview/components/trace-metrics-panel';
import { OVERVIEW_RANGES } from '../../overview/lib/metric-series';

/**
 * An endpoint's usage over a time range (`?range=`, last 24 hours unless chosen): calls, errors,
 * latency, tokens and cost, from the usage traces the gateway writes into the endpoint's experiment
 * (QueryTraceMetrics, as an experiment's Overview reads them). Says how to turn tracking on when off.
 *
 * @example
 * <EndpointUsage endpoint={endpoint} />
 */
export function EndpointUsage({ endpoint }: { endpoint: GatewayEndpoint }) {
  const [params, setParams] = useSearchParams();
  const range = OVERVIEW_RANGES.find((r) => r.id === params.get('range')) ?? OVERVIEW_RANGES[0]!;
  const experimentId = endpoint.usage_tracking ? endpoint.experiment_id : undefined;
  return (
    <section aria-label="Usage" className="flex flex-col gap-3">
      <div className="flex items-center gap-3">
        <h2 className="text-sm font-semibold">Usage</h2>
        {experimentId ? (
          <>
            <Link to={`/experiments/${experimentId}/traces`} className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">
              Every call
            </Link>
            <div className="ml-auto">
              <TimeRangeSelect value={range.id} onChange={(id) => setParams({ range: id }, { replace: true })} />
            </div>
          </>
        ) : null}
      </div>
      {experimentId ? (
        <TraceMetricsPanel
          key={range.id}
          experimentId={experimentId}
          range={range}
          countLabel="Calls"
          volumeTitle="Calls"
          empty={
            <p className="rounded-md border border-dashed border-zinc-300 px-3 py-2 text-sm text-zinc-500 dark:border-zinc-700">
              No calls in this time range. Call the endpoint as shown above, or pick a longer range.
            </p>
          }
        />
      ) : (
        <EmptyState title="Usage tracking is off" hint="Turn it on (Edit) to trace every call with its tokens, cost and latency, and see them here." />
      )}
    </section>
  );
}
