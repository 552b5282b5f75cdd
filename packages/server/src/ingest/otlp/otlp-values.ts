import { ApiError } from '@loupe/protocol';
import type { SpanAttributes } from '../ingest-span.js';

/**
 * A parsed OTLP/JSON object or protobuf `toObject` result, not yet validated.
 *
 * @example
 * const span: WireObject = wireObject(item, 'spans[0]');
 */
export type WireObject = Readonly<Record<string, unknown>>;

const fail = (message: string): never => {
  throw ApiError.invalid(message);
};

/**
 * An optional sub-message: absent means empty.
 *
 * @example
 * wireObject(span.status, 'spans[0].status'); // {} when unset
 */
export function wireObject(value: unknown, path: string): WireObject {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) {
    return fail(`${path} must be an object.`);
  }
  return value as WireObject;
}

/**
 * A repeated field: absent means empty.
 *
 * @example
 * wireArray(scope.spans, 'resourceSpans[0].scopeSpans[0].spans');
 */
export function wireArray(value: unknown, path: string): readonly unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : fail(`${path} must be an array.`);
}

/**
 * A string field: absent means `''`.
 *
 * @example
 * wireString(span.name, 'spans[0].name');
 */
export function wireString(value: unknown, path: string): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : fail(`${path} must be a string.`);
}

/**
 * A trace or span id as lowercase hex: raw bytes from protobuf, hex text from OTLP/JSON. Empty
 * gives `null`; all zeroes or another length is invalid (OTLP `trace.proto`).
 *
 * @example
 * wireId(new Uint8Array(8).fill(1), 8, 'span_id'); // '0101010101010101'
 */
export function wireId(value: unknown, size: number, path: string): string | null {
  let hex: string;
  if (value === undefined || value === null || value === '') return null;
  if (value instanceof Uint8Array) hex = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
  else if (typeof value === 'string' && /^[0-9a-fA-F]*$/.test(value)) hex = value.toLowerCase();
  else return fail(`${path} must be ${size} bytes (${size * 2} hex characters in OTLP/JSON), got ${JSON.stringify(value)}.`);
  if (hex.length === 0) return null;
  if (hex.length !== size * 2) return fail(`${path} must be ${size} bytes (${size * 2} hex characters), got ${hex.length} hex characters.`);
  return /^0+$/.test(hex) ? fail(`${path} must not be all zeroes.`) : hex;
}

function integerText(value: unknown, path: string, signed: boolean): string {
  if (value === undefined || value === null) return '0';
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value).toString();
  if (typeof value === 'string' && (signed ? /^-?\d+$/ : /^\d+$/).test(value)) return BigInt(value).toString();
  return fail(`${path} must be ${signed ? 'an' : 'an unsigned'} integer, got ${JSON.stringify(value)}.`);
}

/**
 * A fixed64 nanosecond timestamp as an exact decimal string.
 *
 * @example
 * wireNanos('0001700000000123456789', 'startTimeUnixNano'); // '1700000000123456789'
 */
export function wireNanos(value: unknown, path: string): string {
  return integerText(value, path, false);
}

/**
 * An enum as its name: numbers index `names`, and OTLP/JSON may also send the name itself.
 *
 * @example
 * wireEnum(2, ['A', 'B', 'C'], 'kind'); // 'C'
 */
export function wireEnum<T extends string>(value: unknown, names: readonly T[], path: string): T {
  if (value === undefined || value === null) return names[0] as T;
  if (typeof value === 'number' && names[value] !== undefined) return names[value] as T;
  if (typeof value === 'string' && (names as readonly string[]).includes(value)) return value as T;
  return fail(`${path} must be one of ${names.join(', ')} (or 0-${names.length - 1}), got ${JSON.stringify(value)}.`);
}

function doubleValue(value: unknown, path: string): number | string {
  if (typeof value === 'number') return value;
  // Proto3 JSON spells the non-finite doubles as strings; they stay strings to remain JSON-safe.
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return fail(`${path}.doubleValue must be a number, got ${JSON.stringify(value)}.`);
}

/**
 * The bounds an attribute list is decoded under.
 *
 * @example
 * const limits: AttributeLimits = { maxAttributes: 4096, maxValueDepth: 32 };
 */
export interface AttributeLimits {
  maxAttributes: number;
  maxValueDepth: number;
}

/**
 * Decodes an `AnyValue` into plain JSON, refusing nesting deeper than `limits.maxValueDepth`.
 *
 * @example
 * anyValue({ intValue: '9007199254740993' }, 'attributes.n', limits, 1); // '9007199254740993'
 */
export function anyValue(value: unknown, path: string, limits: AttributeLimits, depth: number): unknown {
  if (depth > limits.maxValueDepth) {
    return fail(`${path} is nested deeper than ${limits.maxValueDepth} levels.`);
  }
  const v = wireObject(value, path);
  if (v.stringValue !== undefined) return wireString(v.stringValue, `${path}.stringValue`);
  if (v.boolValue !== undefined) {
    return typeof v.boolValue === 'boolean' ? v.boolValue : fail(`${path}.boolValue must be a boolean.`);
  }
  if (v.intValue !== undefined) {
    const text = integerText(v.intValue, `${path}.intValue`, true);
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : text;
  }
  if (v.doubleValue !== undefined) return doubleValue(v.doubleValue, path);
  if (v.arrayValue !== undefined) {
    const items = wireArray(wireObject(v.arrayValue, `${path}.arrayValue`).values, `${path}.arrayValue.values`);
    return items.map((item, i) => anyValue(item, `${path}[${i}]`, limits, depth + 1));
  }
  if (v.kvlistValue !== undefined) {
    const list = wireArray(wireObject(v.kvlistValue, `${path}.kvlistValue`).values, `${path}.kvlistValue.values`);
    return keyValues(list, path, limits, depth + 1);
  }
  if (v.bytesValue !== undefined) {
    if (v.bytesValue instanceof Uint8Array) return Buffer.from(v.bytesValue).toString('base64');
    return wireString(v.bytesValue, `${path}.bytesValue`);
  }
  return null;
}

function keyValues(list: readonly unknown[], path: string, limits: AttributeLimits, depth: number): SpanAttributes {
  // A Map then fromEntries: a key such as "__proto__" becomes an ordinary own property.
  const entries = new Map<string, unknown>();
  list.forEach((item, i) => {
    const kv = wireObject(item, `${path}[${i}]`);
    const key = wireString(kv.key, `${path}[${i}].key`);
    entries.set(key, anyValue(kv.value, `${path}[${JSON.stringify(key)}]`, limits, depth));
  });
  return Object.fromEntries(entries);
}

/**
 * Decodes a `repeated KeyValue` list into an object, refusing more than `limits.maxAttributes`
 * entries; `owner` names the span or resource in the error.
 *
 * @example
 * attributeList([{ key: 'a', value: { boolValue: true } }], "span 'root'", limits); // { a: true }
 */
export function attributeList(value: unknown, owner: string, limits: AttributeLimits): SpanAttributes {
  const list = wireArray(value, `attributes of ${owner}`);
  if (list.length > limits.maxAttributes) {
    return fail(`${owner} has ${list.length} attributes; the limit is ${limits.maxAttributes}.`);
  }
  return keyValues(list, `${owner} attribute`, limits, 1);
}
