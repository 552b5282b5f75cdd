import { describe, expect, it } from 'vitest';
import type { IngestSpan } from './ingest-span.js';
import { decodeMlflowValue, spanContent, toSpanBatches, toSpanRecord } from './span-batches.js';
import { ingestSpan } from './testing/ingest-spans.js';

const TRACE = 'ab'.repeat(16);
const span = (over: Partial<IngestSpan> = {}): IngestSpan =>
  ingestSpan({
    traceId: TRACE,
    spanId: '0000000000000001',
    parentSpanId: null,
    name: 'predict',
    kind: 'SPAN_KIND_INTERNAL',
    startTimeUnixNano: '1700000000000000123',
    endTimeUnixNano: '1700000000532000999',
    attributes: { 'mlflow.spanType': '"CHAIN"', 'mlflow.spanInputs': { q: 'hi' }, 'mlflow.spanOutputs': '"hello"' },
    events: [{ name: 'exception', timeUnixNano: '1700000000100000007', attributes: { 'exception.message': 'boom' } }],
    status: { code: 'STATUS_CODE_OK', message: '' },
    ...over,
  });

describe('span batches', () => {
  it('decodes MLflow values whether or not they are JSON-encoded', () => {
    expect(decodeMlflowValue('"LLM"')).toBe('LLM');
    expect(decodeMlflowValue('LLM')).toBe('LLM');
    expect(decodeMlflowValue({ a: 1 })).toEqual({ a: 1 });
  });

  it('writes OTel proto JSON with exact nanosecond integers and JSON-encoded attribute values', () => {
    const text = spanContent(span());
    expect(text).toContain('"start_time_unix_nano":1700000000000000123');
    expect(text).toContain('"end_time_unix_nano":1700000000532000999');
    expect(text).toContain('"time_unix_nano":1700000000100000007');
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(parsed).toMatchObject({
      trace_id: Buffer.from(TRACE, 'hex').toString('base64'),
      span_id: Buffer.from('0000000000000001', 'hex').toString('base64'),
      parent_span_id: '',
      name: 'predict',
      kind: 'SPAN_KIND_INTERNAL',
      status: { code: 'STATUS_CODE_OK', message: '' },
    });
    expect(parsed.attributes).toEqual([
      { key: 'mlflow.spanType', value: { string_value: '"CHAIN"' } },
      { key: 'mlflow.spanInputs', value: { string_value: '{"q":"hi"}' } },
      { key: 'mlflow.spanOutputs', value: { string_value: '"hello"' } },
    ]);
  });

  it('makes store rows with type, status and microsecond times', () => {
    expect(toSpanRecord(span())).toMatchObject({
      spanId: '0000000000000001',
      type: 'CHAIN',
      status: 'OK',
      startTimeUs: 1700000000000000,
      endTimeUs: 1700000000532000,
    });
    expect(toSpanRecord(span({ attributes: {} })).type).toBe('UNKNOWN');
  });

  it('groups by trace with root summary, trace tags and session/user metadata', () => {
    const child = span({
      spanId: '0000000000000002',
      parentSpanId: '0000000000000001',
      startTimeUnixNano: '1699999999999000000',
      attributes: { 'session.id': 's-1', 'mlflow.traceTag.team': 'core' },
    });
    const other = span({
      traceId: 'cd'.repeat(16),
      spanId: '0000000000000009',
      parentSpanId: '0000000000000008',
      status: { code: 'STATUS_CODE_ERROR', message: 'x' },
    });
    const batches = toSpanBatches([span(), child, other]);
    expect(batches).toHaveLength(2);
    expect(batches[0]).toMatchObject({
      traceId: `tr-${TRACE}`,
      earliestStartMs: 1699999999999,
      root: { spanId: '0000000000000001', name: 'predict', state: 'OK', executionDurationMs: 532, requestPreview: '{"q":"hi"}', responsePreview: 'hello' },
      tags: { team: 'core', 'mlflow.trace.spansLocation': 'TRACKING_STORE' },
      metadata: { 'mlflow.trace.session': 's-1' },
    });
    expect(batches[0]?.spans).toHaveLength(2);
    // Placed in an experiment later, by TraceService.
    expect(batches[0]).not.toHaveProperty('experimentId');
    expect(batches[1]).toMatchObject({ traceId: `tr-${'cd'.repeat(16)}` });
    expect(batches[1]?.root).toBeUndefined();
  });
});
