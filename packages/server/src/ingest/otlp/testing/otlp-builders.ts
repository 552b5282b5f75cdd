import { ApiError } from '@loupe/protocol';
import { createOtlpTraceSchema } from '../otlp-schema.js';

/** Hand-built payloads use the decoder's own schema; the official exporters cover real ones. */
const requestType = createOtlpTraceSchema();

/**
 * A span in OTLP/JSON shape with valid ids; `overrides` replace or add fields.
 *
 * @example
 * wireSpan({ name: 'wide', kind: 2 });
 */
export function wireSpan(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    name: 'op',
    startTimeUnixNano: '1700000000000000001',
    endTimeUnixNano: '1700000000000000002',
    ...overrides,
  };
}

/**
 * An ExportTraceServiceRequest (OTLP/JSON shape) holding `spans` under one resource and scope.
 *
 * @example
 * jsonBody(wireRequest([wireSpan()]));
 */
export function wireRequest(spans: unknown[], resourceAttributes: unknown[] = []): Record<string, unknown> {
  return {
    resourceSpans: [{ resource: { attributes: resourceAttributes }, scopeSpans: [{ scope: { name: 's', version: '1' }, spans }] }],
  };
}

/**
 * Encodes an ExportTraceServiceRequest given in protobufjs object form (ids as Uint8Array).
 *
 * @example
 * encodeRequest(wireRequest([{ traceId: new Uint8Array(16).fill(1), spanId: new Uint8Array(8).fill(2) }]));
 */
export function encodeRequest(request: Record<string, unknown>): Uint8Array {
  return requestType.encode(requestType.fromObject(request)).finish();
}

/**
 * The same request as an OTLP/JSON body.
 *
 * @example
 * decodeOtlpTraces(jsonBody(wireRequest([wireSpan()])), 'application/json', undefined);
 */
export function jsonBody(request: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(request));
}

/**
 * An AnyValue holding `depth` levels of nested arrays around a string.
 *
 * @example
 * nestedValue(1); // { arrayValue: { values: [{ stringValue: 'leaf' }] } }
 */
export function nestedValue(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { stringValue: 'leaf' };
  for (let i = 0; i < depth; i++) value = { arrayValue: { values: [value] } };
  return value;
}

/**
 * Runs `fn`, expecting an ApiError, and returns it.
 *
 * @example
 * expect(catchApiError(() => decodeOtlpTraces(bad, type, undefined)).code).toBe('MALFORMED_REQUEST');
 */
export function catchApiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (ApiError.is(err)) return err;
    throw new Error(`expected an ApiError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected an ApiError, but nothing was thrown');
}

function lengthDelimited(fieldNumber: number, payload: Uint8Array): Uint8Array {
  const header: number[] = [(fieldNumber << 3) | 2];
  for (let n = payload.length; ; n >>>= 7) {
    if (n < 0x80) {
      header.push(n);
      break;
    }
    header.push((n & 0x7f) | 0x80);
  }
  return Buffer.concat([Uint8Array.from(header), payload]);
}

/**
 * A protobuf request whose one span attribute nests `depth` arrays, written byte by byte:
 * protobufjs refuses to encode past its own recursion limit.
 *
 * @example
 * decodeOtlpTraces(deeplyNestedProtobuf(5000), 'application/x-protobuf', undefined); // throws ApiError
 */
export function deeplyNestedProtobuf(depth: number): Uint8Array {
  let value = lengthDelimited(1, Buffer.from('leaf'));
  for (let i = 0; i < depth; i++) value = lengthDelimited(5, lengthDelimited(1, value));
  const keyValue = Buffer.concat([lengthDelimited(1, Buffer.from('d')), lengthDelimited(2, value)]);
  const span = Buffer.concat([lengthDelimited(1, new Uint8Array(16).fill(7)), lengthDelimited(2, new Uint8Array(8).fill(9)), lengthDelimited(9, keyValue)]);
  return lengthDelimited(1, lengthDelimited(2, lengthDelimited(2, span)));
}
