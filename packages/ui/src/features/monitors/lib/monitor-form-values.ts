import type { Monitor, MonitorComparator, MonitorMetric, MonitorState } from '@loupe/protocol';
import { ASSESSMENT_MONITOR_METRICS, MONITOR_LIMITS } from '@loupe/protocol/monitors';
import type { BadgeTone } from '../../../shared/components/status-badge';
import { formatCost, formatCount, formatDuration } from '../../../shared/lib/format';

/** How each metric is named in the UI and what unit its value has. */
const METRICS: Record<MonitorMetric, { label: string; unit: 'ratio' | 'ms' | 'usd' | 'count' | 'score' }> = {
  error_rate: { label: 'Error rate', unit: 'ratio' },
  latency_p50: { label: 'Latency p50', unit: 'ms' },
  latency_p95: { label: 'Latency p95', unit: 'ms' },
  latency_p99: { label: 'Latency p99', unit: 'ms' },
  avg_cost: { label: 'Average cost', unit: 'usd' },
  total_cost: { label: 'Total cost', unit: 'usd' },
  avg_tokens: { label: 'Average tokens', unit: 'count' },
  trace_count: { label: 'Trace count', unit: 'count' },
  assessment_avg: { label: 'Average judge score', unit: 'score' },
  assessment_pass_rate: { label: 'Judge pass rate', unit: 'ratio' },
};

/** The metrics in the order the form offers them. */
export const METRIC_OPTIONS = Object.keys(METRICS) as MonitorMetric[];

/**
 * A metric's name for people.
 *
 * @example
 * metricLabel('latency_p95'); // 'Latency p95'
 */
export function metricLabel(metric: MonitorMetric): string {
  return METRICS[metric].label;
}

/**
 * What the threshold of a metric is measured in, for the form's hint.
 *
 * @example
 * thresholdHint('error_rate'); // 'a share from 0 to 1 (0.05 = 5%)'
 */
export function thresholdHint(metric: MonitorMetric): string {
  switch (METRICS[metric].unit) {
    case 'ratio':
      return 'a share from 0 to 1 (0.05 = 5%)';
    case 'ms':
      return 'milliseconds';
    case 'usd':
      return 'US dollars';
    case 'score':
      return "the judge's numeric scale (yes/true = 1, no/false = 0)";
    case 'count':
      return 'a count';
  }
}

/**
 * A metric value in its unit: shares as percentages, latency as a duration, cost in dollars.
 *
 * @example
 * formatMonitorValue('error_rate', 0.125); // '12.5%'
 * formatMonitorValue('latency_p95', 1500); // '1.50s'
 */
export function formatMonitorValue(metric: MonitorMetric, value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  switch (METRICS[metric].unit) {
    case 'ratio':
      return `${Number((value * 100).toFixed(2))}%`;
    case 'ms':
      return formatDuration(value);
    case 'usd':
      return formatCost(value);
    case 'count':
      return formatCount(Math.round(value * 100) / 100);
    case 'score':
      return String(Number(value.toFixed(3)));
  }
}

/**
 * A window or interval in the largest whole unit: `5 min`, `1 h`, `7 d`.
 *
 * @example
 * formatSpan(3_600_000); // '1 h'
 */
export function formatSpan(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  for (const [size, unit] of units) if (ms >= size && ms % size === 0) return `${ms / size} ${unit}`;
  return `${ms} ms`;
}

/**
 * The rule in one line: `Error rate > 10% over 5 min`.
 *
 * @example
 * conditionText(monitor); // 'Latency p95 >= 2.00s over 15 min'
 */
export function conditionText(m: Pick<Monitor, 'metric' | 'comparator' | 'threshold' | 'window_ms' | 'assessment_name'>): string {
  const subject = m.assessment_name ? `${metricLabel(m.metric)} (${m.assessment_name})` : metricLabel(m.metric);
  return `${subject} ${m.comparator} ${formatMonitorValue(m.metric, m.threshold)} over ${formatSpan(m.window_ms)}`;
}

