import { describe, expect, it } from 'vitest';
import { toSpanRecord } from '../../ingest/span-batches.js';
import { parseTraceJson, traceJsonSpan } from './trace-json.js';
import { CHILD_HEX, OTEL_TRACE_HEX, ROOT_HEX, T, TRACE_JSON_DIALECTS } from './trace-json-samples.js';

describe('traces.json dialects', () => {
  for (const [dialect, text] of Object.entries(TRACE_JSON_DIALECTS)) {
    it(`reads the ${dialect} dialect, nanoseconds exact`, () => {
      const [root, child] = parseTraceJson(text);
      expect(root).toMatchObject({
        traceId: OTEL_TRACE_HEX,
        spanId: ROOT_HEX,
        parentSpanId: null,
        name: 'predict',
        kind: 'SPAN_KIND_INTERNAL',
        startTimeUnixNano: T.rootStart,
        endTimeUnixNano: T.rootEnd,
        status: { code: 'STATUS_CODE_OK', message: '' },
        events: [{ name: 'retry', timeUnixNano: T.event }],
      });
      expect(child).toMatchObject({
        spanId: CHILD_HEX,
        parentSpanId: ROOT_HEX,
        status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
        startTimeUnixNano: T.childStart,
        endTimeUnixNano: T.childEnd,
      });
      const rows = [root, child].map((s) => toSpanRecord(s as NonNullable<typeof s>));
      expect(rows.map((r) => [r.type, r.status])).toEqual([
        ['CHAIN', 'OK'],
        ['LLM', 'ERROR'],
      ]);
      expect(rows[0]?.content).toContain(`"start_time_unix_nano":${T.rootStart}`);
      expect(rows[0]?.content).toContain('{"key":"mlflow.spanType","value":{"string_value":"\\"CHAIN\\""}}');
    });
  }

  it('refuses malformed documents with a message naming the span and field', () => {
    expect(() => parseTraceJson('nope')).toThrow(/not JSON/);
    expect(() => parseTraceJson('{"spans": 3}')).toThrow(/'spans' list/);
    expect(() => parseTraceJson('{"spans": [{"trace_id": "xyz", "span_id": "b7ad6b7169203331"}]}')).toThrow(/spans\[0\]\.trace_id/);
    expect(() => parseTraceJson(`{"spans": [{"trace_id": "${OTEL_TRACE_HEX}", "span_id": "${ROOT_HEX}", "start_time_unix_nano": -5}]}`)).toThrow(
      /spans\[0\]\.start_time_unix_nano/,
    );
  });

  it('writes stored spans back as MLflow 3 span dicts, times exact and attributes as a map', () => {
    const [root] = parseTraceJson(TRACE_JSON_DIALECTS['current Python'] as string);
    const text = traceJsonSpan(toSpanRecord(root as NonNullable<typeof root>).content);
    expect(text).toContain(`"start_time_unix_nano":${T.rootStart},"end_time_unix_nano":${T.rootEnd}`);
    expect(text).toContain(`"time_unix_nano":${T.event}`);
    const dict = JSON.parse(text) as Record<string, unknown>;
    expect(dict).toMatchObject({
      trace_id: Buffer.from(OTEL_TRACE_HEX, 'hex').toString('base64'),
      span_id: Buffer.from(ROOT_HEX, 'hex').toString('base64'),
      parent_span_id: '',
      name: 'predict',
      status: { code: 'STATUS_CODE_OK', message: '' },
      attributes: { 'mlflow.spanType': '"CHAIN"', 'mlflow.spanInputs': '{"q": "hi"}' },
      events: [{ name: 'retry', attributes: { attempt: '"1"' } }],
    });
  });
});
