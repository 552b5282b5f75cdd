import { ApiError, TRACKING_LIMITS } from '@loupe/protocol';

/** Tracking limits (spec §2.7). */
export const LIMITS = TRACKING_LIMITS;

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
