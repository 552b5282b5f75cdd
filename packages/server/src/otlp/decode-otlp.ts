import { decodeContentEncoding, otlpBodyFormat } from './otlp-body.js';
import { parseOtlpJson } from './otlp-json.js';
import { decodeOtlpProtobuf } from './otlp-protobuf.js';
import { DEFAULT_OTLP_DECODE_LIMITS, type OtlpDecodeLimits, type OtlpSpan } from './otlp-span.js';
import { normalizeOtlpRequest } from './normalize-otlp.js';

/**
 * Decodes an OTLP/HTTP trace export body (spec §4.5) into normalized spans.
 *
 * Accepts `application/x-protobuf` and `application/json` (OTLP/JSON), with Content-Encoding
 * `identity`, `gzip` or `deflate`. Every bad input throws `ApiError`: MALFORMED_REQUEST when
 * the bytes cannot be parsed (truncated protobuf, broken JSON or compressed stream),
 * INVALID_PARAMETER_VALUE for anything else (content type, encoding, limits, ids, values).
 * Missing limits take {@link DEFAULT_OTLP_DECODE_LIMITS}.
 *
 * @example
 * const spans = decodeOtlpTraces(body, c.req.header('content-type') ?? '', c.req.header('content-encoding'));
 * const byTrace = Map.groupBy(spans, (s) => s.traceId);
 */
export function decodeOtlpTraces(
  body: Uint8Array,
  contentType: string,
  contentEncoding: string | undefined,
  limits: Partial<OtlpDecodeLimits> = {},
): OtlpSpan[] {
  const bounds: OtlpDecodeLimits = { ...DEFAULT_OTLP_DECODE_LIMITS, ...limits };
  const format = otlpBodyFormat(contentType);
  const bytes = decodeContentEncoding(body, contentEncoding, bounds.maxDecodedBytes);
  const wire = format === 'json' ? parseOtlpJson(bytes) : decodeOtlpProtobuf(bytes);
  return normalizeOtlpRequest(wire, bounds);
}
