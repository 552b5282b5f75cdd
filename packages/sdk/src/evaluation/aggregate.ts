import type { FeedbackValue } from './scorer-types.js';

/**
 * A feedback value as a number for aggregation, as MLflow casts it: numbers as they are, booleans 1/0,
 * `'yes'`/`'no'` (any case) 1/0; anything else (other strings, lists, null) is left out.
 *
 * @example
 * feedbackScore('Yes'); // 1
 * feedbackScore('maybe'); // undefined
 */
export function feedbackScore(value: FeedbackValue | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (v === 'yes') return 1;
    if (v === 'no') return 0;
  }
  return undefined;
}

/**
 * The run metrics of an evaluation: `<feedback name>/mean` over every feedback value that has a score
 * (MLflow's `compute_aggregated_metrics` with its default `mean` aggregation); errors are left out.
 *
 * @example
 * aggregateMetrics([{ name: 'exact_match', value: true }, { name: 'exact_match', value: false }]); // { 'exact_match/mean': 0.5 }
 */
export function aggregateMetrics(feedback: readonly { name: string; value?: FeedbackValue; error?: unknown }[]): Record<string, number> {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const f of feedback) {
    if (f.error) continue;
    const score = feedbackScore(f.value);
    if (score === undefined) continue;
    const s = sums.get(f.name) ?? { sum: 0, n: 0 };
    s.sum += score;
    s.n++;
    sums.set(f.name, s);
  }
  const metrics: Record<string, number> = {};
  for (const [name, { sum, n }] of sums) metrics[`${name}/mean`] = sum / n;
  return metrics;
}
