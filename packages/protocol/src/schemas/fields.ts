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
 * `{key, value}` pairs as MLflow sends tags; the TypeScript `mlflow-tracing` helpers send an object map
 * instead. `item` checks each pair (by default both fields are optional strings).
 *
 * @example
 * keyValueList().parse({ a: '1' }); // [{ key: 'a', value: '1' }]
 */
export function keyValueList<T extends z.ZodType = z.ZodObject<{ key: z.ZodOptional<ReturnType<typeof str>>; value: z.ZodOptional<ReturnType<typeof str>> }>>(
  item?: T,
) {
  return z.preprocess(
    (v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v as Record<string, unknown>).map(([key, value]) => ({ key, value })) : v),
    repeated((item ?? z.object({ key: str().optional(), value: str().optional() })) as T),
  );
}

/**
 * What an edge check says when it fails, carried in the zod issue's `params` so the HTTP edge answers
 * with MLflow's wording: `missing` becomes "Missing value for required parameter '<field>'", `invalid`
 * sends the issue's message as it is (spec §1.2, §2.7).
 */
export type WireIssue = { loupe: 'missing'; field?: string } | { loupe: 'invalid' };

/**
 * A required string field: absent or empty answers MLflow's "Missing value for required parameter"
 * (MLflow treats `""` as unset). `field` names it when the path is not the wire name (`params.key` for
 * an entry of a list); `blankIsMissing` also counts whitespace-only values as missing (names).
 *
 * @example
 * z.object({ experiment_id: requiredStr() }).parse({ experiment_id: '' }); // fails: missing 'experiment_id'
 */
export function requiredStr(options: { field?: string; blankIsMissing?: boolean } = {}) {
  const params: WireIssue = options.field === undefined ? { loupe: 'missing' } : { loupe: 'missing', field: options.field };
  const present = options.blankIsMissing ? (s: string) => s.trim() !== '' : (s: string) => s !== '';
  return z.preprocess((v) => (v === undefined || v === null ? '' : v), str()).refine(present, { params });
}

/**
 * A string of at most `max` characters; a longer one answers "'<label>' exceeds the maximum length of
 * <max> characters (got <n>)." (the label names the field as MLflow's limits do: `param value`).
 *
 * @example
 * maxChars(str(), 250, 'tag key').parse('x'.repeat(251)); // fails
 */
export function maxChars<T extends z.ZodType<string>>(schema: T, max: number, label: string) {
  return schema.refine((s) => s.length <= max, {
    error: (issue) => `'${label}' exceeds the maximum length of ${max} characters (got ${String(issue.input).length}).`,
    params: { loupe: 'invalid' } satisfies WireIssue,
  });
}

/**
 * A check whose failure is sent to the client as INVALID_PARAMETER_VALUE with `message` (a function of
 * the value when the message quotes it).
 *
 * @example
 * wireCheck(str(), (s) => !s.startsWith('runs:'), (s) => `Artifact location cannot be a runs:/ URI. Given: '${s}'`);
 */
export function wireCheck<T extends z.ZodType>(schema: T, ok: (value: z.output<T>) => boolean, message: string | ((value: z.output<T>) => string)) {
  return schema.refine(ok, {
    error: (issue) => (typeof message === 'string' ? message : message(issue.input as z.output<T>)),
    params: { loupe: 'invalid' } satisfies WireIssue,
  });
}

/**
 * A required field of any type: absent answers MLflow's "Missing value for required parameter" (`field`
 * names it when the path is not the wire name, as in an entry of a list). `null` is left to `schema`.
 *
 * @example
 * z.object({ value: required(double()) }).parse({}); // fails: missing 'value'
 */
export function required<T extends z.ZodType>(schema: T, field?: string) {
  const params: WireIssue = field === undefined ? { loupe: 'missing' } : { loupe: 'missing', field };
  return z.preprocess((v, ctx) => {
    if (v === undefined) ctx.addIssue({ code: 'custom', message: 'missing', params });
    return v;
  }, schema);
}

/**
 * A repeated field that needs at least one entry: none answers "Missing value for required parameter".
 *
 * @example
 * z.object({ run_ids: requiredList(str()) }).parse({}); // fails: missing 'run_ids'
 */
export function requiredList<T extends z.ZodType>(item: T) {
  return repeated(item).refine((list) => list.length > 0, { params: { loupe: 'missing' } satisfies WireIssue });
}

/**
 * A double as protobuf-JSON writes it in a reply: a number, or `"NaN"`, `"Infinity"`, `"-Infinity"` for
 * the non-finite ones (read back as numbers, so the inferred type stays `number`).
 *
 * @example
 * wireDouble().parse('NaN'); // NaN
 */
export function wireDouble() {
  return z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity']).transform(Number)]);
}
