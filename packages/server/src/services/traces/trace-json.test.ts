import { describe, expect, it } from 'vitest';
import { toSpanRecord } from '../../ingest/span-batches.js';
import { parseTraceJson } from './trace-json.js';
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
});
