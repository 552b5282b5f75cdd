import { context, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { decodeOtlpTraces } from './decode-otlp.js';
import type { IngestSpan } from '../ingest-span.js';
import { exportWithOfficialSdk, type CapturedExport } from './testing/official-exporters.js';

interface Recorded {
  root: Span;
  child: Span;
  linked: Span;
}

/** Explicit HrTime values so nanosecond strings can be asserted exactly. */
function recordTrace(tracer: Tracer): Recorded {
  const root = tracer.startSpan('root', { kind: SpanKind.SERVER, startTime: [1700000000, 123456789] });
  const child = tracer.startSpan('child', { startTime: [1700000001, 1] }, trace.setSpan(context.active(), root));
  child.setAttributes({
    str: 'hello',
    int: 42,
    zero: 0,
    neg: -7,
    big: 2 ** 60,
    justAboveSafe: 2 ** 53 + 2,
    dbl: 1.5,
    flag: false,
    strs: ['a', 'b'],
    nums: [1, 2.5],
    bools: [true, false],
  });
  child.addEvent('retry', { attempt: 2, reason: 'timeout' }, [1700000001, 500]);
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  child.end([1700000002, 999999999]);
  const linked = tracer.startSpan('linked', {
    kind: SpanKind.CLIENT,
    startTime: [1700000002, 0],
    links: [{ context: root.spanContext(), attributes: { why: 'fan-in' } }],
  });
  linked.setStatus({ code: SpanStatusCode.OK });
  linked.end([1700000002, 5]);
  root.end([1700000003, 0]);
  return { root, child, linked };
}

function only(requests: CapturedExport[]): CapturedExport {
  expect(requests).toHaveLength(1);
  return requests[0] as CapturedExport;
}

function byName(spans: IngestSpan[], name: string): IngestSpan {
  const span = spans.find((s) => s.name === name);
  if (!span) throw new Error(`no span named ${name}`);
  return span;
}

/**
 * 2^60 is an exact JS number. The protobuf exporter writes it as int64 bits; the JSON exporter
 * writes `JSON.stringify`'s shortest decimal for that double, which the decoder keeps as sent.
 */
const BIG_ON_THE_WIRE = { protobuf: '1152921504606846976', json: '1152921504606847000' } as const;

function expectDecodedTrace(spans: IngestSpan[], recorded: Recorded, protocol: 'protobuf' | 'json'): void {
  expect(spans).toHaveLength(3);
  const { traceId, spanId: rootId } = recorded.root.spanContext();
  const root = byName(spans, 'root');
  expect(root).toMatchObject({ traceId, spanId: rootId, parentSpanId: null, kind: 'SPAN_KIND_SERVER' });
  expect(root.startTimeUnixNano).toBe('1700000000123456789');
  expect(root.endTimeUnixNano).toBe('1700000003000000000');
  expect(root.status).toEqual({ code: 'STATUS_CODE_UNSET', message: '' });

  expect(byName(spans, 'child')).toEqual({
    traceId,
    spanId: recorded.child.spanContext().spanId,
    parentSpanId: rootId,
    name: 'child',
    kind: 'SPAN_KIND_INTERNAL',
    startTimeUnixNano: '1700000001000000001',
    endTimeUnixNano: '1700000002999999999',
    attributes: {
      str: 'hello',
      int: 42,
      zero: 0,
      neg: -7,
      big: BIG_ON_THE_WIRE[protocol],
      justAboveSafe: '9007199254740994',
      dbl: 1.5,
      flag: false,
      strs: ['a', 'b'],
      nums: [1, 2.5],
      bools: [true, false],
    },
    events: [{ name: 'retry', timeUnixNano: '1700000001000000500', attributes: { attempt: 2, reason: 'timeout' } }],
    links: [],
    status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
    traceState: '',
    resourceAttributes: expect.objectContaining({ 'service.name': 'loupe-test-service', 'deployment.environment': 'ci' }),
    scope: { name: 'loupe-otlp-test', version: '1.2.3' },
  });

  const linked = byName(spans, 'linked');
  expect(linked).toMatchObject({ parentSpanId: null, kind: 'SPAN_KIND_CLIENT', status: { code: 'STATUS_CODE_OK' } });
  expect(linked.traceId).toBe(recorded.linked.spanContext().traceId);
  expect(linked.links).toEqual([{ traceId, spanId: rootId, traceState: '', attributes: { why: 'fan-in' } }]);
}

const resourceAttributes = { 'service.name': 'loupe-test-service', 'deployment.environment': 'ci' };

describe('decodeOtlpTraces on payloads from the official OpenTelemetry JS exporters', () => {
  for (const protocol of ['protobuf', 'json'] as const) {
    for (const gzip of [false, true]) {
      it(`decodes the ${protocol} exporter's body${gzip ? ' (gzip)' : ''} exactly`, async () => {
        const { result, requests } = await exportWithOfficialSdk({ protocol, gzip, resourceAttributes }, recordTrace);
        const { body, headers } = only(requests);
        expect(headers['content-encoding']).toBe(gzip ? 'gzip' : undefined);
        const spans = decodeOtlpTraces(body, String(headers['content-type']), headers['content-encoding']);
        expectDecodedTrace(spans, result, protocol);
        expect(JSON.parse(JSON.stringify(spans))).toEqual(spans);
      });
    }
  }

  it('gives the same spans for the protobuf and JSON encodings of one trace', async () => {
    const record = (tracer: Tracer) => {
      const span = tracer.startSpan('same', { startTime: [1, 2] }, context.active());
      span.setAttribute('n', 2 ** 53 + 2);
      span.end([3, 4]);
    };
    const [proto, json] = await Promise.all([exportWithOfficialSdk({ protocol: 'protobuf' }, record), exportWithOfficialSdk({ protocol: 'json' }, record)]);
    const decode = ({ body, headers }: CapturedExport) =>
      decodeOtlpTraces(body, String(headers['content-type']), headers['content-encoding']).map(({ traceId: _t, spanId: _s, ...rest }) => rest);
    expect(decode(only(json.requests))).toEqual(decode(only(proto.requests)));
    expect(decode(only(proto.requests))[0]).toMatchObject({
      startTimeUnixNano: '1000000002',
      endTimeUnixNano: '3000000004',
      attributes: { n: '9007199254740994' },
    });
  });
});
