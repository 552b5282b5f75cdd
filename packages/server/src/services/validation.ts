import path from 'node:path';
import { ApiError, type KeyValue } from '@loupe/protocol';

/** Tracking limits (spec §2.7). */
export const LIMITS = {
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
 * Checks a metric, param or tag key: allowed characters, length, and that it is a normalized relative
 * path (keys can become file names).
 *
 * @example
 * validateKey('metric', 'val/loss'); // ok
 * validateKey('metric', '../x'); // throws INVALID_PARAMETER_VALUE
 */
export function validateKey(kind: 'metric' | 'param' | 'tag', key: string): void {
  if (key === '') throw ApiError.missing('key');
  if (!VALID_KEY.test(key)) {
    throw ApiError.invalid(
      `Invalid ${kind} name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).`,
    );
  }
  // Python's posixpath.normpath (which MLflow uses) also drops a trailing slash.
  const normalized = path.posix.normalize(key).replace(/(.)\/+$/, '$1');
  if (normalized !== key || key.startsWith('/') || normalized.startsWith('..')) {
    throw ApiError.invalid(
      `Invalid ${kind} name: '${key}'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${normalized}'`,
    );
  }
  validateLength(`${kind} key`, key, LIMITS.keyLength);
}

/**
 * Rejects a value longer than `max` characters, naming the field.
 *
 * @example
 * validateLength('param value', v, LIMITS.paramValueLength);
 */
export function validateLength(field: string, value: string, max: number): void {
  if (value.length > max) {
    throw ApiError.invalid(`'${field}' exceeds the maximum length of ${max} characters (got ${value.length}).`);
  }
}

/** Validates run tags (keys and values). */
export function validateRunTags(tags: KeyValue[]): void {
  for (const t of tags) {
    validateKey('tag', t.key);
    validateLength('tag value', t.value, LIMITS.runTagValueLength);
  }
}

/** Validates params (keys and values). */
export function validateParams(params: KeyValue[]): void {
  for (const p of params) {
    validateKey('param', p.key);
    validateLength('param value', p.value, LIMITS.paramValueLength);
  }
}

/** Validates experiment tags. */
export function validateExperimentTags(tags: KeyValue[]): void {
  for (const t of tags) {
    validateKey('tag', t.key);
    validateLength('experiment tag value', t.value, LIMITS.experimentTagValueLength);
    if (t.key === TRACE_RETENTION_TAG) parseRetentionTag(t.value);
  }
}

/** Experiment tag holding how many days the experiment's traces are kept (overrides the server setting). */
export const TRACE_RETENTION_TAG = 'loupe.trace.retentionDays';

/**
 * Reads the {@link TRACE_RETENTION_TAG} value: a whole number of days (1 to 36,500), or `never` to keep
 * the experiment's traces whatever the server setting says.
 *
 * @example
 * parseRetentionTag('30'); // 30
 * parseRetentionTag('never'); // null
 */
export function parseRetentionTag(value: string): number | null {
  if (value.trim().toLowerCase() === 'never') return null;
  const days = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(days) || days < 1 || days > 36_500) {
    throw ApiError.invalid(
      `Invalid value '${value.slice(0, 100)}' for tag '${TRACE_RETENTION_TAG}': expected a whole number of days from 1 to 36500, or 'never'.`,
    );
  }
  return days;
}

/**
 * Checks an experiment name: non-empty, at most 500 characters.
 *
 * @example
 * validateExperimentName('demo');
 */
export function validateExperimentName(name: string | undefined, param = 'name'): string {
  if (name === undefined || name.trim() === '') throw ApiError.missing(param);
  validateLength(param, name, LIMITS.experimentNameLength);
  return name;
}

/**
 * Checks a client-given artifact location: no URL fragment, no `;params`, no `runs:/` URI, no `..`
 * path segments in its query string.
 *
 * @example
 * validateArtifactLocation('s3://bucket/path'); // ok
 */
export function validateArtifactLocation(location: string): void {
  if (location.startsWith('runs:')) {
    throw ApiError.invalid(`Artifact location cannot be a runs:/ URI. Given: '${location}'`);
  }
  if (location.includes('#')) throw ApiError.invalid(`'artifact_location' URL can't include fragments. Given: '${location}'`);
  const schemeRest = /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(location);
  if (schemeRest) {
    const afterScheme = location.replace(/^[^:]+:/, '');
    const pathPart = afterScheme.split('?', 1)[0] ?? '';
    if (pathPart.includes(';')) throw ApiError.invalid(`'artifact_location' URL can't include parameters. Given: '${location}'`);
  }
  const query = location.includes('?') ? location.slice(location.indexOf('?') + 1) : '';
  if (query && /(^|[=&/])\.\.([/&]|$)|%2e%2e/i.test(query)) {
    throw ApiError.invalid(`Invalid query parameter in 'artifact_location': '${location}'`);
  }
}

/**
 * Appends path segments to a URI or local path root, with exactly one `/` between them.
 *
 * @example
 * appendToUri('mlflow-artifacts:/', '1'); // 'mlflow-artifacts:/1'
 */
export function appendToUri(root: string, ...parts: string[]): string {
  const base = root.endsWith('/') ? root.replace(/\/+$/, '') : root;
  const joined = parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');
  if (base.endsWith(':')) return `${base}/${joined}`;
  return `${base}/${joined}`;
}

/**
 * Params of one request with unique keys: the same key twice with the same value counts once, with
 * two different values it is rejected (MLflow's LogBatch rule).
 *
 * @example
 * uniqueParams([{ key: 'a', value: '1' }, { key: 'a', value: '1' }]); // [{ key: 'a', value: '1' }]
 */
export function uniqueParams(params: KeyValue[]): KeyValue[] {
  const seen = new Map<string, string>();
  for (const p of params) {
    const prev = seen.get(p.key);
    if (prev !== undefined && prev !== p.value) {
      throw ApiError.invalid(
        `Duplicate parameter keys have been submitted: ['${p.key}']. Please ensure the request contains only one param value per param key.`,
      );
    }
    seen.set(p.key, p.value);
  }
  return [...seen].map(([key, value]) => ({ key, value }));
}

/**
 * `{key, value}` pairs of a request, each with a key (`field` names the list in the error).
 *
 * @example
 * requestKeyValues([{ key: 'a' }], 'tags'); // [{ key: 'a', value: '' }]
 */
export function requestKeyValues(list: { key?: string; value?: string }[], field: 'params' | 'tags'): KeyValue[] {
  return list.map((kv) => {
    if (!kv.key) throw ApiError.missing(`${field}.key`);
    return { key: kv.key, value: kv.value ?? '' };
  });
}
