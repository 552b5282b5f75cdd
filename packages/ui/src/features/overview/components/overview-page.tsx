import { useParams, useSearchParams } from 'react-router';
import { OVERVIEW_RANGES } from '../lib/metric-series';
import { TimeRangeSelect, TraceMetricsPanel } from './trace-metrics-panel';

/**
 * An experiment's Overview tab: trace volume, latency p50/p95, error rate, tokens and cost over time,
 * and the judges' scores (pass rates, averages) beside them, from QueryTraceMetrics.
 *
 * @example
 * { path: 'overview', element: <OverviewPage /> }
 */
export function OverviewPage() {
  const { experimentId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const range = OVERVIEW_RANGES.find((r) => r.id === params.get('range')) ?? OVERVIEW_RANGES[1]!;
  return (
    <div className="flex flex-col gap-4 p-6">
      <div className="flex items-center gap-3">
        <h2 className="text-base font-semibold">Overview</h2>
        <div className="ml-auto">
          <TimeRangeSelect value={range.id} onChange={(id) => setParams({ range: id }, { replace: true })} />
        </div>
      </div>
      <TraceMetricsPanel
        key={range.id}
        experimentId={experimentId}
        range={range}
        judges
        empty={
          <p className="rounded-md border border-dashed border-zinc-300 px-3 py-2 text-sm text-zinc-500 dark:border-zinc-700">
            No traces in this time range. Send spans to <code className="font-mono">/v1/traces</code> (OTLP) or trace with MLflow&apos;s clients, or pick a
            longer range.
          </p>
        }
      />
    </div>
  );
}
