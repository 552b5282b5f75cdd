/**
 * JSON text for any value a traced function takes or returns, never throwing: circular references
 * become `"[Circular]"`, BigInts their decimal string, Errors `{name, message, stack}`, Maps and Sets
 * objects and arrays, functions and symbols their name. `undefined` is `null`.
 *
 * @example
 * encodeJson({ a: 1n }); // '{"a":"1"}'
 */
export function encodeJson(value: unknown): string {
  if (value === undefined) return 'null';
  try {
    // The fast path: plain data, the common case on the caller's path.
    const text = JSON.stringify(value);
    if (text !== undefined) return text;
  } catch {
    // Circular, BigInt or a throwing toJSON: fall through to the careful encoder.
  }
  try {
    return JSON.stringify(value, careful()) ?? 'null';
  } catch {
    return JSON.stringify(String(value));
  }
}

function careful(): (this: unknown, key: string, value: unknown) => unknown {
  const seen = new WeakSet<object>();
  return function replace(_key, value) {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'function') return `[Function ${value.name || 'anonymous'}]`;
    if (typeof value === 'symbol') return value.toString();
    if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
    if (value instanceof Map) return Object.fromEntries(value);
    if (value instanceof Set) return [...value];
    if (value !== null && typeof value === 'object') {
      if (seen.has(value)) return '[Circular]';
      seen.add(value);
    }
    return value;
  };
}

/**
 * Decodes an attribute value MLflow-style: JSON text back to its value; anything else as it is.
 *
 * @example
 * decodeJson('{"a":1}'); // { a: 1 }
 * decodeJson('plain'); // 'plain'
 */
export function decodeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
