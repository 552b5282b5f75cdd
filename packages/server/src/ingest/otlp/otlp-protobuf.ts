import { ApiError } from '@loupe/protocol';
import { createOtlpTraceSchema } from './otlp-schema.js';

/** Immutable reflection data, built once like a compiled regular expression. */
const REQUEST_TYPE = createOtlpTraceSchema();

/**
 * Decodes a binary `ExportTraceServiceRequest` into the OTLP/JSON object shape (lowerCamelCase
 * names, int64 and fixed64 as decimal strings, enums as numbers, bytes as `Uint8Array`).
 *
 * @example
 * const wire = decodeOtlpProtobuf(bytes);
 * // { resourceSpans: [{ resource: {...}, scopeSpans: [{ spans: [...] }] }] }
 */
export function decodeOtlpProtobuf(bytes: Uint8Array): unknown {
  try {
    const message = REQUEST_TYPE.decode(bytes);
    return REQUEST_TYPE.toObject(message, { longs: String, enums: Number });
  } catch (err) {
    const reason = (err as Error).message;
    if (/max depth|call stack/i.test(reason)) {
      throw ApiError.invalid('OTLP protobuf request body is nested too deeply.');
    }
    throw new ApiError('MALFORMED_REQUEST', `Malformed OTLP protobuf request body (truncated, or not an ExportTraceServiceRequest): ${reason}`);
  }
}
