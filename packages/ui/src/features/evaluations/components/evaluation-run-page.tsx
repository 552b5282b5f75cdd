import { useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { StatusBadge } from '../../../shared/components/status-badge';
import { INPUT_CLASS } from '../../../shared/components/text-input';
import { formatRelative, formatTimestamp } from '../../../shared/lib/format';
import { useSearchParamsPatch } from '../../../shared/hooks/use-search-params-patch';
import { useRun } from '../../runs/hooks/use-runs';
import { MAX_EVAL_ROWS, useEvaluationTraces } from '../hooks/use-evaluations';
import { runDataset, summarizeScorers } from '../lib/eval-aggregates';
import { evalRow, scorerNames, viewRows, type ScoreFilter, type ScoreFilterValue, type ScoreSort } from '../lib/eval-rows';
import { EvalRowDetails } from './eval-row-details';
import { EvalRowsTable } from './eval-rows-table';
import { ScorerSummaries } from './scorer-summaries';

const FILTER_VALUES: { value: ScoreFilterValue; label: string }[] = [
  { value: 'fail', label: 'fail' },
  { value: 'pass', label: 'pass' },
  { value: 'error', label: 'error' },
  { value: 'missing', label: 'not scored' },
];

/** The filter and order of the rows, kept in the URL (`?scorer=correctness&value=fail&sort=relevance&dir=desc`). */
function useRowView(): [ScoreFilter | undefined, ScoreSort | undefined, (p: Record<string, string | undefined>) => void] {
  const [params] = useSearchParams();
  const scorer = params.get('scorer');
  const value = params.get('value') as ScoreFilterValue | null;
  const sortBy = params.get('sort');
  const filter = scorer && value ? { scorer, value } : undefined;
  const sort = sortBy ? { scorer: sortBy, descending: params.get('dir') === 'desc' } : undefined;
  const update = useSearchParamsPatch();
  return [filter, sort, update];
}

/**
 * One evaluation run: its aggregate scores, then one row per example (inputs, outputs, expectations,
 * each scorer's verdict with the rationale on hover and in the row's details, a link to the trace),
 * filtered by a scorer's verdict and sorted by a scorer. All rows are read at once (500 traces with
 * their assessments a request) and drawn virtualized.
 *
 * @example
 * { path: 'evaluations/:runId', lazy: ... EvaluationRunPage }
 */
export function EvaluationRunPage() {
  const { experimentId = '', runId = '' } = useParams();
  const run = useRun(runId);
  const traces = useEvaluationTraces(experimentId, runId);
  const rows = useMemo(() => (traces.data?.traces ?? []).map((t) => evalRow(t, runId)), [traces.data, runId]);
  const scorers = useMemo(() => scorerNames(rows), [rows]);
  const summaries = useMemo(() => summarizeScorers(rows, scorers, run.data), [rows, scorers, run.data]);
  const [filter, sort, update] = useRowView();
  const shown = useMemo(() => viewRows(rows, filter, sort), [rows, filter, sort]);
  const [selectedId, setSelectedId] = useState<string>();
  const selected = selectedId ? rows.find((r) => r.traceId === selectedId) : undefined;
  const base = `/experiments/${experimentId}/evaluations`;
  const name = run.data?.info.run_name || runId;
  const dataset = run.data ? runDataset(run.data) : undefined;
  const filterScorer = filter?.scorer ?? scorers[0] ?? '';

  return (
    <div className="flex h-full min-h-0 flex-col gap-3 p-4">
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <Link to={base} className="text-xs text-zinc-500 hover:underline">
          Evaluations
        </Link>
        <span className="text-xs text-zinc-400">/</span>
        <h2 className="text-base font-semibold">{name}</h2>
        {run.data ? <StatusBadge status={run.data.info.status} /> : null}
        {run.data ? (
          <span className="text-xs text-zinc-500" title={formatTimestamp(run.data.info.start_time)}>
            {formatRelative(run.data.info.start_time)}
          </span>
        ) : null}
        {dataset ? <span className="text-xs text-zinc-500">dataset {dataset}</span> : null}
        <Link to={`/experiments/${experimentId}/runs/${runId}`} className="ml-auto text-xs text-indigo-600 hover:underline dark:text-indigo-400">
          Run details
        </Link>
      </div>
      {run.error ? <ErrorBanner error={run.error} title="Run not found" /> : null}
      {traces.error ? <ErrorBanner error={traces.error} title="Could not load the evaluation's traces" /> : null}
      <ScorerSummaries summaries={summaries} />
      <div className="flex flex-wrap items-center gap-2 text-xs text-zinc-500">
        <label className="flex items-center gap-1">
          Show
          <select
            aria-label="Filter value"
            value={filter?.value ?? ''}
            onChange={(e) => update({ value: e.target.value || undefined, scorer: e.target.value ? filterScorer : undefined })}
            className={`${INPUT_CLASS} h-7 w-auto py-0 text-xs`}
          >
            <option value="">all rows</option>
            {FILTER_VALUES.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-1">
          of
          <select
            aria-label="Filter scorer"
            value={filterScorer}
            onChange={(e) => update({ scorer: e.target.value, value: filter?.value })}
            className={`${INPUT_CLASS} h-7 w-auto py-0 text-xs`}
          >
            {scorers.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label className="ml-3 flex items-center gap-1">
          Sort by
          <select
            aria-label="Sort by scorer"
            value={sort ? `${sort.scorer}\u0000${sort.descending ? 'desc' : 'asc'}` : ''}
            onChange={(e) => {
              const [s, dir] = e.target.value.split('\u0000');
              update({ sort: s || undefined, dir: s ? dir : undefined });
            }}
            className={`${INPUT_CLASS} h-7 w-auto py-0 text-xs`}
          >
            <option value="">time</option>
            {scorers.flatMap((s) => [
              <option key={`${s}-asc`} value={`${s}\u0000asc`}>
                {s}, lowest first
              </option>,
              <option key={`${s}-desc`} value={`${s}\u0000desc`}>
                {s}, highest first
              </option>,
            ])}
          </select>
        </label>
        <span className="ml-auto" aria-live="polite" data-testid="row-count">
          {traces.isPending
            ? 'Loading rows…'
            : `${shown.length === rows.length ? '' : `${shown.length.toLocaleString('en-US')} of `}${rows.length.toLocaleString('en-US')} row${rows.length === 1 ? '' : 's'}${traces.data?.truncated ? ` (first ${MAX_EVAL_ROWS.toLocaleString('en-US')})` : ''}`}
        </span>
      </div>
      {traces.isPending ? (
        <Spinner label="Loading rows" />
      ) : rows.length === 0 ? (
        <p className="text-sm text-zinc-500">No traces are linked to this run (trace metadata mlflow.sourceRun, or traces/link-to-run).</p>
      ) : (
        <div className="flex min-h-0 flex-1 gap-3">
          <EvalRowsTable
            experimentId={experimentId}
            rows={shown}
            scorers={scorers}
            sort={sort}
            onSort={(s) => update({ sort: s?.scorer, dir: s ? (s.descending ? 'desc' : 'asc') : undefined })}
            selected={selectedId}
            onSelect={setSelectedId}
          />
          {selected ? <EvalRowDetails experimentId={experimentId} row={selected} scorers={scorers} onClose={() => setSelectedId(undefined)} /> : null}
        </div>
      )}
    </div>
  );
}
