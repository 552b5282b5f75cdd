import type { ScoreCell } from '../lib/eval-rows';
import { scoreText, type ScoreChange } from '../lib/score-value';

const CHIP = 'inline-flex max-w-full items-center gap-1 truncate rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset';
const TONE = {
  pass: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-500/10 dark:text-emerald-400 dark:ring-emerald-400/20',
  fail: 'bg-red-50 text-red-700 ring-red-600/20 dark:bg-red-500/10 dark:text-red-400 dark:ring-red-400/20',
  error: 'bg-amber-50 text-amber-800 ring-amber-600/30 dark:bg-amber-500/10 dark:text-amber-300 dark:ring-amber-400/30',
  other: 'bg-zinc-100 text-zinc-700 ring-zinc-500/20 dark:bg-zinc-800 dark:text-zinc-200 dark:ring-zinc-400/20',
};

/** What hovering a chip shows: the verdict, then the judge's rationale or the error. */
function hoverText(scorer: string, cell: ScoreCell): string {
  const head = cell.score.kind === 'error' ? `${scorer}: error: ${cell.score.message}` : `${scorer}: ${scoreText(cell.score)}`;
  return cell.rationale ? `${head}\n\n${cell.rationale}` : head;
}

/**
 * One scorer's verdict as a chip: pass (green) and fail (red) for yes/no and booleans, numbers and
 * text plain, errors amber; hovering shows the rationale (or the error).
 *
 * @example
 * <ScoreChip scorer="correctness" cell={row.scores.correctness} />
 */
export function ScoreChip({ scorer, cell }: { scorer: string; cell: ScoreCell | undefined }) {
  if (!cell || cell.score.kind === 'none') return <span className="text-xs text-zinc-300 dark:text-zinc-600">–</span>;
  const s = cell.score;
  const title = hoverText(scorer, cell);
  if (s.kind === 'error') {
    return (
      <span className={`${CHIP} ${TONE.error}`} title={title} data-score="error">
        <span aria-hidden>⚠</span> error
      </span>
    );
  }
  const tone = s.kind === 'pass' ? TONE.pass : s.kind === 'fail' ? TONE.fail : TONE.other;
  return (
    <span className={`${CHIP} ${tone} ${s.kind === 'number' ? 'font-mono' : ''}`} title={title} data-score={s.kind}>
      {s.kind === 'pass' ? <span aria-hidden>✓</span> : s.kind === 'fail' ? <span aria-hidden>✗</span> : null}
      <span className="truncate">{scoreText(s)}</span>
      {cell.rationale ? <span aria-hidden className="size-1 shrink-0 rounded-full bg-current opacity-40" /> : null}
    </span>
  );
}

/**
 * How a verdict moved between two runs, as an arrow: ▼ regression (red), ▲ improvement (green),
 * ● other change; nothing when it stayed the same.
 *
 * @example
 * <ChangeMark change="regression" />
 */
export function ChangeMark({ change }: { change: ScoreChange | undefined }) {
  if (change === 'regression')
    return (
      <span className="text-xs text-red-600 dark:text-red-400" title="Regression">
        ▼<span className="sr-only">regression</span>
      </span>
    );
  if (change === 'improvement')
    return (
      <span className="text-xs text-emerald-600 dark:text-emerald-400" title="Improvement">
        ▲<span className="sr-only">improvement</span>
      </span>
    );
  if (change === 'changed')
    return (
      <span className="text-xs text-amber-600 dark:text-amber-400" title="Changed">
        ●<span className="sr-only">changed</span>
      </span>
    );
  return null;
}
