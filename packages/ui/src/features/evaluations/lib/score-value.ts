import type { Assessment } from '@loupe/protocol';

/**
 * One scorer's verdict on one row, normalised from a feedback assessment: pass/fail (`yes`/`no`,
 * booleans, as MLflow's judges answer), a number, other text, an error the scorer raised, or nothing.
 */
export type Score =
  | { kind: 'pass' | 'fail'; text: string }
  | { kind: 'number'; value: number }
  | { kind: 'text'; text: string }
  | { kind: 'error'; message: string }
  | { kind: 'none' };

const PASS = /^(yes|true|pass|passed|correct)$/i;
const FAIL = /^(no|false|fail|failed|incorrect)$/i;

/**
 * A feedback value (and its error) as a {@link Score}. An error without a value is an error; a value
 * recorded with an error keeps the value.
 *
 * @example
 * normalizeFeedback({ value: 'yes' }); // { kind: 'pass', text: 'yes' }
 * normalizeFeedback({ error: { error_code: 'SCORER_ERROR', error_message: 'timeout' } }); // { kind: 'error', message: 'timeout' }
 */
export function normalizeFeedback(feedback: Assessment['feedback']): Score {
  const value = feedback?.value;
  if (value === undefined || value === null) {
    const e = feedback?.error;
    if (e) return { kind: 'error', message: e.error_message || e.error_code || 'error' };
    return { kind: 'none' };
  }
  if (typeof value === 'boolean') return { kind: value ? 'pass' : 'fail', text: String(value) };
  if (typeof value === 'number') return Number.isFinite(value) ? { kind: 'number', value } : { kind: 'text', text: String(value) };
  if (typeof value === 'string') {
    const t = value.trim();
    if (PASS.test(t)) return { kind: 'pass', text: t };
    if (FAIL.test(t)) return { kind: 'fail', text: t };
    return { kind: 'text', text: value };
  }
  return { kind: 'text', text: JSON.stringify(value) };
}

/**
 * A score as a number for sorting, means and comparison: pass 1, fail 0, numbers as they are;
 * undefined for text, errors and nothing.
 *
 * @example
 * scoreNumber({ kind: 'fail', text: 'no' }); // 0
 */
export function scoreNumber(score: Score | undefined): number | undefined {
  if (!score) return undefined;
  if (score.kind === 'pass') return 1;
  if (score.kind === 'fail') return 0;
  if (score.kind === 'number') return score.value;
  return undefined;
}

/**
 * A score as short text.
 *
 * @example
 * scoreText({ kind: 'number', value: 0.5 }); // '0.5'
 */
export function scoreText(score: Score | undefined): string {
  if (!score) return '';
  switch (score.kind) {
    case 'pass':
    case 'fail':
    case 'text':
      return score.text;
    case 'number':
      return Number.isInteger(score.value) ? String(score.value) : String(Number(score.value.toPrecision(4)));
    case 'error':
      return 'error';
    case 'none':
      return '';
  }
}

/** How one scorer's verdict on a row moved from one run to another. */
export type ScoreChange = 'regression' | 'improvement' | 'same' | 'changed';

/**
 * How a score moved from `before` to `after`. Pass/fail and numbers compare as numbers, higher being
 * better (pass -> fail, 0.9 -> 0.4 are regressions); a scorer that newly errors is a regression, one
 * that stops erroring is `changed` (its new verdict says whether that is good); other text that
 * differs is `changed`. Undefined when either side has no score.
 *
 * @example
 * compareScores({ kind: 'pass', text: 'yes' }, { kind: 'fail', text: 'no' }); // 'regression'
 */
export function compareScores(before: Score | undefined, after: Score | undefined): ScoreChange | undefined {
  if (!before || !after || before.kind === 'none' || after.kind === 'none') return undefined;
  const a = scoreNumber(before);
  const b = scoreNumber(after);
  if (a !== undefined && b !== undefined) return b < a ? 'regression' : b > a ? 'improvement' : 'same';
  if (after.kind === 'error') return before.kind === 'error' ? 'same' : 'regression';
  if (before.kind === 'error') return 'changed';
  return scoreText(before) === scoreText(after) ? 'same' : 'changed';
}
