import type { Run } from '@loupe/protocol';
import { useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { CHART_COLORS } from '../../../shared/components/time-series-chart';
import { formatMetric } from '../../../shared/lib/format';
import { useBulkMetric, useRuns } from '../hooks/use-runs';
import { paramDiff, runKeys, runValue, type MetricXAxis } from '../lib/run-values';
import { MetricChart, X_AXES } from './metric-chart';

function ComparedMetric({ runs, metric, axis }: { runs: Run[]; metric: string; axis: MetricXAxis }) {
  const ids = useMemo(() => runs.map((r) => r.info.run_id), [runs]);
  const labels = useMemo(() => runs.map((r) => r.info.run_name), [runs]);
  const bulk = useBulkMetric(ids, metric);
  return <MetricChart metric={metric} histories={bulk.data} labels={labels} axis={axis} loading={bulk.isPending} error={bulk.error} />;
}

function RunHeader({ runs, experimentId }: { runs: Run[]; experimentId: string }) {
  return (
    <>
      {runs.map((r, i) => (
        <th key={r.info.run_id} scope="col" className="px-3 py-2 text-left text-xs font-medium">
          <span className="mr-1.5 inline-block size-2.5 rounded-sm" style={{ background: CHART_COLORS[i % CHART_COLORS.length] }} aria-hidden />
          <Link to={`/experiments/${experimentId}/runs/${r.info.run_id}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
            {r.info.run_name}
          </Link>
        </th>
      ))}
    </>
  );
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
  const [onlyDiff, setOnlyDiff] = useState(true);
  const keys = runKeys(runs);
  const diff = paramDiff(runs);
  const shownParams = onlyDiff ? diff.filter((d) => d.differs) : diff;
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
          <section aria-label="Param differences" className="overflow-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
            <div className="flex items-center gap-3 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
              <h2 className="text-xs font-semibold text-zinc-500 uppercase">Params</h2>
              <span className="text-xs text-zinc-500">{diff.filter((d) => d.differs).length} of {diff.length} differ</span>
              <label className="ml-auto flex items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-400">
                <input type="checkbox" checked={onlyDiff} onChange={(e) => setOnlyDiff(e.target.checked)} /> Only differences
              </label>
            </div>
            <table className="w-full text-sm">
              <thead className="border-b border-zinc-200 dark:border-zinc-800">
                <tr>
                  <th scope="col" className="px-3 py-2 text-left text-xs font-medium text-zinc-500">
                    Param
                  </th>
                  <RunHeader runs={runs} experimentId={experimentId} />
                </tr>
              </thead>
              <tbody>
                {shownParams.map((d) => (
                  <tr key={d.key} className={`border-b border-zinc-100 dark:border-zinc-800 ${d.differs ? 'bg-amber-50/60 dark:bg-amber-500/5' : ''}`}>
                    <th scope="row" className="px-3 py-1.5 text-left font-mono text-xs font-normal text-zinc-600 dark:text-zinc-300">
                      {d.key}
                    </th>
                    {d.values.map((v, i) => (
                      <td key={i} className="px-3 py-1.5 font-mono text-xs">
                        {v ?? <span className="text-zinc-400">—</span>}
                      </td>
                    ))}
                  </tr>
                ))}
                {shownParams.length === 0 ? (
                  <tr>
                    <td colSpan={runs.length + 1} className="px-3 py-2 text-sm text-zinc-500">
                      {diff.length ? 'All params are the same.' : 'No params.'}
                    </td>
                  </tr>
                ) : null}
              </tbody>
            </table>
          </section>
          <section aria-label="Latest metrics" className="overflow-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
            <table className="w-full text-sm">
              <thead className="border-b border-zinc-200 dark:border-zinc-800">
                <tr>
                  <th scope="col" className="px-3 py-2 text-left text-xs font-medium text-zinc-500">
                    Metric
                  </th>
                  <RunHeader runs={runs} experimentId={experimentId} />
                </tr>
              </thead>
              <tbody>
                {keys.metrics.map((k) => (
                  <tr key={k} className="border-b border-zinc-100 dark:border-zinc-800">
                    <th scope="row" className="px-3 py-1.5 text-left font-mono text-xs font-normal text-zinc-600 dark:text-zinc-300">
                      {k}
                    </th>
                    {runs.map((r) => (
                      <td key={r.info.run_id} className="px-3 py-1.5 tabular-nums">
                        {formatMetric(runValue(r, 'metrics', k) as number | undefined)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <div className="flex items-center gap-2">
            <h2 className="text-sm font-semibold">Metric charts</h2>
            <label className="ml-auto flex items-center gap-2 text-sm text-zinc-600 dark:text-zinc-400">
              X axis
              <select aria-label="X axis" value={axis} onChange={(e) => setAxis(e.target.value as MetricXAxis)} className="h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900">
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
