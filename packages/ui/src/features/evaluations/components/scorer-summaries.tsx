import { formatMean, type ScorerSummary } from '../lib/eval-aggregates';

/**
 * The aggregate scores of an evaluation run, one card per scorer: the mean (the run's logged
 * `<scorer>/mean`, else counted from the rows), then pass, fail and error counts.
 *
 * @example
 * <ScorerSummaries summaries={summarizeScorers(rows, scorers, run)} />
 */
export function ScorerSummaries({ summaries }: { summaries: readonly ScorerSummary[] }) {
  if (summaries.length === 0) return null;
  return (
    <section aria-label="Aggregate scores" className="flex flex-wrap gap-2">
      {summaries.map((s) => (
        <div
          key={s.scorer}
          role="group"
          aria-label={s.scorer}
          className="min-w-36 rounded-lg border border-zinc-200 bg-white px-3 py-2 dark:border-zinc-800 dark:bg-zinc-900"
        >
          <div className="truncate text-xs font-medium text-zinc-500" title={s.scorer}>
            {s.scorer}
          </div>
          <div className="text-xl font-semibold tabular-nums" title={s.logged ? `${s.scorer}/mean, as logged on the run` : 'Counted from the rows'}>
            {formatMean(s)}
          </div>
          <div className="flex gap-2 text-[11px] text-zinc-500 tabular-nums">
            {s.pass + s.fail > 0 ? (
              <>
                <span className="text-emerald-600 dark:text-emerald-400">{s.pass} pass</span>
                <span className="text-red-600 dark:text-red-400">{s.fail} fail</span>
              </>
            ) : (
              <span>{s.scored} scored</span>
            )}
            {s.errors ? (
              <span className="text-amber-700 dark:text-amber-300">
                {s.errors} error{s.errors === 1 ? '' : 's'}
              </span>
            ) : null}
          </div>
        </div>
      ))}
    </section>
  );
}

/**
 * Aggregate deltas of two runs, one card per scorer: baseline mean -> candidate mean, and the change.
 *
 * @example
 * <ScorerDeltas before={summariesA} after={summariesB} />
 */
export function ScorerDeltas({ before, after }: { before: readonly ScorerSummary[]; after: readonly ScorerSummary[] }) {
  return (
    <section aria-label="Aggregate deltas" className="flex flex-wrap gap-2">
      {before.map((b, i) => {
        const a = after[i]!;
        const delta = b.mean !== undefined && a.mean !== undefined ? a.mean - b.mean : undefined;
        const binary = b.pass + b.fail + a.pass + a.fail > 0;
        const deltaText =
          delta === undefined
            ? ''
            : `${delta > 0 ? '+' : delta < 0 ? '−' : '±'}${binary ? `${Math.round(Math.abs(delta) * 1000) / 10} pts` : Number(Math.abs(delta).toPrecision(3))}`;
        return (
          <div
            key={b.scorer}
            role="group"
            aria-label={b.scorer}
            className="min-w-44 rounded-lg border border-zinc-200 bg-white px-3 py-2 dark:border-zinc-800 dark:bg-zinc-900"
          >
            <div className="truncate text-xs font-medium text-zinc-500">{b.scorer}</div>
            <div className="flex items-baseline gap-2 tabular-nums">
              <span className="text-sm text-zinc-500">{formatMean(b)}</span>
              <span className="text-zinc-400">→</span>
              <span className="text-xl font-semibold">{formatMean(a)}</span>
              {delta !== undefined ? (
                <span
                  className={`text-xs font-medium ${delta < 0 ? 'text-red-600 dark:text-red-400' : delta > 0 ? 'text-emerald-600 dark:text-emerald-400' : 'text-zinc-500'}`}
                >
                  {deltaText}
                </span>
              ) : null}
            </div>
          </div>
        );
      })}
    </section>
  );
}
