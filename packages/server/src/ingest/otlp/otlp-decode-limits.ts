/**
 * Bounds on one OTLP request, all checked before a span is returned.
 *
 * @example
 * const limits: OtlpDecodeLimits = { ...DEFAULT_OTLP_DECODE_LIMITS, maxSpans: 1000 };
 */
export interface OtlpDecodeLimits {
  /** Largest body after decompression, in bytes. */
  maxDecodedBytes: number;
  /** Most spans in one request. */
  maxSpans: number;
  /** Most attributes in one attribute list (span, event, link, resource or scope). */
  maxAttributes: number;
  /** Deepest nesting of array / key-value-list values inside one attribute value. */
  maxValueDepth: number;
}

/**
 * The limits used when a caller passes none.
 *
 * @example
 * decodeOtlpTraces(body, type, encoding, { ...DEFAULT_OTLP_DECODE_LIMITS, maxDecodedBytes: 1 << 20 });
 */
export const DEFAULT_OTLP_DECODE_LIMITS: Readonly<OtlpDecodeLimits> = Object.freeze({
  maxDecodedBytes: 64 * 1024 * 1024,
  maxSpans: 100_000,
  maxAttributes: 4096,
  maxValueDepth: 32,
});
