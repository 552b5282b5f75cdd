import { deflateRawSync, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeOtlpTraces } from './decode-otlp.js';
import { encodeRequest, jsonBody, wireRequest, wireSpan } from './testing/otlp-builders.js';

const PROTO = 'application/x-protobuf';

describe('decodeOtlpTraces value mapping', () => {
  it('reads OTLP/JSON: hex ids, int64 as strings or bare numbers, enums as numbers or names', () => {
    const text = JSON.stringify(
      wireRequest(
        [
          wireSpan({
            traceId: '0AF7651916CD43DD8448EB211C80319C',
            parentSpanId: '0000000000000000',
            kind: 'SPAN_KIND_PRODUCER',
            startTimeUnixNano: 'START',
            endTimeUnixNano: '1700000000123456790',
            status: { code: 2, message: 'bad' },
            traceState: 'k=v',
            attributes: [
              { key: 'big', value: { intValue: 'BIG' } },
              { key: 'min', value: { intValue: '-9223372036854775808' } },
              { key: 'kv', value: { kvlistValue: { values: [{ key: 'a', value: { arrayValue: { values: [{ boolValue: true }, {}] } } }] } } },
              { key: 'bytes', value: { bytesValue: 'AQID' } },
              { key: 'nan', value: { doubleValue: 'NaN' } },
              { key: 'dbl', value: { doubleValue: 2 } },
              { key: '__proto__', value: { stringValue: 'own' } },
              { key: 'empty', value: {} },
            ],
          }),
        ],
        [{ key: 'service.name', value: { stringValue: 'svc' } }],
      ),
    )
      // Bare integer literals, as some exporters write them, past 2^53.
      .replace('"START"', '1700000000123456789')
      .replace('"BIG"', '9007199254740993');
    const [span] = decodeOtlpTraces(new TextEncoder().encode(text), 'application/json; charset=utf-8', undefined);
    expect(span).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      parentSpanId: null,
      kind: 'SPAN_KIND_PRODUCER',
      startTimeUnixNano: '1700000000123456789',
      endTimeUnixNano: '1700000000123456790',
      status: { code: 'STATUS_CODE_ERROR', message: 'bad' },
      traceState: 'k=v',
      resourceAttributes: { 'service.name': 'svc' },
      scope: { name: 's', version: '1' },
    });
    expect(span?.attributes).toEqual({
      big: '9007199254740993',
      min: '-9223372036854775808',
      kv: { a: [true, null] },
      bytes: 'AQID',
      nan: 'NaN',
      dbl: 2,
      ['__proto__']: 'own',
      empty: null,
    });
    expect(Object.getPrototypeOf(span?.attributes)).toBe(Object.prototype);
    expect(Object.hasOwn(span?.attributes ?? {}, '__proto__')).toBe(true);
  });

  it('reads protobuf kvlist, bytes and int64 extremes', () => {
    const body = encodeRequest(
      wireRequest([
        {
          traceId: new Uint8Array(16).fill(0xab),
          spanId: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
          parentSpanId: new Uint8Array(8).fill(0xcd),
          name: 'p',
          kind: 3,
          startTimeUnixNano: '18446744073709551615',
          attributes: [
            { key: 'min', value: { intValue: '-9223372036854775808' } },
            { key: 'zero', value: { intValue: 0 } },
            { key: 'empty', value: { stringValue: '' } },
            { key: 'bytes', value: { bytesValue: Uint8Array.from([1, 2, 3]) } },
            { key: 'kv', value: { kvlistValue: { values: [{ key: 'x', value: { doubleValue: 0.25 } }] } } },
          ],
          events: [{ name: 'e', timeUnixNano: '1700000000000000007' }],
        },
      ]),
    );
    const [span] = decodeOtlpTraces(body, PROTO, undefined);
    expect(span).toMatchObject({
      traceId: 'ab'.repeat(16),
      spanId: '0102030405060708',
      parentSpanId: 'cd'.repeat(8),
      kind: 'SPAN_KIND_CLIENT',
      startTimeUnixNano: '18446744073709551615',
      endTimeUnixNano: '0',
      events: [{ name: 'e', timeUnixNano: '1700000000000000007', attributes: {} }],
      status: { code: 'STATUS_CODE_UNSET', message: '' },
    });
    expect(span?.attributes).toEqual({ min: '-9223372036854775808', zero: 0, empty: '', bytes: 'AQID', kv: { x: 0.25 } });
  });

  it('inflates deflate bodies in zlib and raw form, and accepts identity', () => {
    const body = jsonBody(wireRequest([wireSpan()]));
    for (const [encoded, encoding] of [
      [deflateSync(body), 'deflate'],
      [deflateRawSync(body), 'Deflate'],
      [body, 'identity'],
    ] as const) {
      const [span] = decodeOtlpTraces(encoded, 'application/json', encoding);
      expect(span?.spanId).toBe('b7ad6b7169203331');
    }
  });
});
