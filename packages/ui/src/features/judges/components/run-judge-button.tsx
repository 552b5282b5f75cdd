import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { Button } from '../../../shared/components/button';
import { Dialog } from '../../../shared/components/dialog';
import { DialogActions } from '../../../shared/components/dialog-actions';
import { ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { useJudges, useRunJudge } from '../hooks/use-judges';
import { backlogOf } from '../lib/judge-rows';

/** A run of a judge on chosen traces, once queued. */
export interface QueuedJudgeRun {
  name: string;
  /** Judgements queued. */
  jobs: number;
  /** When the server said they were queued (epoch ms). */
  queuedAt: number;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function RunForm({
  experimentId,
  traceIds,
  onQueued,
  onClose,
}: {
  experimentId: string;
  traceIds: string[];
  onQueued: (run: QueuedJudgeRun) => void;
  onClose: () => void;
}) {
  const judges = useJudges(experimentId);
  const run = useRunJudge(experimentId);
  const runnable = judges.data?.filter((j) => !j.status?.online_error) ?? [];
  const [name, setName] = useState<string>();
  const chosen = name ?? runnable[0]?.name;
  const [queued, setQueued] = useState<QueuedJudgeRun>();
  if (queued) {
    return (
      <div className="flex flex-col gap-3 text-sm">
        <p role="status">
          Queued {plural(queued.jobs, 'judgement')} with “{queued.name}”. The assessments appear on the traces when the jobs finish.
        </p>
        <div className="flex justify-end">
          <Button onClick={onClose}>Close</Button>
        </div>
      </div>
    );
  }
  return (
    <form
      aria-label="Run judge"
      className="flex flex-col gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        if (!chosen) return;
        run.mutate(
          { name: chosen, traceIds },
          {
            onSuccess: (res) => {
              const done = { name: chosen, jobs: res.job_count, queuedAt: Date.now() };
              setQueued(done);
              onQueued(done);
            },
          },
        );
      }}
    >
      {judges.error ? <ErrorBanner error={judges.error} title="Judges could not be read" /> : null}
      {judges.isPending ? <Spinner label="Loading judges" /> : null}
      {judges.data && judges.data.length === 0 ? (
        <p className="text-sm text-zinc-500">
          No judges registered in this experiment. Register one with MLflow&apos;s <code className="font-mono">make_judge(...).register()</code>; the{' '}
          <Link to={`/experiments/${experimentId}/monitors`} className="text-indigo-600 hover:underline dark:text-indigo-400">
            Monitoring tab
          </Link>{' '}
          lists them.
        </p>
      ) : null}
      <fieldset className="flex max-h-64 flex-col gap-1.5 overflow-auto">
        <legend className="sr-only">Judge</legend>
        {judges.data?.map((j) => {
          const error = j.status?.online_error;
          return (
            <label key={j.scorerId} className={`flex items-start gap-2 text-sm ${error ? 'text-zinc-400' : ''}`} title={error}>
              <input
                type="radio"
                name="judge"
                value={j.name}
                checked={j.name === chosen}
                disabled={Boolean(error)}
                onChange={() => setName(j.name)}
                className="mt-0.5"
              />
              <span>
                {j.name}
                {j.model ? <span className="ml-1.5 font-mono text-xs text-zinc-500">{j.model}</span> : null}
                {error ? <span className="block text-xs">{error}</span> : null}
              </span>
            </label>
          );
        })}
      </fieldset>
      {run.error ? <ErrorBanner error={run.error} title="Not queued" /> : null}
      <DialogActions
        onCancel={onClose}
        submitLabel={`Run on ${plural(traceIds.length, 'trace')}`}
        pendingLabel="Queuing…"
        pending={run.isPending}
        disabled={!chosen}
      />
    </form>
  );
}

/**
 * "Run judge" for the traces selected in the traces table: pick one of the experiment's registered
 * judges and judge the traces now (`POST /loupe/scorers/run`, a new judgement even where one exists).
 * `onQueued` hears of the run (to follow it with {@link JudgeRunStatus}); `onClosed` runs when the
 * dialog closes after it was queued (to clear the selection).
 *
 * @example
 * <RunJudgeButton experimentId="1" traceIds={selectedIds} onQueued={setJudgeRun} onClosed={() => setSelection({})} />
 */
export function RunJudgeButton({
  experimentId,
  traceIds,
  onQueued,
  onClosed,
}: {
  experimentId: string;
  traceIds: string[];
  onQueued: (run: QueuedJudgeRun) => void;
  onClosed: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [queued, setQueued] = useState(false);
  const close = () => {
    setOpen(false);
    if (queued) {
      setQueued(false);
      onClosed();
    }
  };
  return (
    <>
      <Button size="sm" disabled={traceIds.length === 0} onClick={() => setOpen(true)}>
        Run judge
      </Button>
      <Dialog open={open} title="Run judge" onClose={close}>
        {open ? (
          <RunForm
            experimentId={experimentId}
            traceIds={traceIds}
            onQueued={(run) => {
              setQueued(true);
              onQueued(run);
            }}
            onClose={close}
          />
        ) : null}
      </Dialog>
    </>
  );
}

/**
 * A judge run's progress above the traces table: the judge's queued judgements counted down (its
 * status, read every second), then, once none is left, the traces (and the charts' metrics) are read
 * again so the assessments show.
 *
 * @example
 * {judgeRun ? <JudgeRunStatus experimentId="1" run={judgeRun} onDismiss={() => setJudgeRun(undefined)} /> : null}
 */
export function JudgeRunStatus({ experimentId, run, onDismiss }: { experimentId: string; run: QueuedJudgeRun; onDismiss: () => void }) {
  const qc = useQueryClient();
  const [done, setDone] = useState(false);
  const judges = useJudges(experimentId, done ? 10_000 : 1000);
  const judge = judges.data?.find((j) => j.name === run.name);
  const left = judge ? backlogOf(judge)?.jobs : undefined;
  // Only a status read after the run was queued can say it is finished.
  const finished = judges.dataUpdatedAt >= run.queuedAt && left === 0;
  // Latched: online judgements of the same judge may queue up again later.
  if (finished && !done) setDone(true);
  useEffect(() => {
    if (!done) return;
    void qc.invalidateQueries({ queryKey: ['traces'] });
    void qc.invalidateQueries({ queryKey: ['trace-metrics', experimentId] });
  }, [done, qc, experimentId]);
  return (
    <div
      role="status"
      className="flex items-center gap-2 rounded-md bg-indigo-50 px-3 py-1.5 text-xs text-indigo-800 dark:bg-indigo-500/10 dark:text-indigo-200"
    >
      {done ? (
        <span>“{run.name}” finished judging: its assessments are on the traces.</span>
      ) : (
        <span>
          Judging {plural(run.jobs, 'trace')} with “{run.name}”{left === undefined ? '' : `: ${left} left`}…
        </span>
      )}
      <Button size="sm" variant="ghost" className="ml-auto" onClick={onDismiss}>
        Dismiss
      </Button>
    </div>
  );
}
