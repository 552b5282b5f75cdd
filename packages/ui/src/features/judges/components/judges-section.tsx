import { useMemo, useState } from 'react';
import { Button } from '../../../shared/components/button';
import { EmptyState, ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { Sparkline } from '../../../shared/components/sparkline';
import { Badge } from '../../../shared/components/status-badge';
import { formatRelative, formatTimestamp } from '../../../shared/lib/format';
import { useJudgeScores } from '../../overview/hooks/use-judge-scores';
import type { JudgeScoreSeries } from '../../overview/lib/judge-series';
import { bucketStarts, OVERVIEW_RANGES } from '../../overview/lib/metric-series';
import { useJudges, useSetJudgeSampling } from '../hooks/use-judges';
import { backlogOf, backlogText, formatSampleRate, type JudgeRow } from '../lib/judge-rows';
import { JudgeBackfillDialog } from './judge-backfill-dialog';
import { JudgeSamplingDialog } from './judge-sampling-dialog';

/** The scores window of the table: the last 7 days in 6-hour buckets. */
const SCORES_RANGE = OVERVIEW_RANGES.find((r) => r.id === '7d')!;

function StatusCell({ judge }: { judge: JudgeRow }) {
  const error = judge.status?.online_error;
  if (error)
    return (
      <Badge tone="amber" title={error}>
        Cannot run online
      </Badge>
    );
  return judge.active ? <Badge tone="green">Active</Badge> : <Badge tone="zinc">Stopped</Badge>;
}

function ScoresCell({ judge, scores }: { judge: JudgeRow; scores: JudgeScoreSeries | undefined }) {
  if (!scores || scores.overall === null) return <span className="text-zinc-500">—</span>;
  const passRate = scores.kind === 'pass_rate';
  const values = scores.values.filter((v): v is number => v !== null);
  return (
    <div className="flex items-center gap-2">
      <Sparkline
        label={`${passRate ? 'Pass rate' : 'Average score'} of ${judge.name} over 7 days`}
        values={scores.values}
        min={passRate ? 0 : Math.min(0, ...values)}
        max={passRate ? 100 : Math.max(1, ...values)}
        color={passRate ? '#10b981' : '#6366f1'}
      />
      <div className="text-xs whitespace-nowrap">
        <div className="font-medium tabular-nums">{passRate ? `${Number(scores.overall.toFixed(1))}%` : Number(scores.overall.toFixed(2))}</div>
        <div className="text-zinc-500">
          {scores.count} verdict{scores.count === 1 ? '' : 's'}
        </div>
      </div>
    </div>
  );
}

function JudgeTableRow({
  judge,
  scores,
  onEdit,
  onBackfill,
  onStop,
  stopping,
}: {
  judge: JudgeRow;
  scores: JudgeScoreSeries | undefined;
  onEdit: () => void;
  onBackfill: () => void;
  onStop: () => void;
  stopping: boolean;
}) {
  const s = judge.status;
  const backlog = backlogOf(judge);
  return (
    <tr className="border-b border-zinc-100 last:border-0 dark:border-zinc-800/60">
      <td className="px-3 py-2.5">
        <div className="font-medium">{judge.name}</div>
        <div className="text-xs whitespace-nowrap text-zinc-500">
          {judge.model ? <span className="font-mono">{judge.model}</span> : 'no model'} · v{judge.version}
          {s?.session_level ? ' · sessions' : ''}
        </div>
      </td>
      <td className="px-3 py-2.5">
        <StatusCell judge={judge} />
      </td>
      <td className="px-3 py-2.5" aria-label={`Sampling of ${judge.name}`}>
        <div className="tabular-nums">{formatSampleRate(judge.sampleRate)}</div>
        <div className="max-w-56 truncate font-mono text-xs text-zinc-500" title={judge.filterString}>
          {judge.filterString ?? 'all traces'}
        </div>
      </td>
      <td className="px-3 py-2.5 text-zinc-600 dark:text-zinc-400" aria-label={`Last run of ${judge.name}`}>
        {s?.last_judgement_time_ms ? <span title={formatTimestamp(s.last_judgement_time_ms)}>{formatRelative(s.last_judgement_time_ms)}</span> : 'never'}
        {s?.examined_through_ms ? (
          <div className="text-xs whitespace-nowrap text-zinc-500" title={`Traces that ended up to ${formatTimestamp(s.examined_through_ms)} were examined`}>
            examined up to {formatRelative(s.examined_through_ms)}
          </div>
        ) : null}
      </td>
      <td className="px-3 py-2.5 text-xs whitespace-nowrap" aria-label={`Backlog of ${judge.name}`}>
        {backlog ? (
          <>
            <div>{backlogText(backlog)}</div>
            {backlog.failed ? <div className="text-red-600 dark:text-red-400">{backlog.failed} failed</div> : null}
          </>
        ) : (
          '—'
        )}
      </td>
      <td className="px-3 py-2.5" aria-label={`Scores of ${judge.name}`}>
        <ScoresCell judge={judge} scores={scores} />
      </td>
      <td className="px-3 py-2.5 text-right whitespace-nowrap">
        <div className="inline-flex gap-1.5">
          <Button size="sm" onClick={onEdit} aria-label={`Edit sampling of ${judge.name}`}>
            {judge.active ? 'Edit' : 'Start'}
          </Button>
          {judge.active ? (
            <Button size="sm" onClick={onStop} disabled={stopping} aria-label={`Stop ${judge.name}`}>
              {stopping ? 'Stopping…' : 'Stop'}
            </Button>
          ) : null}
          <Button size="sm" onClick={onBackfill} aria-label={`Backfill ${judge.name}`}>
            Backfill
          </Button>
        </div>
      </td>
    </tr>
  );
}

/**
 * The judges of an experiment's monitoring page: each registered judge (latest version) with its
 * status, sampling (rate and filter), last run, backlog and its scores over 7 days (pass rate or
 * average, with a sparkline), and buttons to edit or start its sampling, stop it, and backfill it.
 *
 * @example
 * <JudgesSection experimentId="1" />
 */
export function JudgesSection({ experimentId }: { experimentId: string }) {
  const judges = useJudges(experimentId);
  const stop = useSetJudgeSampling(experimentId);
  // Taken once, rounded to the minute, so the scores' query keys stay put between renders.
  const [now] = useState(() => Math.ceil(Date.now() / 60_000) * 60_000);
  const buckets = useMemo(() => bucketStarts(SCORES_RANGE, now), [now]);
  // To the end of the last bucket, so traces judged while the page is open count as the scores are read again.
  const end = (buckets.at(-1) ?? now) + SCORES_RANGE.intervalSeconds * 1000 - 1;
  const scores = useJudgeScores(experimentId, buckets, SCORES_RANGE.intervalSeconds, end, { refetchMs: 10_000 });
  const [editing, setEditing] = useState<JudgeRow | undefined>();
  const [backfilling, setBackfilling] = useState<JudgeRow | undefined>();
  const active = judges.data?.filter((j) => j.active).length ?? 0;
  return (
    <section aria-label="Judges" className="mb-8">
      <div className="mb-4 flex items-center gap-3">
        <h2 className="text-base font-semibold">Judges</h2>
        {judges.data?.length ? <Badge tone={active ? 'green' : 'zinc'}>{active} active</Badge> : null}
      </div>
      {judges.error ? <ErrorBanner error={judges.error} title="Judges could not be read" /> : null}
      {scores.error ? <ErrorBanner error={scores.error} title="Scores could not be read" /> : null}
      {stop.error ? <ErrorBanner error={stop.error} title="Not stopped" /> : null}
      {judges.isPending ? (
        <Spinner label="Loading judges" />
      ) : judges.data && judges.data.length === 0 ? (
        <EmptyState
          title="No judges registered"
          hint="Register an LLM judge on a gateway endpoint (make_judge(..., model='gateway:/<endpoint>').register(experiment_id=...)), then start it here or with .start(sampling_config=...): it scores a share of new traces as they arrive."
        />
      ) : judges.data ? (
        <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
          <table className="w-full text-sm" aria-label="Judges">
            <thead className="border-b border-zinc-200 bg-zinc-50 text-left text-xs font-medium text-zinc-500 uppercase dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400">
              <tr>
                <th className="px-3 py-2 font-medium">Judge</th>
                <th className="px-3 py-2 font-medium">Status</th>
                <th className="px-3 py-2 font-medium">Sampling</th>
                <th className="px-3 py-2 font-medium">Last run</th>
                <th className="px-3 py-2 font-medium">Backlog</th>
                <th className="px-3 py-2 font-medium">Scores (7 days)</th>
                <th className="px-3 py-2 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {judges.data.map((j) => (
                <JudgeTableRow
                  key={j.scorerId}
                  judge={j}
                  scores={scores.series.find((s) => s.name === j.name)}
                  onEdit={() => setEditing(j)}
                  onBackfill={() => setBackfilling(j)}
                  onStop={() => stop.mutate({ name: j.name, sampleRate: 0, ...(j.filterString ? { filterString: j.filterString } : {}) })}
                  stopping={stop.isPending && stop.variables?.name === j.name}
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {editing ? <JudgeSamplingDialog experimentId={experimentId} judge={editing} onClose={() => setEditing(undefined)} /> : null}
      {backfilling ? <JudgeBackfillDialog experimentId={experimentId} judge={backfilling} onClose={() => setBackfilling(undefined)} /> : null}
    </section>
  );
}
