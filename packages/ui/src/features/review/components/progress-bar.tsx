import type { ReviewQueueProgress } from '@loupe/protocol';

/**
 * How far a queue's review has come: a done/total bar (done = complete + declined) and the counts.
 *
 * @example
 * <ReviewProgressBar progress={progress.get(queue.queue_id)} />
 */
export function ReviewProgressBar({ progress, label }: { progress: ReviewQueueProgress | undefined; label?: string }) {
  const total = progress?.total ?? 0;
  const done = (progress?.complete ?? 0) + (progress?.declined ?? 0);
  const pct = (n: number) => (total ? (n / total) * 100 : 0);
  return (
    <div className="flex min-w-40 items-center gap-2">
      <div
        role="progressbar"
        aria-label={label ?? 'Review progress'}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-valuetext={`${done}/${total} done`}
        className="flex h-2 flex-1 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
      >
        <div className="bg-emerald-500" style={{ width: `${pct(progress?.complete ?? 0)}%` }} />
        <div className="bg-zinc-400 dark:bg-zinc-500" style={{ width: `${pct(progress?.declined ?? 0)}%` }} />
      </div>
      <span
        className="shrink-0 text-xs text-zinc-600 tabular-nums dark:text-zinc-300"
        title={progress ? `${progress.complete} complete, ${progress.declined} declined, ${progress.pending} pending` : undefined}
      >
        {progress ? `${done}/${total} done` : '—'}
      </span>
    </div>
  );
}
