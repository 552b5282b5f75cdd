/**
 * Loupe's production monitors (a Loupe extension, docs/api.md "Monitors"): the metrics a monitor can
 * watch, its comparators, states and limits. Plain constants: `@loupe/protocol/monitors` loads
 * nothing else (no zod), so the UI takes them without the schemas.
 */

/**
 * What a monitor watches over its window of traces (placed in time by their request time):
 * `error_rate` (share of traces in state ERROR, 0..1), `latency_p50|p95|p99` (ms), `avg_cost` /
 * `total_cost` (USD), `avg_tokens` (total tokens per trace), `trace_count`, `assessment_avg` (mean
 * numeric value of one judge's current scores, booleans and "yes"/"no" as 1/0) and
 * `assessment_pass_rate` (share of those scores that read as 1: true, "yes", or the number 1).
 */
export const MONITOR_METRICS = [
  'error_rate',
  'latency_p50',
  'latency_p95',
  'latency_p99',
  'avg_cost',
  'total_cost',
  'avg_tokens',
  'trace_count',
  'assessment_avg',
  'assessment_pass_rate',
] as const;
/** One monitor metric. */
export type MonitorMetric = (typeof MONITOR_METRICS)[number];

/** The metrics that read one judge's scores and so need an `assessment_name`. */
export const ASSESSMENT_MONITOR_METRICS: readonly MonitorMetric[] = ['assessment_avg', 'assessment_pass_rate'];

/** How the value is compared with the threshold: the monitor alerts while `value <comparator> threshold`. */
export const MONITOR_COMPARATORS = ['>', '>=', '<', '<='] as const;
/** One comparator. */
export type MonitorComparator = (typeof MONITOR_COMPARATORS)[number];

/**
 * Where a monitor stands: `OK` (the condition does not hold), `ALERT` (it holds), `NO_DATA` (fewer
 * samples than `min_samples` in the window, or never evaluated yet).
 */
export const MONITOR_STATES = ['OK', 'ALERT', 'NO_DATA'] as const;
/** One monitor state. */
export type MonitorState = (typeof MONITOR_STATES)[number];

/** Bounds of a monitor's settings (milliseconds for times). */
export const MONITOR_LIMITS = {
  nameLength: 250,
  descriptionLength: 1000,
  filterLength: 1000,
  assessmentNameLength: 250,
  minWindowMs: 60_000,
  maxWindowMs: 7 * 24 * 3_600_000,
  minIntervalMs: 10_000,
  maxIntervalMs: 24 * 3_600_000,
  maxMinSamples: 1_000_000,
  defaultIntervalMs: 60_000,
  defaultMinSamples: 1,
} as const;

/**
 * Whether `value` meets the alert condition.
 *
 * @example
 * breaches(0.2, '>', 0.1); // true
 */
export function breaches(value: number, comparator: MonitorComparator, threshold: number): boolean {
  switch (comparator) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
  }
}

/** A judge's verdict as charts and monitors read it. */
export type Verdict = { kind: 'pass' } | { kind: 'fail' } | { kind: 'number'; value: number };

// Online judges write "yes"/"no" (yes/no judges) or true/false (boolean judges); option judges may say pass/fail.
const PASS = new Set(['yes', 'true', 'pass', 'passed']);
const FAIL = new Set(['no', 'false', 'fail', 'failed']);

/**
 * Reads an assessment's value text (the `assessment_value` dimension: a string value itself, anything
 * else its JSON): pass, fail, a number, or undefined for anything else (other options, no value).
 *
 * @example
 * readVerdict('yes'); // { kind: 'pass' }
 * readVerdict('4'); // { kind: 'number', value: 4 }
 * readVerdict('warm'); // undefined
 */
export function readVerdict(text: string | null | undefined): Verdict | undefined {
  if (text === null || text === undefined) return undefined;
  const t = text.trim().toLowerCase();
  if (PASS.has(t)) return { kind: 'pass' };
  if (FAIL.has(t)) return { kind: 'fail' };
  const n = t === '' ? NaN : Number(t);
  return Number.isFinite(n) ? { kind: 'number', value: n } : undefined;
}
