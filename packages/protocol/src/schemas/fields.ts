import { z } from 'zod';

/**
 * Field codecs for MLflow's protobuf-JSON requests (spec §1.2): GET params arrive as strings,
 * int64 may be a number or a numeric string, enums may be names or numbers, booleans may be
 * `True`/`False` (Python `requests`). Each codec accepts every form a real client sends.
 */

const INT_RE = /^-?\d+$/;

/**
 * An int64 field: a JSON integer or a numeric string.
 *
 * @example
 * int64().parse('1700000000000'); // 1700000000000
 */
export function int64() {
  return z
    .union([z.number().int(), z.string().trim().regex(INT_RE)])
    .transform((v) => Number(v))
    .refine((v) => Number.isSafeInteger(v), { message: 'integer out of range' });
}

/**
 * A double field: a JSON number, a numeric string, or protobuf-JSON's `"NaN"`, `"Infinity"`, `"-Infinity"`.
 *
 * @example
 * double().parse('NaN'); // NaN
 */
export function double() {
  return z.union([
    z.number(),
    z
      .string()
      .trim()
      .refine((s) => s === 'NaN' || s === 'Infinity' || s === '-Infinity' || (s !== '' && Number.isFinite(Number(s))), {
        message: 'not a number',
      })
      .transform((s) => Number(s)),
  ]);
}

/**
 * A string field. Numbers are accepted and rendered as strings (experiment ids sent as JSON numbers).
 *
 * @example
 * str().parse(12); // '12'
 */
export function str() {
  return z.union([z.string(), z.number().transform((n) => String(n))]);
}

/**
 * A boolean field: JSON booleans and the strings `true|false|True|False|1|0`.
 *
 * @example
 * bool().parse('True'); // true
 */
export function bool() {
  return z.union([z.boolean(), z.enum(['true', 'false', 'True', 'False', '1', '0']).transform((s) => s === 'true' || s === 'True' || s === '1')]);
}

/**
 * An enum field accepting the value's name or its proto number.
 *
 * @example
 * protoEnum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'], 1).parse(3); // 'FINISHED'
 */
export function protoEnum<const T extends readonly [string, ...string[]]>(names: T, firstNumber = 0) {
  return z.union([
    z.enum(names),
    z
      .union([z.number().int(), z.string().regex(INT_RE).transform(Number)])
      .refine((n) => n >= firstNumber && n < firstNumber + names.length, { message: 'unknown enum value' })
      .transform((n) => names[n - firstNumber] as T[number]),
  ]);
}

/**
 * A repeated field: an array, or a single value (one repeated GET key).
 *
 * @example
 * repeated(str()).parse('a'); // ['a']
 */
export function repeated<T extends z.ZodType>(item: T) {
  return z.preprocess((v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]), z.array(item));
}

/**
 * `{key, value}` pairs as MLflow sends tags; the TypeScript `mlflow-tracing` helpers send an object map instead.
 *
 * @example
 * keyValueList().parse({ a: '1' }); // [{ key: 'a', value: '1' }]
 */
export function keyValueList() {
  return z.preprocess(
    (v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v as Record<string, unknown>).map(([key, value]) => ({ key, value })) : v),
    repeated(z.object({ key: str().optional(), value: str().optional() })),
  );
}
