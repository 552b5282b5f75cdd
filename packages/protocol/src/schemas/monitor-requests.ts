import { z } from 'zod';
import { ASSESSMENT_MONITOR_METRICS, MONITOR_COMPARATORS, MONITOR_LIMITS, MONITOR_METRICS, type MonitorMetric } from '../monitors/monitor-enums.js';
import { ApiError } from '../errors/api-error.js';
import { parseTraceFilter } from '../search/trace-search.js';
import { bool, double, int64, maxChars, required, requiredStr, str, wireCheck, type WireIssue } from './fields.js';

/**
 * Request schemas of Loupe's monitor routes (`/api/2.0/loupe/monitors`, docs/api.md "Monitors"). Each
 * setting is checked here with a message naming its field; that the experiment exists and the name is
 * free are the service's.
 */

const L = MONITOR_LIMITS;

/** An integer field within bounds, named in the message. */
function boundedInt(field: string, min: number, max: number) {
  return wireCheck(
    int64(),
    (n) => n >= min && n <= max,
    (n) => `'${field}' must be between ${min} and ${max} (got ${String(n)}).`,
  );
}

/** A trace search filter (spec §9.5 grammar): parsed here, so a bad one is refused when the monitor is saved. */
const filterString = z
  .preprocess((v) => (v === null ? '' : v), maxChars(str(), L.filterLength, 'filter_string'))
  .superRefine((s, ctx) => {
    if (s.trim() === '') return;
    try {
      parseTraceFilter(s);
    } catch (err) {
      if (!ApiError.is(err)) throw err;
      ctx.addIssue({ code: 'custom', message: `Invalid 'filter_string': ${err.message}`, params: { loupe: 'invalid' } satisfies WireIssue });
    }
  })
  .transform((s) => s.trim());

const name = maxChars(requiredStr({ blankIsMissing: true }), L.nameLength, 'name').transform((s) => s.trim());
const description = maxChars(str(), L.descriptionLength, 'description');
const metric = z.enum(MONITOR_METRICS);
const comparator = z.enum(MONITOR_COMPARATORS);
const threshold = wireCheck(double(), (n) => Number.isFinite(n), "'threshold' must be a finite number.");
const assessmentName = maxChars(str(), L.assessmentNameLength, 'assessment_name').transform((s) => (s.trim() === '' ? undefined : s.trim()));
const windowMs = boundedInt('window_ms', L.minWindowMs, L.maxWindowMs);
const intervalMs = boundedInt('interval_ms', L.minIntervalMs, L.maxIntervalMs);
const minSamples = boundedInt('min_samples', 1, L.maxMinSamples);

/**
 * What is wrong with a metric and assessment name together, or undefined: the assessment metrics need
 * the judge's name, the others take none.
 *
 * @example
 * assessmentNameProblem('assessment_avg', undefined); // "'assessment_name' is required ..."
 */
export function assessmentNameProblem(m: MonitorMetric, assessment: string | undefined): string | undefined {
  const needs = ASSESSMENT_MONITOR_METRICS.includes(m);
  if (needs && assessment === undefined) return `'assessment_name' is required for metric '${m}': the name of the judge (assessment) whose scores it reads.`;
  if (!needs && assessment !== undefined) return `'assessment_name' only applies to the metrics ${ASSESSMENT_MONITOR_METRICS.join(', ')} (metric is '${m}').`;
  return undefined;
}

export const CreateMonitor = z
  .object({
    experiment_id: requiredStr(),
    name,
    description: description.optional(),
    metric: required(metric),
    assessment_name: assessmentName.optional(),
    filter_string: filterString.optional().transform((s) => (s === '' ? undefined : s)),
    comparator: required(comparator),
    threshold: required(threshold),
    window_ms: required(windowMs),
    interval_ms: intervalMs.optional().transform((n) => n ?? L.defaultIntervalMs),
    min_samples: minSamples.optional().transform((n) => n ?? L.defaultMinSamples),
    enabled: bool()
      .optional()
      .transform((b) => b ?? true),
  })
  .superRefine((m, ctx) => {
    const problem = assessmentNameProblem(m.metric, m.assessment_name);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['assessment_name'], params: { loupe: 'invalid' } satisfies WireIssue });
  });

/** Absent fields stay; `filter_string: ""` and `assessment_name: ""` clear them. */
export const UpdateMonitor = z.object({
  monitor_id: requiredStr(),
  name: name.optional(),
  description: description.optional(),
  metric: metric.optional(),
  assessment_name: maxChars(str(), L.assessmentNameLength, 'assessment_name')
    .transform((s) => s.trim())
    .optional(),
  filter_string: filterString.optional(),
  comparator: comparator.optional(),
  threshold: threshold.optional(),
  window_ms: windowMs.optional(),
  interval_ms: intervalMs.optional(),
  min_samples: minSamples.optional(),
  enabled: bool().optional(),
});

export const ListMonitors = z.object({
  experiment_id: requiredStr(),
  max_results: wireCheck(int64().optional(), (n) => n === undefined || (n >= 1 && n <= 1000), "'max_results' must be between 1 and 1000.").transform(
    (n) => n ?? 100,
  ),
  page_token: str().optional(),
});

export const MonitorIdOnly = z.object({ monitor_id: requiredStr() });

/** A monitor's state changes, newest first. */
export const ListMonitorEvents = z.object({
  monitor_id: requiredStr(),
  max_results: wireCheck(int64().optional(), (n) => n === undefined || (n >= 1 && n <= 500), "'max_results' must be between 1 and 500.").transform(
    (n) => n ?? 50,
  ),
  page_token: str().optional(),
});
