import { z } from 'zod';
import { maxChars, requiredStr, str, wireCheck, type WireIssue } from './fields.js';

/** Tracking limits (spec §2.7), as MLflow's server enforces them. */
export const TRACKING_LIMITS = {
  keyLength: 250,
  paramValueLength: 6000,
  runTagValueLength: 8000,
  experimentTagValueLength: 5000,
  experimentNameLength: 500,
  batchMetrics: 1000,
  batchParams: 100,
  batchTags: 100,
  batchTotal: 1000,
  batchRequestBytes: 1_000_000,
  datasetNameLength: 500,
  datasetDigestLength: 36,
  datasetSourceLength: 65_535,
  datasetSchemaLength: 1_048_575,
  datasetProfileLength: 16_777_215,
  inputTagKeyLength: 255,
  inputTagValueLength: 500,
} as const;

// Word characters (any script, as Python's \w), '/', '.', '-', ' ', ':'.
const VALID_KEY = /^[\p{L}\p{N}_/.\- :]*$/u;

/**
 * Python's `posixpath.normpath` (which MLflow applies to keys and to names that may become file
 * names), without Node's `path` (protocol runs in browsers).
 *
 * @example
 * normpath('a/./b/../c'); // 'a/c'
 */
export function normpath(p: string): string {
  if (p === '') return '.';
  const absolute = p.startsWith('/');
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else if (part !== '..' || !absolute) parts.push(part);
  }
  const joined = parts.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

/**
 * What is wrong with a metric, param or tag key, in MLflow's words, or undefined when it is valid:
 * allowed characters, a normalized relative path (keys can become file names), at most 250 characters.
 *
 * @example
 * trackingKeyProblem('metric', 'val/loss'); // undefined
 * trackingKeyProblem('param', '../x'); // "Invalid param name: '../x'. Names may be treated as files ..."
 */
export function trackingKeyProblem(kind: 'metric' | 'param' | 'tag', key: string): string | undefined {
  if (!VALID_KEY.test(key)) {
    return `Invalid ${kind} name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).`;
  }
  const normalized = normpath(key);
  if (normalized !== key || key.startsWith('/') || normalized.startsWith('..')) {
    return `Invalid ${kind} name: '${key}'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${normalized}'`;
  }
  if (key.length > TRACKING_LIMITS.keyLength) {
    return `'${kind} key' exceeds the maximum length of ${TRACKING_LIMITS.keyLength} characters (got ${key.length}).`;
  }
  return undefined;
}

/**
 * A required metric, param or tag key checked by {@link trackingKeyProblem}; `field` names it when missing.
 *
 * @example
 * z.object({ key: trackingKey('tag') }).parse({ key: 'env' });
 */
export function trackingKey(kind: 'metric' | 'param' | 'tag', field = 'key') {
  return requiredStr({ field }).superRefine((key, ctx) => {
    const problem = key === '' ? undefined : trackingKeyProblem(kind, key);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { loupe: 'invalid' } satisfies WireIssue });
  });
}

/** Experiment tag holding how many days the experiment's traces are kept (overrides the server setting). */
export const TRACE_RETENTION_TAG = 'loupe.trace.retentionDays';

/**
 * Reads a {@link TRACE_RETENTION_TAG} value: a whole number of days (1 to 36,500), `null` for `never`
 * (keep the experiment's traces whatever the server setting says), or `undefined` when it is neither.
 *
 * @example
 * parseRetentionDays('30'); // 30
 * parseRetentionDays('never'); // null
 * parseRetentionDays('soon'); // undefined
 */
export function parseRetentionDays(value: string): number | null | undefined {
  if (value.trim().toLowerCase() === 'never') return null;
  const days = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(days) || days < 1 || days > 36_500) return undefined;
  return days;
}

/** The message for a {@link TRACE_RETENTION_TAG} value {@link parseRetentionDays} refuses. */
export function retentionTagProblem(value: string): string {
  return `Invalid value '${value.slice(0, 100)}' for tag '${TRACE_RETENTION_TAG}': expected a whole number of days from 1 to 36500, or 'never'.`;
}

/** Rejects a {@link TRACE_RETENTION_TAG} whose value {@link parseRetentionDays} cannot read (a superRefine of a tag object). */
export function checkRetentionTag(tag: { key: string; value: string }, ctx: z.RefinementCtx): void {
  if (tag.key === TRACE_RETENTION_TAG && parseRetentionDays(tag.value) === undefined) {
    ctx.addIssue({ code: 'custom', path: ['value'], message: retentionTagProblem(tag.value), params: { loupe: 'invalid' } satisfies WireIssue });
  }
}

/** The fields of an experiment tag: a valid tag key and a value of at most 5,000 characters. */
export const experimentTagFields = {
  key: trackingKey('tag'),
  value: maxChars(str().default(''), TRACKING_LIMITS.experimentTagValueLength, 'experiment tag value'),
};

/**
 * An experiment tag: {@link experimentTagFields}, and a readable retention value when the key is
 * {@link TRACE_RETENTION_TAG}.
 *
 * @example
 * experimentTag().parse({ key: 'team', value: 'search' });
 */
export function experimentTag() {
  return z.object(experimentTagFields).superRefine(checkRetentionTag);
}

/**
 * An experiment name: required (blank counts as missing), at most 500 characters.
 *
 * @example
 * z.object({ name: experimentName() }).parse({ name: 'demo' });
 */
export function experimentName(field = 'name') {
  return maxChars(requiredStr({ field, blankIsMissing: true }), TRACKING_LIMITS.experimentNameLength, field);
}

/**
 * What is wrong with a client-given artifact location, or undefined: no `runs:/` URI, no URL fragment,
 * no `;params`, no `..` segments in its query string.
 *
 * @example
 * artifactLocationProblem('s3://bucket/path'); // undefined
 */
export function artifactLocationProblem(location: string): string | undefined {
  if (location.startsWith('runs:')) return `Artifact location cannot be a runs:/ URI. Given: '${location}'`;
  if (location.includes('#')) return `'artifact_location' URL can't include fragments. Given: '${location}'`;
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(location)) {
    const pathPart = location.replace(/^[^:]+:/, '').split('?', 1)[0] ?? '';
    if (pathPart.includes(';')) return `'artifact_location' URL can't include parameters. Given: '${location}'`;
  }
  const query = location.includes('?') ? location.slice(location.indexOf('?') + 1) : '';
  if (query && /(^|[=&/])\.\.([/&]|$)|%2e%2e/i.test(query)) return `Invalid query parameter in 'artifact_location': '${location}'`;
  return undefined;
}

/**
 * An optional artifact location: trimmed, blank meaning unset, checked by {@link artifactLocationProblem}.
 *
 * @example
 * z.object({ artifact_location: artifactLocation() }).parse({ artifact_location: ' ' }); // { artifact_location: undefined }
 */
export function artifactLocation() {
  return wireCheck(
    str()
      .optional()
      .transform((s) => s?.trim() || undefined),
    (s) => s === undefined || artifactLocationProblem(s) === undefined,
    (s) => artifactLocationProblem(s ?? '') ?? '',
  );
}
