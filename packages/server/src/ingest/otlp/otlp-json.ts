import { ApiError } from '@loupe/protocol';

/** Any JSON string, or a number token (RFC 8259 grammar). */
const TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/** Integers with more digits than this may not survive a trip through a JS number. */
const SAFE_DIGITS = 15;

function quoteLongIntegers(text: string): string {
  return text.replace(TOKEN, (token) => {
    if (token.startsWith('"') || /[.eE]/.test(token)) return token;
    const digits = token.startsWith('-') ? token.length - 1 : token.length;
    return digits > SAFE_DIGITS ? `"${token}"` : token;
  });
}

/**
 * Parses an OTLP/JSON body without losing int64 precision: integer literals too long for a JS
 * number (nanosecond timestamps, large `intValue`s) are read as decimal strings, which OTLP/JSON
 * also allows for int64 fields.
 *
 * @example
 * parseOtlpJson(new TextEncoder().encode('{"t": 1700000000123456789}')); // { t: '1700000000123456789' }
 */
export function parseOtlpJson(bytes: Uint8Array): unknown {
  let text: string;
  let value: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    // Validating first keeps the token rewrite linear: in valid JSON every string is terminated.
    value = JSON.parse(text);
  } catch (err) {
    throw new ApiError('MALFORMED_REQUEST', `Malformed OTLP/JSON request body: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError('MALFORMED_REQUEST', 'Malformed OTLP/JSON request body: expected a JSON object.');
  }
  return new RegExp(`\\d{${SAFE_DIGITS + 1}}`).test(text) ? JSON.parse(quoteLongIntegers(text)) : value;
}
