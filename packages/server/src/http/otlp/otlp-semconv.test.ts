import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';

type OtlpAttr = { key: string; value: { stringValue?: string; intValue?: number } };
const attr = (key: string, value: string | number): OtlpAttr => ({ key, value: typeof value === 'number' ? { intValue: value } : { stringValue: value } });
const T0 = 1_750_000_000_000_000_000n;

/** A root span and one model-call child, as a third-party instrumentation exports them (OTLP/JSON). */
function trace(traceHex: string, root: OtlpAttr[], child: OtlpAttr[]) {
  const rootId = `${traceHex.slice(0, 15)}1`;
  return [
    {
      traceId: traceHex,
      spanId: rootId,
      name: 'agent',
      kind: 1,
      startTimeUnixNano: String(T0),
      endTimeUnixNano: String(T0 + 9_000_000n),
      attributes: root,
      status: { code: 1 },
    },
    {
      traceId: traceHex,
      spanId: `${traceHex.slice(0, 15)}2`,
      parentSpanId: rootId,
      name: 'model call',
      kind: 3,
      startTimeUnixNano: String(T0 + 1000n),
      endTimeUnixNano: String(T0 + 5_000_000n),
      attributes: child,
      status: { code: 1 },
    },
  ];
}

describe('OTLP ingest of third-party GenAI conventions, read back through MLflow APIs', () => {
  let loupe: TestLoupe;
  let exp: string;
  beforeEach(async () => {
    loupe = await createTestLoupe();
    exp = (await loupe.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'semconv' })).body.experiment_id as string;
    const spans = [
      // OpenTelemetry GenAI semantic conventions (e.g. the OpenAI instrumentation).
      ...trace(
        '1'.repeat(32),
        [
          attr('gen_ai.operation.name', 'invoke_agent'),
          attr('gen_ai.conversation.id', 'conv-7'),
          attr('gen_ai.input.messages', '[{"role":"user","content":"weather?"}]'),
          attr('gen_ai.output.messages', '[{"role":"assistant","content":"sunny"}]'),
        ],
        [
          attr('gen_ai.operation.name', 'chat'),
          attr('gen_ai.request.model', 'gpt-4o'),
          attr('gen_ai.provider.name', 'openai'),
          attr('gen_ai.usage.input_tokens', 11),
          attr('gen_ai.usage.output_tokens', 4),
        ],
      ),
      // OpenInference (Arize Phoenix).
      ...trace(
        '2'.repeat(32),
        [
          attr('openinference.span.kind', 'CHAIN'),
          attr('input.value', '{"question":"refund?"}'),
          attr('input.mime_type', 'application/json'),
          attr('output.value', 'approved'),
          attr('session.id', 'sess-2'),
        ],
        [
          attr('openinference.span.kind', 'LLM'),
          attr('llm.model_name', 'claude-sonnet'),
          attr('llm.token_count.prompt', 20),
          attr('llm.token_count.completion', 3),
          attr('llm.token_count.total', 23),
        ],
      ),
      // OpenLLMetry / Traceloop.
      ...trace(
        '3'.repeat(32),
        [attr('traceloop.span.kind', 'workflow'), attr('traceloop.entity.input', '{"order":42}'), attr('traceloop.entity.output', '{"status":"shipped"}')],
        [
          attr('llm.request.type', 'chat'),
          attr('gen_ai.system', 'OpenAI'),
          attr('gen_ai.request.model', 'gpt-4o-mini'),
          attr('gen_ai.prompt.0.role', 'user'),
          attr('gen_ai.prompt.0.content', 'where is order 42?'),
          attr('gen_ai.completion.0.role', 'assistant'),
          attr('gen_ai.completion.0.content', 'shipped'),
          attr('gen_ai.usage.prompt_tokens', 8),
          attr('gen_ai.usage.completion_tokens', 2),
        ],
      ),
    ];
    const res = await loupe.app.request('/v1/traces', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': exp },
      body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] }),
    });
    expect(res.status).toBe(200);
  });
  afterEach(async () => {
    await loupe.dispose();
  });

  const search = async (filter: string) =>
    (
      (await loupe.call('POST', '/api/3.0/mlflow/traces/search', { locations: [{ mlflow_experiment: { experiment_id: exp } }], filter })).body.traces as
        { trace_id: string }[] | undefined
    )
      ?.map((t) => t.trace_id)
      .sort() ?? [];
  const id = (d: string) => `tr-${d.repeat(32)}`;

  it('gives every producer span types, previews, sessions, models and token usage', async () => {
    expect(await search("span.type = 'CHAT_MODEL'")).toEqual([id('1'), id('3')]);
    expect(await search("span.type = 'LLM'")).toEqual([id('2')]);
    expect(await search("span.type = 'AGENT'")).toEqual([id('1')]);
    expect(await search("metadata.`mlflow.trace.session` = 'conv-7'")).toEqual([id('1')]);
    expect(await search("metadata.`mlflow.trace.session` = 'sess-2'")).toEqual([id('2')]);
    expect(await search("span.attributes.`mlflow.llm.model` LIKE '%claude%'")).toEqual([id('2')]);

    const infos = (
      await loupe.call('POST', '/api/3.0/mlflow/traces/search', { locations: [{ mlflow_experiment: { experiment_id: exp } }], order_by: ['request_id'] })
    ).body.traces as {
      request_preview?: string;
      response_preview?: string;
      trace_metadata: Record<string, string>;
    }[];
    expect(infos.map((t) => [t.request_preview, t.response_preview])).toEqual([
      ['[{"role":"user","content":"weather?"}]', '[{"role":"assistant","content":"sunny"}]'],
      ['{"question":"refund?"}', 'approved'],
      ['{"order":42}', '{"status":"shipped"}'],
    ]);
    expect(infos.map((t) => JSON.parse(t.trace_metadata['mlflow.trace.tokenUsage'] as string) as unknown)).toEqual([
      { input_tokens: 11, output_tokens: 4, total_tokens: 15 },
      { input_tokens: 20, output_tokens: 3, total_tokens: 23 },
      { input_tokens: 8, output_tokens: 2, total_tokens: 10 },
    ]);

    const full = await loupe.call('GET', `/api/3.0/mlflow/traces/get?trace_id=${id('3')}`);
    const llm = (full.body.trace as { spans: { name: string; attributes: { key: string; value: { string_value: string } }[] }[] }).spans.find(
      (s) => s.name === 'model call',
    );
    const attrs = Object.fromEntries((llm?.attributes ?? []).map((a) => [a.key, JSON.parse(a.value.string_value) as unknown]));
    expect(attrs).toMatchObject({
      'mlflow.spanType': 'CHAT_MODEL',
      'mlflow.llm.model': 'gpt-4o-mini',
      'mlflow.llm.provider': 'OpenAI',
      'mlflow.spanInputs': { messages: [{ role: 'user', content: 'where is order 42?' }] },
      'gen_ai.prompt.0.content': 'where is order 42?',
    });

    const byModel = await loupe.call('POST', '/api/3.0/mlflow/traces/metrics', {
      experiment_ids: [exp],
      view_type: 'SPANS',
      metric_name: 'total_tokens',
      aggregations: [{ aggregation_type: 'SUM' }],
      dimensions: ['span_model_name'],
      filters: ['span.name = "model call"'],
    });
    expect(byModel.body.data_points).toEqual([
      { metric_name: 'total_tokens', dimensions: { span_model_name: 'claude-sonnet' }, values: { SUM: 23 } },
      { metric_name: 'total_tokens', dimensions: { span_model_name: 'gpt-4o' }, values: { SUM: 15 } },
      { metric_name: 'total_tokens', dimensions: { span_model_name: 'gpt-4o-mini' }, values: { SUM: 10 } },
    ]);
  });
});
