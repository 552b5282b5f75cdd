import { z } from 'zod';
import { durationToMs, timestampToMs } from './well-known-types.js';
import { int64, keyValueList, requiredList, str, type WireIssue } from './fields.js';

/** Trace limits (spec §2.7 and MLflow's trace handlers), as the server enforces them. */
export const TRACE_LIMITS = {
  /** Trace tag and metadata keys. */
  keyLength: 250,
  /** Trace tag and metadata values. */
  valueLength: 8000,
  clientRequestIdLength: 8000,
  /** Request and response previews are cut to this many characters (MLflow's OSS server). */
  previewLength: 1000,
  /** Traces one BatchGetTraces call may name. */
  batchGetTraces: 100,
  /** Traces one BatchGetTraceInfos call may name. */
  batchGetTraceInfos: 1000,
  /** Traces one `link-to-run` call may link (spec §1.5). */
  linkTracesToRun: 100,
  assessmentNameLength: 250,
  /** MLflow keeps stack traces short so trace infos stay small. */
  stackTraceLength: 1000,
  /** Deepest subtree walk a span page may ask for. */
  spanSubtreeDepth: 100,
} as const;

const invalid: WireIssue = { loupe: 'invalid' };

/**
 * Adds an issue the HTTP edge answers as INVALID_PARAMETER_VALUE with `message` (at `path` below the checked value).
 *
 * @example
 * z.string().superRefine((s, ctx) => { if (s === 'x') invalidIssue(ctx, "'x' is not allowed."); });
 */
export function invalidIssue(ctx: z.RefinementCtx, message: string, path: PropertyKey[] = []): void {
  ctx.addIssue({ code: 'custom', path, message, params: invalid });
}

/**
 * Adds an issue the HTTP edge answers with "Missing value for required parameter '<field>'".
 *
 * @example
 * z.object({ run_id: str().optional() }).superRefine((r, ctx) => { if (!r.run_id) missingIssue(ctx, 'run_id'); });
 */
export function missingIssue(ctx: z.RefinementCtx, field: string): void {
  ctx.addIssue({ code: 'custom', message: `missing ${field}`, params: { loupe: 'missing', field } satisfies WireIssue });
}

/** A client-chosen trace id (StartTraceV3): it becomes part of artifact paths, so no slashes or dots first. */
const TRACE_ID = /^[A-Za-z0-9][\w.:-]{0,127}$/;

/**
 * A trace id as StartTraceV3 receives it: required, of at most 128 word characters, `.`, `:` or `-`,
 * starting with a letter or digit.
 *
 * @example
 * z.object({ trace_id: clientTraceId('trace.trace_info.trace_id') }).parse({ trace_id: 'tr-abc' });
 */
export function clientTraceId(field: string) {
  return str()
    .optional()
    .superRefine((id, ctx) => {
      if (!id) missingIssue(ctx, field);
      else if (!TRACE_ID.test(id)) invalidIssue(ctx, `Invalid value '${id.slice(0, 200)}' for parameter '${field}' supplied.`);
    })
    .transform((id) => id ?? '');
}

/**
 * A required `google.protobuf.Timestamp` (RFC 3339) decoded to epoch milliseconds; `field` names it in the 400.
 *
 * @example
 * z.object({ request_time: timestampMs('request_time') }).parse({ request_time: '2025-06-15T14:07:41.282Z' }); // { request_time: 1749996461282 }
 */
export function timestampMs(field: string) {
  return str().transform((text, ctx) => {
    const ms = timestampToMs(text);
    if (ms !== undefined) return ms;
    // MLflow treats an empty string as unset.
    if (text === '') missingIssue(ctx, field);
    else invalidIssue(ctx, `Invalid value '${text}' for parameter '${field}' supplied: expected an RFC 3339 timestamp.`);
    return z.NEVER;
  });
}

/**
 * A `google.protobuf.Duration` (`"0.532s"`) decoded to milliseconds; `field` names it in the 400.
 *
 * @example
 * z.object({ execution_duration: durationMs('execution_duration') }).parse({ execution_duration: '0.532s' }); // { execution_duration: 532 }
 */
export function durationMs(field: string) {
  return str().transform((text, ctx) => {
    const ms = durationToMs(text);
    if (ms !== undefined) return ms;
    invalidIssue(ctx, `Invalid value '${text}' for parameter '${field}' supplied: expected a duration such as '0.532s'.`);
    return z.NEVER;
  });
}

/**
 * What is wrong with a trace tag, metadata or assessment metadata map under MLflow's limits (non-empty
 * keys of at most 250 characters, values of at most 8,000), or undefined; `field` names the map.
 *
 * @example
 * traceMapProblem('tags', { '': 'x' }); // "Invalid key '' in 'tags': keys must not be empty."
 */
