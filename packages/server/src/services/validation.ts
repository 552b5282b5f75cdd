import { ApiError, TRACKING_LIMITS, trackingKeyProblem, type KeyValue } from '@loupe/protocol';

/** Tracking limits (spec §2.7). */
export const LIMITS = TRACKING_LIMITS;

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
  const problem = trackingKeyProblem(kind, key);
  if (problem) throw ApiError.invalid(problem);
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
