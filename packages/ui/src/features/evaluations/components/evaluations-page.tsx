import type { Run } from '@loupe/protocol';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Button } from '../../../shared/components/button';
import { EmptyState, ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { StatusBadge } from '../../../shared/components/status-badge';
import { formatMetric, formatRelative, formatTimestamp } from '../../../shared/lib/format';
import { useEvaluationRuns, useRunTraceCounts } from '../hooks/use-evaluations';
import { runDataset, runMetric, scorerMetricKeys } from '../lib/eval-aggregates';

const TH = 'px-3 py-2 text-left text-xs font-medium whitespace-nowrap text-zinc-500 dark:text-zinc-400';
const TD = 'px-3 py-2 whitespace-nowrap';

/** A run's name as MLflow shows it: `run_name`, else its id. */
const runName = (run: Run) => run.info.run_name || run.info.run_id;

/**
 * The compare link of two runs: the older is the baseline, the newer the candidate.
 *
 * @example
 * compareUrl('1', [newer, older]); // '/experiments/1/evaluations/compare?runs=<older>,<newer>'
 */
export function compareUrl(experimentId: string, runs: readonly Run[]): string {
  const ordered = [...runs].sort((a, b) => a.info.start_time - b.info.start_time);
  return `/experiments/${experimentId}/evaluations/compare?runs=${ordered.map((r) => r.info.run_id).join(',')}`;
}

/**
 * An experiment's Evaluations tab: its evaluation runs (`mlflow.genai.evaluate`), newest first, with
 * their aggregate scores as columns, trace count, dataset, status and age; pick two to compare.
 *
 * @example
 * { path: 'evaluations', lazy: ... EvaluationsPage }
 */
export function EvaluationsPage() {
  const { experimentId = '' } = useParams();
  const runsQuery = useEvaluationRuns(experimentId);
  const runs = useMemo(() => runsQuery.data ?? [], [runsQuery.data]);
  const metrics = useMemo(() => scorerMetricKeys(runs), [runs]);
  const ids = useMemo(() => runs.map((r) => r.info.run_id), [runs]);
  const counts = useRunTraceCounts(experimentId, ids);
  const [selected, setSelected] = useState<string[]>([]);
  const navigate = useNavigate();
  const toggle = (id: string) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s.slice(-1), id]));
  const now = Date.now();

  if (runsQuery.error) {
    return (
      <div className="p-4">
        <ErrorBanner error={runsQuery.error} title="Could not load evaluation runs" />
      </div>
    );
  }
  if (runsQuery.isPending) {
    return (
      <div className="p-4">
        <Spinner label="Loading evaluation runs" />
      </div>
    );
  }
  return (
    <div className="flex h-full min-h-0 flex-col gap-3 p-4">
      <div className="flex items-center gap-3">
        <div className="text-xs text-zinc-500" aria-live="polite">
          {runs.length.toLocaleString('en-US')} evaluation run{runs.length === 1 ? '' : 's'}
          {selected.length ? ` · ${selected.length} selected` : ''}
        </div>
        <Button
          variant="primary"
          className="ml-auto"
          disabled={selected.length !== 2}
          onClick={() =>
            navigate(
              compareUrl(
                experimentId,
                runs.filter((r) => selected.includes(r.info.run_id)),
              ),
            )
          }
        >
          Compare{selected.length === 2 ? ' (2)' : ''}
        </Button>
      </div>
      {runs.length === 0 ? (
        <EmptyState
          title="No evaluation runs yet"
          hint="Runs made by mlflow.genai.evaluate() (or Loupe's evaluate()) show here: tagged mlflow.runType = genai_evaluate, one trace per example."
        />
      ) : (
        <div className="min-h-0 flex-1 overflow-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
          <table aria-label="Evaluation runs" className="w-full text-[13px]">
            <thead className="sticky top-0 z-10 border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900">
              <tr>
                <th className={TH}>
                  <span className="sr-only">Select</span>
                </th>
                <th className={TH}>Run</th>
                {metrics.map((m) => (
                  <th key={m.key} className={`${TH} text-right`} title={m.key}>
                    {m.scorer}
                    {m.aggregation !== 'mean' ? <span className="ml-1 font-normal text-zinc-400">{m.aggregation}</span> : null}
                  </th>
                ))}
                <th className={`${TH} text-right`}>Traces</th>
                <th className={TH}>Dataset</th>
                <th className={TH}>Status</th>
                <th className={TH}>Created</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => {
                const id = run.info.run_id;
                const isSelected = selected.includes(id);
                return (
                  <tr
                    key={id}
                    aria-selected={isSelected}
                    className={`border-b border-zinc-100 dark:border-zinc-800/70 ${isSelected ? 'bg-indigo-50/60 dark:bg-indigo-500/10' : 'hover:bg-zinc-50 dark:hover:bg-zinc-800/40'}`}
                  >
                    <td className={TD}>
                      <input type="checkbox" aria-label={`Select ${runName(run)}`} checked={isSelected} onChange={() => toggle(id)} />
                    </td>
                    <td className={`${TD} max-w-72 truncate font-medium`}>
                      <Link to={id} className="text-indigo-600 hover:underline dark:text-indigo-400">
                        {runName(run)}
                      </Link>
                    </td>
                    {metrics.map((m) => {
                      const v = runMetric(run, m.key);
                      return (
                        <td key={m.key} className={`${TD} text-right font-mono tabular-nums`}>
                          {v === undefined ? <span className="text-zinc-300 dark:text-zinc-600">–</span> : formatMetric(v)}
                        </td>
                      );
                    })}
                    <td className={`${TD} text-right tabular-nums`}>{counts.get(id)?.toLocaleString('en-US') ?? '…'}</td>
                    <td className={`${TD} max-w-56 truncate text-zinc-600 dark:text-zinc-300`} title={runDataset(run)}>
                      {runDataset(run) ?? <span className="text-zinc-300 dark:text-zinc-600">–</span>}
                    </td>
                    <td className={TD}>
                      <StatusBadge status={run.info.status} />
                    </td>
                    <td className={`${TD} text-zinc-500`} title={formatTimestamp(run.info.start_time)}>
                      {formatRelative(run.info.start_time, now)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
