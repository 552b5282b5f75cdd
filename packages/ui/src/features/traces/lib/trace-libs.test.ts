import type { TraceInfoV3 } from '@loupe/protocol';
import { describe, expect, it } from 'vitest';
import { decodeAttribute, idToHex, parseOtelSpan, spanExceptions } from './otel-span';
import { requestText, replyText } from './preview-text';
import { assessmentSentiment, assessmentValueText, summarizeTrace } from './trace-info';

describe('parseOtelSpan', () => {
  it('reads ids, times, MLflow attributes, usage, cost, events', () => {
    const d = parseOtelSpan({
      span_id: 'AAAAAAAAAAI=',
      parent_span_id: 'AAAAAAAAAAE=',
      name: 'chat gpt-4o',
      kind: 'SPAN_KIND_CLIENT',
      start_time_unix_nano: 1_700_000_000_000_000_000,
      end_time_unix_nano: '1700000000532000000',
      attributes: [
        { key: 'mlflow.spanType', value: { string_value: '"CHAT_MODEL"' } },
        { key: 'mlflow.spanInputs', value: { string_value: '{"messages":[{"role":"user","content":"hi"}]}' } },
        { key: 'mlflow.chat.tokenUsage', value: { string_value: '{"input_tokens":12,"output_tokens":30,"total_tokens":42}' } },
        { key: 'mlflow.llm.cost', value: { string_value: '{"total_cost":0.00042}' } },
        { key: 'mlflow.llm.model', value: { string_value: '"gpt-4o"' } },
        { key: 'retries', value: { int_value: '2' } },
      ],
      events: [{ name: 'exception', time_unix_nano: 1_700_000_000_100_000_000, attributes: [{ key: 'exception.message', value: { string_value: '"boom"' } }] }],
      status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
    });
    expect(d).toMatchObject({
      spanId: '0000000000000002',
      parentSpanId: '0000000000000001',
      kind: 'CLIENT',
      type: 'CHAT_MODEL',
      status: 'ERROR',
      statusMessage: 'boom',
      model: 'gpt-4o',
      costUsd: 0.00042,
    });
    expect(d.endUs! - d.startUs).toBe(532_000);
    expect(d.tokens).toEqual({ inputTokens: 12, outputTokens: 30, totalTokens: 42 });
    expect(d.inputs).toEqual({ messages: [{ role: 'user', content: 'hi' }] });
    expect(d.attributes.retries).toBe(2);
    expect(spanExceptions(d)).toEqual([{ type: 'Exception', message: 'boom', stacktrace: '' }]);
  });

  it('treats an unset end as a running span; decodes values', () => {
    expect(parseOtelSpan({ span_id: '00000000000000ff', name: 'x', start_time_unix_nano: 5000, end_time_unix_nano: 0 }).endUs).toBeUndefined();
    expect(idToHex('00000000000000FF')).toBe('00000000000000ff');
    expect(decodeAttribute('plain')).toBe('plain');
    expect(decodeAttribute('[1,2]')).toEqual([1, 2]);
  });
});

describe('summarizeTrace', () => {
  const info: TraceInfoV3 = {
    trace_id: 'tr-1',
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '1' } },
    request_time: '2025-06-15T14:07:41.282Z',
    execution_duration: '0.532s',
    state: 'OK',
    request_preview: '{"messages":[{"role":"system","content":"s"},{"role":"user","content":"Where is my order?"}]}',
    response_preview: '{"answer":"Shipped."}',
    trace_metadata: {
      'mlflow.trace.tokenUsage': '{"input_tokens":10,"output_tokens":5,"total_tokens":15}',
      'mlflow.trace.cost': '{"total_cost":0.002}',
      'mlflow.trace.session': 's-1',
      'mlflow.trace.user': 'alice',
      'mlflow.trace.sizeStats': '{"num_spans":4}',
    },
    tags: { 'mlflow.traceName': 'support', env: 'prod' },
    assessments: [],
  };
  it('reads name, latency, usage, cost, session, user and user tags', () => {
    expect(summarizeTrace(info)).toMatchObject({
      name: 'support',
      latencyMs: 532,
      totalTokens: 15,
      inputTokens: 10,
      outputTokens: 5,
      costUsd: 0.002,
      session: 's-1',
      user: 'alice',
      tags: { env: 'prod' },
      spanCount: 4,
    });
    expect(summarizeTrace({ ...info, state: 'IN_PROGRESS' }).latencyMs).toBeUndefined();
    expect(summarizeTrace({ ...info, trace_metadata: {} })).not.toHaveProperty('totalTokens');
    expect(summarizeTrace({ ...info, trace_metadata: {} })).not.toHaveProperty('costUsd');
    // Input tokens only (an embeddings call): 0 out, and the total is the input, whatever total a client wrote.
    expect(summarizeTrace({ ...info, trace_metadata: { 'mlflow.trace.tokenUsage': '{"input_tokens":1325,"total_tokens":1313}' } })).toMatchObject({
      inputTokens: 1325,
      outputTokens: 0,
      totalTokens: 1325,
    });
    expect(requestText(info.request_preview!)).toBe('Where is my order?');
    expect(replyText(info.response_preview!)).toBe('Shipped.');
    expect(requestText('not json')).toBe('not json');
  });

  it('describes assessments', () => {
    expect(assessmentValueText({ feedback: { value: true } })).toBe('true');
    expect(assessmentValueText({ feedback: { value: 'polite' } })).toBe('polite');
    expect(assessmentValueText({ feedback: { error: { error_message: 'judge failed' } } })).toBe('error: judge failed');
    expect(assessmentValueText({ expectation: { value: { a: 1 } } })).toBe('{"a":1}');
    expect(assessmentSentiment({ feedback: { value: false } })).toBe('negative');
    expect(assessmentSentiment({ feedback: { value: 'yes' } })).toBe('positive');
    expect(assessmentSentiment({ feedback: { value: 3 } })).toBe('neutral');
  });
});