export function traceMapProblem(field: string, map: Record<string, string>): string | undefined {
  for (const [key, value] of Object.entries(map)) {
    if (key === '') return `Invalid key '' in '${field}': keys must not be empty.`;
    if (key.length > TRACE_LIMITS.keyLength) {
      return `'${field} key' exceeds the maximum length of ${TRACE_LIMITS.keyLength} characters (got ${key.length}).`;
    }
    if (value.length > TRACE_LIMITS.valueLength) {
      return `'${field}['${key}']' exceeds the maximum length of ${TRACE_LIMITS.valueLength} characters (got ${value.length}).`;
    }
  }
  return undefined;
}

/**
 * A `map<string, string>` of trace tags or metadata checked by {@link traceMapProblem}; absent is `{}`.
 * Values must be strings (numbers are rendered, as protobuf-JSON parsing would refuse others).
 *
 * @example
 * z.object({ tags: traceMap('trace.trace_info.tags') }).parse({}); // { tags: {} }
 */
export function traceMap(field: string) {
  return z
    .record(z.string(), str())
    .optional()
    .transform((map, ctx) => {
      const out = map ?? {};
      const problem = traceMapProblem(field, out);
      if (problem) invalidIssue(ctx, problem);
      return out;
    });
}

/**
 * A legacy `{key, value}` list of trace tags or metadata as a map checked by {@link traceMapProblem};
 * every entry needs a key (`<field>[<i>].key` when missing).
 *
 * @example
 * z.object({ tags: traceKeyValueMap('tags') }).parse({ tags: [{ key: 'a', value: '1' }] }); // { tags: { a: '1' } }
 */
export function traceKeyValueMap(field: string) {
  return keyValueList().transform((list, ctx) => {
    const out: Record<string, string> = {};
    for (const [i, kv] of list.entries()) {
      if (!kv.key) {
        missingIssue(ctx, `${field}[${i}].key`);
        return z.NEVER;
      }
      out[kv.key] = kv.value ?? '';
    }
    const problem = traceMapProblem(field, out);
    if (problem) invalidIssue(ctx, problem);
    return out;
  });
}

/**
 * A repeated field that must name at least one item ({@link requiredList}) and at most `max.count`
 * (`max.message` says so with the count it got).
 *
 * @example
 * z.object({ trace_ids: boundedList(str(), { count: 100, message: (n) => `at most 100, got ${n}` }) });
 */
export function boundedList<T extends z.ZodType>(item: T, max: { count: number; message: (got: number) => string }) {
  return requiredList(item).superRefine((list, ctx) => {
    if (list.length > max.count) invalidIssue(ctx, max.message(list.length));
  });
}

/**
 * `max_results` of a paged API (spec §1.5): absent or 0 is `defaultValue`; negative or above `hardMax`
 * is refused in MLflow's words.
 *
 * @example
 * z.object({ max_results: pageSize(100, 500) }).parse({}); // { max_results: 100 }
 */
export function pageSize(defaultValue: number, hardMax: number) {
  return int64()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === 0) return defaultValue;
      if (value < 0 || value > hardMax) {
        invalidIssue(ctx, `Invalid value ${value} for parameter 'max_results' supplied. It must be at most ${hardMax}, and greater than 0.`);
        return z.NEVER;
      }
      return value;
    });
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The hex of 8 bytes written as (standard or URL-safe) base64, or undefined. Pure: protocol runs in browsers. */
function base64SpanIdToHex(text: string): string | undefined {
  if (!/^[A-Za-z0-9+/_-]{11}=?$/.test(text)) return undefined;
  let bits = 0n;
  for (const c of text.slice(0, 11)) bits = (bits << 6n) | BigInt(BASE64.indexOf(c === '-' ? '+' : c === '_' ? '/' : c));
  // 11 characters carry 66 bits: the 64 of the id, then 2 padding bits (ignored, as Node's decoder does).
  return (bits >> 2n).toString(16).padStart(16, '0');
}

/**
 * A span id as clients hold it: 16 hex digits (Loupe, OTLP/JSON) or the base64 of the 8 bytes (the OTel
 * proto JSON spans of `traces/get`), decoded to the stored lowercase hex.
 *
 * @example
 * z.object({ parent_span_id: spanIdField('parent_span_id') }).parse({ parent_span_id: 'AAAAAAAAAAE=' }); // '0000000000000001'
 */
export function spanIdField(field: string) {
  return str().transform((value, ctx) => {
    if (/^[0-9a-fA-F]{16}$/.test(value)) return value.toLowerCase();
    const hex = base64SpanIdToHex(value);
    if (hex !== undefined) return hex;
    invalidIssue(ctx, `Invalid value '${value.slice(0, 100)}' for parameter '${field}' supplied: expected a span id as 16 hex digits or base64 of 8 bytes.`);
    return z.NEVER;
  });
}
