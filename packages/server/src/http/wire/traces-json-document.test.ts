import { describe, expect, it } from 'vitest';
import { OTEL_TRACE_HEX, ROOT_HEX, T } from '../../services/traces/trace-json-samples.js';
import { traceJsonDocument, traceJsonSpan } from './traces-json-document.js';

const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

/** The root span of the samples as the store keeps it (OTel proto JSON, nanoseconds as raw integers). */
const STORED_ROOT = [
  `{"trace_id":"${b64(OTEL_TRACE_HEX)}","span_id":"${b64(ROOT_HEX)}","parent_span_id":"","trace_state":"","name":"predict","kind":"SPAN_KIND_INTERNAL",`,
  `"start_time_unix_nano":${T.rootStart},"end_time_unix_nano":${T.rootEnd},"attributes":[{"key":"mlflow.spanType","value":{"string_value":"\\"CHAIN\\""}},`,
  `{"key":"mlflow.spanInputs","value":{"string_value":"{\\"q\\": \\"hi\\"}"}}],`,
  `"events":[{"name":"retry","attributes":[{"key":"attempt","value":{"string_value":"\\"1\\""}}],"time_unix_nano":${T.event}}],`,
  `"status":{"code":"STATUS_CODE_OK","message":""}}`,
].join('');

describe('traces.json written from stored spans', () => {
  it('writes stored spans back as MLflow 3 span dicts, times exact and attributes as a map', () => {
    const text = traceJsonSpan(STORED_ROOT);
    expect(text).toContain(`"start_time_unix_nano":${T.rootStart},"end_time_unix_nano":${T.rootEnd}`);
    expect(text).toContain(`"time_unix_nano":${T.event}`);
    const dict = JSON.parse(text) as Record<string, unknown>;
    expect(dict).toMatchObject({
      trace_id: b64(OTEL_TRACE_HEX),
      span_id: b64(ROOT_HEX),
      parent_span_id: '',
      name: 'predict',
      status: { code: 'STATUS_CODE_OK', message: '' },
      attributes: { 'mlflow.spanType': '"CHAIN"', 'mlflow.spanInputs': '{"q": "hi"}' },
      events: [{ name: 'retry', attributes: { attempt: '"1"' } }],
    });
  });

  it('joins the spans into one {"spans": [...]} document', async () => {
    async function* twice() {
      yield STORED_ROOT;
      yield STORED_ROOT;
    }
    let text = '';
    for await (const piece of traceJsonDocument(twice())) text += piece;
    expect((JSON.parse(text) as { spans: { name: string }[] }).spans.map((s) => s.name)).toEqual(['predict', 'predict']);
  });
});
