import type { Scorer, ScorerFeedback, ScorerInput } from './scorer-types.js';

/** What a code scorer may return: a value, one feedback, several, or nothing (no feedback). */
export type CodeScorerResult = boolean | number | string | ScorerFeedback | ScorerFeedback[] | null | undefined;

/** A function `scorer()` turns into a {@link Scorer}. */
export type CodeScorerFunction = (input: ScorerInput) => CodeScorerResult | Promise<CodeScorerResult>;

/** Options of {@link scorer}. */
export interface CodeScorerOptions {
  /** The assessment name (default the function's name). No dots. */
  name?: string;
  /** `trace` (default): once per row; `session`: once per session, with `conversation`. */
  level?: 'trace' | 'session';
}

const FEEDBACK_KEYS = new Set(['name', 'value', 'rationale', 'error', 'metadata', 'usage']);

/**
 * Checks a scorer or feedback name: the assessment name it becomes must be non-empty and have no dots
 * (MLflow refuses dotted assessment names, spec §5). Returns the name.
 *
 * @example
 * validateScorerName('exact_match'); // 'exact_match'
 * validateScorerName('a.b'); // throws TypeError
 */
export function validateScorerName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') throw new TypeError('A scorer needs a name: pass { name } or use a named function');
  if (name.includes('.')) throw new TypeError(`Invalid scorer name '${name}': assessment names cannot contain '.'`);
  return name;
}

function isFeedback(value: unknown): value is ScorerFeedback {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => FEEDBACK_KEYS.has(k));
}

/**
 * A code scorer's return value as feedback (MLflow's `standardize_scorer_value`): a boolean, number or
 * string is one feedback with that value; a feedback or a list of them as given; null or undefined none.
 * Anything else is a mistake in the scorer and throws.
 *
 * @example
 * toFeedbackList(true); // [{ value: true }]
 * toFeedbackList([{ name: 'a', value: 1 }, { name: 'b', value: 'yes' }]);
 */
export function toFeedbackList(result: unknown): ScorerFeedback[] {
  if (result === null || result === undefined) return [];
  if (typeof result === 'boolean' || typeof result === 'number' || typeof result === 'string') return [{ value: result }];
  if (isFeedback(result)) return [result];
  if (Array.isArray(result) && result.every(isFeedback)) return result;
  throw new TypeError(
    `Unsupported scorer result ${JSON.stringify(result)?.slice(0, 200)}: return a boolean, number, string, a feedback ({ value, rationale, ... }) or a list of feedbacks`,
  );
}

/**
 * Makes a code scorer from a function of the row: `inputs`, `outputs`, `expectations`, the row's
 * `trace` (spans decoded) and, for session scorers, the `conversation`. Its feedback is stored with
 * source `CODE` and the scorer's name as source id. A throw becomes an error assessment, never a failed
 * evaluation.
 *
 * @example
 * const exactMatch = scorer(({ outputs, expectations }) => outputs === expectations.expected_response, { name: 'exact_match' });
 * const fast = scorer(function under_two_seconds({ trace }) { return (trace?.spans[0]?.durationMs ?? 0) < 2000; });
 * await loupe.evaluate({ data, scorers: [exactMatch, fast] });
 */
export function scorer(fn: CodeScorerFunction, options: CodeScorerOptions = {}): Scorer {
  if (typeof fn !== 'function') throw new TypeError('scorer() takes a function');
  const name = validateScorerName(options.name ?? fn.name);
  const level = options.level ?? 'trace';
  if (level !== 'trace' && level !== 'session') throw new TypeError(`Invalid scorer level '${String(level)}': use 'trace' or 'session'`);
  return {
    name,
    sourceType: 'CODE',
    level,
    async score(input) {
      return toFeedbackList(await fn(input));
    },
  };
}
