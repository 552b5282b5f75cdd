import type { Run } from '@loupe/protocol';
import { useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { useBulkMetric, useRuns } from '../hooks/use-runs';
import { runKeys, type MetricXAxis } from '../lib/run-values';
import { LatestMetricsTable, ParamDiffTable } from './compare-tables';
import { MetricChart, X_AXES } from './metric-chart';

function ComparedMetric({ runs, metric, axis }: { runs: Run[]; metric: string; axis: MetricXAxis }) {
  const ids = useMemo(() => runs.map((r) => r.info.run_id), [runs]);
  const labels = useMemo(() => runs.map((r) => r.info.run_name), [runs]);
  const bulk = useBulkMetric(ids, metric);
  return <MetricChart metric={metric} histories={bulk.data} labels={labels} axis={axis} loading={bulk.isPending} error={bulk.error} />;
}

/**
 * Selected runs side by side (`?runs=a,b,c`): overlaid metric charts, the param differences first,
 * and the latest metric values.
 *
 * @example
 * { path: 'runs/compare', element: <RunsComparePage /> }
 */
export function RunsComparePage() {
  const { experimentId = '' } = useParams();
  const [params] = useSearchParams();
  const ids = (params.get('runs') ?? '').split(',').filter(Boolean).slice(0, 100);
  const queries = useRuns(ids);
  const runs = queries.map((q) => q.data).filter((r): r is Run => !!r);
  const error = queries.find((q) => q.error)?.error;
  const [axis, setAxis] = useState<MetricXAxis>('step');
  const keys = runKeys(runs);
  const loading = queries.some((q) => q.isPending);
  return (
    <div className="flex flex-col gap-4 p-6">
      <div className="text-xs text-zinc-500">
        <Link to={`/experiments/${experimentId}/runs`} className="hover:underline">
          ← Runs
        </Link>
      </div>
      <h1 className="text-lg font-semibold tracking-tight">Comparing {ids.length} runs</h1>
      {error ? <ErrorBanner error={error} title="A run could not be loaded" /> : null}
      {loading ? <Spinner label="Loading runs" /> : null}
      {!loading && runs.length ? (
        <>
          <ParamDiffTable runs={runs} experimentId={experimentId} />
          <LatestMetricsTable runs={runs} experimentId={experimentId} metrics={keys.metrics} />
          <div className="flex items-center gap-2">
            <h2 className="text-sm font-semibold">Metric charts</h2>
            <label className="ml-auto flex items-center gap-2 text-sm text-zinc-600 dark:text-zinc-400">
              X axis
              <select
                aria-label="X axis"
                value={axis}
                onChange={(e) => setAxis(e.target.value as MetricXAxis)}
                className="h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
              >
                {X_AXES.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.label}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <div className="grid grid-cols-1 gap-3 lg:grid-cols-2">
            {keys.metrics.map((k) => (
              <ComparedMetric key={k} runs={runs} metric={k} axis={axis} />
            ))}
          </div>
        </>
      ) : null}
    </div>
  );
}
