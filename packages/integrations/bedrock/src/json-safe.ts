/**
 * A value ready for a span attribute: bytes (images, documents, InvokeModel bodies the user passed
 * as a Uint8Array) become base64 text instead of JSON objects with one key per byte.
 *
 * @example
 * jsonSafe({ image: { source: { bytes: new Uint8Array([1, 2]) } } }); // { image: { source: { bytes: 'AQI=' } } }
 */
export function jsonSafe(value: unknown, depth = 0): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (depth > 32 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => jsonSafe(v, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v, depth + 1)]));
}
