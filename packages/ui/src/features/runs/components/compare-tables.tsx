import type { Run } from '@loupe/protocol';
import { useState } from 'react';
import { Link } from 'react-router';
import { CHART_COLORS } from '../../../shared/components/time-series-chart';
import { formatMetric } from '../../../shared/lib/format';
import { paramDiff, runValue } from '../lib/run-values';

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
 * Params of the compared runs side by side, differing ones first and highlighted; by default only
 * those that differ.
 *
 * @example
 * <ParamDiffTable runs={runs} experimentId="1" />
 */
export function ParamDiffTable({ runs, experimentId }: { runs: Run[]; experimentId: string }) {
  const [onlyDiff, setOnlyDiff] = useState(true);
  const diff = paramDiff(runs);
  const shownParams = onlyDiff ? diff.filter((d) => d.differs) : diff;
  return (
    <section aria-label="Param differences" className="overflow-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <div className="flex items-center gap-3 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <h2 className="text-xs font-semibold text-zinc-500 uppercase">Params</h2>
        <span className="text-xs text-zinc-500">
          {diff.filter((d) => d.differs).length} of {diff.length} differ
        </span>
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
  );
}

/**
 * The latest value of every metric of the compared runs.
 *
 * @example
 * <LatestMetricsTable runs={runs} experimentId="1" metrics={['loss']} />
 */
export function LatestMetricsTable({ runs, experimentId, metrics }: { runs: Run[]; experimentId: string; metrics: string[] }) {
  return (
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
          {metrics.map((k) => (
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
  );
}
