import type { Run } from '@loupe/protocol';
import { useMemo } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { Button } from '../../../shared/components/button';
import { EmptyState, ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { useSearchParamsPatch } from '../../../shared/hooks/use-search-params-patch';
import { useRuns } from '../../runs/hooks/use-runs';
import { useEvaluationTraces } from '../hooks/use-evaluations';
import { summarizeScorers } from '../lib/eval-aggregates';
import { compareRuns, type MatchBy } from '../lib/eval-compare';
import { evalRow, scorerNames } from '../lib/eval-rows';
import { CompareRowsTable } from './compare-rows-table';
import { ScorerDeltas } from './scorer-summaries';

const MATCHED_BY: Record<MatchBy, string> = {
  requestId: 'Rows matched by evaluation request id (the mlflow.eval.requestId trace tag).',
  inputs: 'Rows matched by their inputs (the trace request as canonical JSON).',
};

function RunName({ experimentId, run, id, role }: { experimentId: string; run: Run | undefined; id: string; role: string }) {
  return (
    <span className="inline-flex items-baseline gap-1">
      <span className="text-xs text-zinc-500">{role}</span>
      <Link to={`/experiments/${experimentId}/evaluations/${id}`} className="font-semibold text-indigo-600 hover:underline dark:text-indigo-400">
        {run?.info.run_name || id}
      </Link>
    </span>
  );
}

/**
 * Two evaluation runs compared example by example (`?runs=<baseline>,<candidate>`): aggregate deltas
 * per scorer, then every example with each scorer's verdict in both runs, regressions (pass -> fail,
 * a lower number, a new error) and improvements marked; `?only=regressions` keeps the regressions.
 *
 * @example
 * { path: 'evaluations/compare', lazy: ... EvaluationComparePage }
 */
export function EvaluationComparePage() {
  const { experimentId = '' } = useParams();
  const [params] = useSearchParams();
  const [beforeId = '', afterId = ''] = (params.get('runs') ?? '').split(',').filter(Boolean);
  const onlyRegressions = params.get('only') === 'regressions';
  const [beforeRun, afterRun] = useRuns([beforeId, afterId].filter(Boolean));
  const beforeTraces = useEvaluationTraces(experimentId, beforeId || undefined);
  const afterTraces = useEvaluationTraces(experimentId, afterId || undefined);
  const before = useMemo(() => (beforeTraces.data?.traces ?? []).map((t) => evalRow(t, beforeId)), [beforeTraces.data, beforeId]);
  const after = useMemo(() => (afterTraces.data?.traces ?? []).map((t) => evalRow(t, afterId)), [afterTraces.data, afterId]);
  const scorers = useMemo(() => scorerNames(before, after), [before, after]);
  const compared = useMemo(() => compareRuns(before, after, scorers), [before, after, scorers]);
  const deltas = useMemo(
    () => ({ before: summarizeScorers(before, scorers, beforeRun?.data), after: summarizeScorers(after, scorers, afterRun?.data) }),
    [before, after, scorers, beforeRun?.data, afterRun?.data],
  );
  const shown = useMemo(() => (onlyRegressions ? compared.rows.filter((r) => r.regressions > 0) : compared.rows), [compared, onlyRegressions]);
  const regressed = compared.rows.filter((r) => r.regressions > 0).length;
  const improved = compared.rows.filter((r) => r.improvements > 0).length;
  const matched = compared.rows.filter((r) => r.before && r.after).length;
  const set = useSearchParamsPatch();

  if (!beforeId || !afterId) {
    return (
      <div className="p-4">
        <EmptyState title="Pick two evaluation runs to compare" hint="Select two runs in the Evaluations list, then Compare.">
          <Link to={`/experiments/${experimentId}/evaluations`} className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">
            Evaluations
          </Link>
        </EmptyState>
      </div>
    );
  }
  const pending = beforeTraces.isPending || afterTraces.isPending;
  const error = beforeTraces.error ?? afterTraces.error ?? beforeRun?.error ?? afterRun?.error;
  return (
    <div className="flex h-full min-h-0 flex-col gap-3 p-4">
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <Link to={`/experiments/${experimentId}/evaluations`} className="text-xs text-zinc-500 hover:underline">
          Evaluations
        </Link>
        <span className="text-xs text-zinc-400">/</span>
        <h2 className="flex flex-wrap items-baseline gap-2 text-base">
          <RunName experimentId={experimentId} run={beforeRun?.data} id={beforeId} role="baseline" />
          <span className="text-zinc-400">→</span>
          <RunName experimentId={experimentId} run={afterRun?.data} id={afterId} role="candidate" />
        </h2>
        <Button size="sm" className="ml-auto" onClick={() => set({ runs: `${afterId},${beforeId}` })}>
          Swap
        </Button>
      </div>
      {error ? <ErrorBanner error={error} title="Could not load the runs" /> : null}
      {pending ? (
        <Spinner label="Loading both runs" />
      ) : (
        <>
          <ScorerDeltas before={deltas.before} after={deltas.after} />
          <div className="flex flex-wrap items-center gap-3 text-xs text-zinc-500">
            <label className="flex items-center gap-1.5 text-zinc-700 dark:text-zinc-200">
              <input type="checkbox" checked={onlyRegressions} onChange={(e) => set({ only: e.target.checked ? 'regressions' : undefined })} />
              Regressions only
            </label>
            <span aria-live="polite" data-testid="compare-summary">
              <span className="text-red-600 dark:text-red-400">
                {regressed} regression{regressed === 1 ? '' : 's'}
              </span>
              {' · '}
              <span className="text-emerald-600 dark:text-emerald-400">
                {improved} improvement{improved === 1 ? '' : 's'}
              </span>
              {` · ${matched} of ${compared.rows.length} examples in both runs`}
            </span>
            <span className="ml-auto">{MATCHED_BY[compared.by]}</span>
          </div>
          <CompareRowsTable experimentId={experimentId} rows={shown} scorers={scorers} />
        </>
      )}
    </div>
  );
}