/**
 * The badge tone of a state.
 *
 * @example
 * stateTone('ALERT'); // 'red'
 */
export function stateTone(state: MonitorState): BadgeTone {
  return state === 'ALERT' ? 'red' : state === 'OK' ? 'green' : 'zinc';
}

/** Windows and intervals the form offers (the server takes any value within its bounds). */
export const WINDOW_OPTIONS = [5, 15, 60, 360, 1440, 10_080].map((min) => min * 60_000);
export const INTERVAL_OPTIONS = [1, 5, 15, 60].map((min) => min * 60_000);

/** The form's fields as typed (numbers as text until submitted). */
export interface MonitorFormValues {
  name: string;
  description: string;
  metric: MonitorMetric;
  assessmentName: string;
  filterString: string;
  comparator: MonitorComparator;
  threshold: string;
  windowMs: number;
  intervalMs: number;
  minSamples: string;
  enabled: boolean;
}

/** A new monitor's form before anything is typed. */
export const BLANK_MONITOR: MonitorFormValues = {
  name: '',
  description: '',
  metric: 'error_rate',
  assessmentName: '',
  filterString: '',
  comparator: '>',
  threshold: '',
  windowMs: 15 * 60_000,
  intervalMs: MONITOR_LIMITS.defaultIntervalMs,
  minSamples: '10',
  enabled: true,
};

/**
 * A monitor's settings as form values (for editing).
 *
 * @example
 * formValuesOf(monitor).threshold; // '0.1'
 */
export function formValuesOf(m: Monitor): MonitorFormValues {
  return {
    name: m.name,
    description: m.description ?? '',
    metric: m.metric,
    assessmentName: m.assessment_name ?? '',
    filterString: m.filter_string ?? '',
    comparator: m.comparator,
    threshold: String(m.threshold),
    windowMs: m.window_ms,
    intervalMs: m.interval_ms,
    minSamples: String(m.min_samples),
    enabled: m.enabled,
  };
}

/**
 * Whether the metric reads a judge's scores (and so needs its name).
 *
 * @example
 * needsAssessment('assessment_avg'); // true
 */
export function needsAssessment(metric: MonitorMetric): boolean {
  return ASSESSMENT_MONITOR_METRICS.includes(metric);
}

/**
 * What keeps the form from being sent, or undefined (the server checks everything again).
 *
 * @example
 * formProblem({ ...BLANK_MONITOR, name: 'x', threshold: 'abc' }); // 'The threshold must be a number.'
 */
export function formProblem(v: MonitorFormValues): string | undefined {
  if (!v.name.trim()) return 'Give the monitor a name.';
  if (v.threshold.trim() === '' || !Number.isFinite(Number(v.threshold))) return 'The threshold must be a number.';
  if (needsAssessment(v.metric) && !v.assessmentName.trim()) return 'Name the judge (assessment) whose scores to watch.';
  const n = Number(v.minSamples);
  if (!Number.isInteger(n) || n < 1) return 'Minimum samples must be a whole number, 1 or more.';
  return undefined;
}

/**
 * The request body of a create (with `experiment_id`) or of an update (every field, so the monitor
 * becomes exactly what the form shows; empty text clears).
 *
 * @example
 * monitorBody({ ...BLANK_MONITOR, name: 'errors', threshold: '0.1' });
 */
export function monitorBody(v: MonitorFormValues): Record<string, unknown> {
  const assessment = needsAssessment(v.metric) ? v.assessmentName.trim() : '';
  return {
    name: v.name.trim(),
    description: v.description.trim(),
    metric: v.metric,
    assessment_name: assessment,
    filter_string: v.filterString.trim(),
    comparator: v.comparator,
    threshold: Number(v.threshold),
    window_ms: v.windowMs,
    interval_ms: v.intervalMs,
    min_samples: Number(v.minSamples),
    enabled: v.enabled,
  };
}
