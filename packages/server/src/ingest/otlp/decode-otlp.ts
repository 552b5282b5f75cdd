import type { PriceCatalog } from '@loupe/protocol/pricing';
import type { IngestSpan } from '../ingest-span.js';
import { toSpanBatches, type DecodedSpanBatch } from '../span-batches.js';
import { normalizeOtlpRequest } from './normalize-otlp.js';
import { decodeContentEncoding, otlpBodyFormat } from './otlp-body.js';
import { DEFAULT_OTLP_DECODE_LIMITS, type OtlpDecodeLimits } from './otlp-decode-limits.js';
import { parseOtlpJson } from './otlp-json.js';
import { decodeOtlpProtobuf } from './otlp-protobuf.js';

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
): IngestSpan[] {
  const bounds: OtlpDecodeLimits = { ...DEFAULT_OTLP_DECODE_LIMITS, ...limits };
  const format = otlpBodyFormat(contentType);
  const bytes = decodeContentEncoding(body, contentEncoding, bounds.maxDecodedBytes);
  const wire = format === 'json' ? parseOtlpJson(bytes) : decodeOtlpProtobuf(bytes);
  return normalizeOtlpRequest(wire, bounds);
}

/**
 * The whole pipeline short of the store: an OTLP/HTTP body decoded ({@link decodeOtlpTraces}), mapped
 * to MLflow's attributes, priced with `pricing` when given, and grouped into one batch per trace
 * (`toSpanBatches`).
 *
 * @example
 * const batches = decodeOtlpBatches(body, 'application/x-protobuf', 'gzip', PriceCatalog.withDefaults());
 * batches[0].traceId; // 'tr-0af7651916cd43dd8448eb211c80319c'
 */
export function decodeOtlpBatches(body: Uint8Array, contentType: string, contentEncoding: string | undefined, pricing?: PriceCatalog): DecodedSpanBatch[] {
  return toSpanBatches(decodeOtlpTraces(body, contentType, contentEncoding), pricing);
}

/**
 * Turns an OTLP/HTTP body into span batches: {@link inlineOtlpDecoder}'s on the calling thread, or an
 * `OtlpDecodePool`'s `decode` on worker threads. Bad bodies reject with the same `ApiError` either way.
 *
 * @example
 * const decode: OtlpDecoder = pool ? (body, type, encoding) => pool.decode(body, type, encoding) : inlineOtlpDecoder(catalog);
 */
export type OtlpDecoder = (body: Uint8Array, contentType: string, contentEncoding: string | undefined) => Promise<DecodedSpanBatch[]>;

/**
 * An {@link OtlpDecoder} on the calling thread, pricing spans with `pricing` when given.
 *
 * @example
 * const batches = await inlineOtlpDecoder(PriceCatalog.withDefaults())(body, 'application/json', undefined);
 */
export function inlineOtlpDecoder(pricing?: PriceCatalog): OtlpDecoder {
  return async (body, contentType, contentEncoding) => decodeOtlpBatches(body, contentType, contentEncoding, pricing);
}

/**
 * {@link OtlpDecoder} on the calling thread, without pricing.
 *
 * @example
 * const batches = await decodeOtlpInline(body, 'application/json', undefined);
 */
export const decodeOtlpInline: OtlpDecoder = inlineOtlpDecoder();
