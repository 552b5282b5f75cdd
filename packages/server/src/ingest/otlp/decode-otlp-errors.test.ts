import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeOtlpTraces } from './decode-otlp.js';
import { catchApiError, deeplyNestedProtobuf, encodeRequest, jsonBody, nestedValue, wireRequest, wireSpan } from './testing/otlp-builders.js';

const PROTO = 'application/x-protobuf';
const JSON_TYPE = 'application/json';
const ids = { traceId: new Uint8Array(16).fill(7), spanId: new Uint8Array(8).fill(9) };
const validProto = () => encodeRequest(wireRequest([wireSpan(ids)]));

describe('decodeOtlpTraces rejects malformed input with ApiError', () => {
  it('names the accepted content types for a wrong one', () => {
    const err = catchApiError(() => decodeOtlpTraces(validProto(), 'text/plain', undefined));
    expect(err.code).toBe('INVALID_PARAMETER_VALUE');
    expect(err.message).toMatch(/text\/plain.*application\/x-protobuf, application\/json/);
  });

  it('rejects an unsupported Content-Encoding', () => {
    const err = catchApiError(() => decodeOtlpTraces(validProto(), PROTO, 'br'));
    expect(err.code).toBe('INVALID_PARAMETER_VALUE');
    expect(err.message).toMatch(/Content-Encoding 'br'.*identity, gzip or deflate/);
  });

  it('reports a truncated protobuf body as MALFORMED_REQUEST', () => {
    const body = validProto();
    const err = catchApiError(() => decodeOtlpTraces(body.subarray(0, body.length - 5), PROTO, undefined));
    expect(err.code).toBe('MALFORMED_REQUEST');
    expect(err.message).toMatch(/Malformed OTLP protobuf request body \(truncated/);
  });

  it('reports a corrupt gzip stream as MALFORMED_REQUEST', () => {
    const gz = gzipSync(validProto());
    expect(catchApiError(() => decodeOtlpTraces(gz.subarray(0, 20), PROTO, 'gzip')).code).toBe('MALFORMED_REQUEST');
    expect(catchApiError(() => decodeOtlpTraces(validProto(), PROTO, 'gzip')).code).toBe('MALFORMED_REQUEST');
  });

  it('stops inflating a decompression bomb at maxDecodedBytes, as a 413', () => {
    const bomb = gzipSync(new Uint8Array(16 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const err = catchApiError(() => decodeOtlpTraces(bomb, PROTO, 'gzip', { maxDecodedBytes: 1024 * 1024 }));
    expect([err.code, err.status]).toEqual(['RESOURCE_LIMIT_EXCEEDED', 413]);
    expect(err.message).toMatch(/too large: the limit is 1048576 bytes after decompression/);
    const plain = catchApiError(() => decodeOtlpTraces(new Uint8Array(2048), PROTO, 'identity', { maxDecodedBytes: 1024 }));
    expect([plain.code, plain.status]).toEqual(['RESOURCE_LIMIT_EXCEEDED', 413]);
    expect(plain.message).toMatch(/too large/);
  });

  it('rejects a request without resource_spans, in both encodings', () => {
    for (const [body, type] of [
      [new Uint8Array(), PROTO],
      [jsonBody({}), JSON_TYPE],
    ] as const) {
      const err = catchApiError(() => decodeOtlpTraces(body, type, undefined));
      expect(err.code).toBe('INVALID_PARAMETER_VALUE');
      expect(err.message).toBe('OTLP request has no resource_spans.');
    }
  });

  it('rejects missing, ill-sized, all-zero and non-hex ids', () => {
    const cases: [Uint8Array, string, RegExp][] = [
      [encodeRequest(wireRequest([{ spanId: ids.spanId }])), PROTO, /trace_id of .*spans\[0\] is missing/],
      [
        encodeRequest(wireRequest([{ ...ids, spanId: new Uint8Array(4).fill(1) }])),
        PROTO,
        /span_id of .* must be 8 bytes \(16 hex characters\), got 8 hex characters/,
      ],
      [encodeRequest(wireRequest([{ ...ids, traceId: new Uint8Array(16) }])), PROTO, /trace_id .* must not be all zeroes/],
      [jsonBody(wireRequest([wireSpan({ traceId: 'zz'.repeat(16) })])), JSON_TYPE, /trace_id .* must be 16 bytes \(32 hex/],
      [jsonBody(wireRequest([wireSpan({ parentSpanId: 'abc' })])), JSON_TYPE, /parent_span_id of span 'op'/],
    ];
    for (const [body, type, message] of cases) {
      const err = catchApiError(() => decodeOtlpTraces(body, type, undefined));
      expect(err.code).toBe('INVALID_PARAMETER_VALUE');
      expect(err.message).toMatch(message);
    }
  });

  it('reports invalid JSON and invalid UTF-8 as MALFORMED_REQUEST', () => {
    for (const body of [new TextEncoder().encode('{"resourceSpans": ['), new Uint8Array([0x7b, 0xff, 0x7d]), jsonBody([1])]) {
      const err = catchApiError(() => decodeOtlpTraces(body, JSON_TYPE, undefined));
      expect(err.code).toBe('MALFORMED_REQUEST');
      expect(err.message).toMatch(/Malformed OTLP\/JSON request body/);
    }
  });

  it('caps the nesting depth of attribute values', () => {
    const attributes = [{ key: 'deep', value: nestedValue(40) }];
    const bodies: [Uint8Array, string][] = [
      [encodeRequest(wireRequest([{ ...ids, name: 'op', attributes }])), PROTO],
      [jsonBody(wireRequest([wireSpan({ attributes })])), JSON_TYPE],
    ];
    for (const [body, type] of bodies) {
      const err = catchApiError(() => decodeOtlpTraces(body, type, undefined));
      expect(err.code).toBe('INVALID_PARAMETER_VALUE');
      expect(err.message).toMatch(/span 'op' .* attribute\["deep"\](\[0\])+ is nested deeper than 32 levels/);
    }
    const abyss = deeplyNestedProtobuf(5000);
    expect(catchApiError(() => decodeOtlpTraces(abyss, PROTO, undefined)).message).toMatch(/nested too deeply/);
    const deepJson = `${'{"arrayValue":{"values":['.repeat(5000)}{"stringValue":"leaf"}${']}}'.repeat(5000)}`;
    const jsonAbyss = jsonBody(wireRequest([wireSpan({ attributes: [{ key: 'd', value: 'DEEP' }] })]));
    const jsonAbyssText = new TextDecoder().decode(jsonAbyss).replace('"DEEP"', deepJson);
    expect(catchApiError(() => decodeOtlpTraces(new TextEncoder().encode(jsonAbyssText), JSON_TYPE, undefined)).message).toMatch(/nested deeper than 32/);
  });

  it('caps the attributes of one span and names the span', () => {
    const attributes = Array.from({ length: 4097 }, (_, i) => ({ key: `k${i}`, value: { intValue: i } }));
    const err = catchApiError(() => decodeOtlpTraces(jsonBody(wireRequest([wireSpan({ name: 'wide', attributes })])), JSON_TYPE, undefined));
    expect(err.code).toBe('INVALID_PARAMETER_VALUE');
    expect(err.message).toBe("span 'wide' (span_id b7ad6b7169203331) has 4097 attributes; the limit is 4096.");
  });

  it('caps the spans per request', () => {
    const spans = [wireSpan(), wireSpan(), wireSpan()];
    const err = catchApiError(() => decodeOtlpTraces(jsonBody(wireRequest(spans)), JSON_TYPE, undefined, { maxSpans: 2 }));
    expect(err.code).toBe('INVALID_PARAMETER_VALUE');
    expect(err.message).toMatch(/more than 2 spans/);
  });

  it('rejects values of the wrong type and unknown enum numbers', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [wireSpan({ name: 5 }), /name of .* must be a string/],
      [wireSpan({ kind: 9 }), /kind of span 'op' .* must be one of SPAN_KIND_UNSPECIFIED/],
      [wireSpan({ startTimeUnixNano: '-1' }), /startTimeUnixNano of span 'op' .* must be an unsigned integer/],
      [wireSpan({ status: { code: 'BAD' } }), /status.code of span 'op'/],
      [wireSpan({ attributes: [{ key: 'x', value: { intValue: '1.5' } }] }), /attribute\["x"\].intValue must be an integer/],
      [wireSpan({ events: 'nope' }), /events of span 'op' .* must be an array/],
    ];
    for (const [span, message] of cases) {
      const err = catchApiError(() => decodeOtlpTraces(jsonBody(wireRequest([span])), JSON_TYPE, undefined));
      expect(err.code).toBe('INVALID_PARAMETER_VALUE');
      expect(err.message).toMatch(message);
    }
  });
});
