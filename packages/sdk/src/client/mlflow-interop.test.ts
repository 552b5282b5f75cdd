import { context, trace as otelTrace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Loupe } from '../instance/loupe.js';
import { startTestServer, type TestServer } from '@loupe/server/testing';
import { testLoupe } from '../testing/test-loupe.js';

type Attr = { key: string; value: Record<string, unknown> };
type ProtoSpan = {
  trace_id: string;
  span_id: string;
  parent_span_id: string;
  name: string;
  kind: string;
  status: { code: string; message?: string };
  attributes: Attr[];
  events: { name: string; attributes: Attr[] }[];
};
type ProtoInfo = {
  trace_id: string;
  trace_location: { type: string; mlflow_experiment: { experiment_id: string } };
  request_time: string;
  execution_duration: string;
  state: string;
  trace_metadata: Record<string, unknown>;
  tags: Record<string, unknown>;
  assessments?: unknown[];
};

/**
 * What MLflow's Python client does with a TraceInfoV3 (`TraceInfo.from_proto` after protobuf's
 * ParseDict): Timestamp and Duration strings, the state enum, string-only maps.
 */
function parseInfoAsPython(info: ProtoInfo, exp: string) {
  expect(info.trace_id).toMatch(/^tr-[0-9a-f]{32}$/);
  expect(info.request_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6}|\.\d{9})?Z$/);
  expect(info.execution_duration).toMatch(/^\d+(\.\d{1,9})?s$/);
  expect(['STATE_UNSPECIFIED', 'OK', 'ERROR', 'IN_PROGRESS']).toContain(info.state);
  expect(info.trace_location).toEqual({ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } });
  for (const map of [info.trace_metadata, info.tags]) for (const v of Object.values(map)) expect(typeof v).toBe('string');
  expect(info.tags['mlflow.trace.spansLocation']).toBe('TRACKING_STORE');
}

/**
 * What MLflow's Python client does with an OTel proto span (`Span.from_otel_proto`, then
 * `span.get_attribute` json.loads every value): base64 ids of 16 and 8 bytes, status enum names,
 * attribute values that are JSON text. Returns the decoded attributes.
 */
function parseSpanAsPython(span: ProtoSpan, traceId: string): Record<string, unknown> {
  expect(Buffer.from(span.trace_id, 'base64').toString('hex')).toBe(traceId.slice(3));
  expect(Buffer.from(span.span_id, 'base64')).toHaveLength(8);
  expect(span.parent_span_id === '' || Buffer.from(span.parent_span_id, 'base64').length === 8).toBe(true);
  expect(['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR']).toContain(span.status.code);
  const attrs: Record<string, unknown> = {};
  for (const a of span.attributes) {
    expect(Object.keys(a.value)).toEqual(['string_value']);
    attrs[a.key] = JSON.parse(a.value.string_value as string) as unknown;
  }
  // `span.trace_id` in Python is the decoded mlflow.traceRequestId attribute.
  expect(attrs['mlflow.traceRequestId']).toBe(traceId);
  return attrs;
}

describe('interop with MLflow clients', () => {
  let server: TestServer;
  let loupe: Loupe;
  let exp: string;
  const call = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(
      `${server.url}${p}`,
      body === undefined ? { method } : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );
    const text = await res.text();
    return { status: res.status, text, body: (text ? JSON.parse(text) : {}) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  beforeAll(async () => {
    server = await startTestServer();
    exp = await server.experiment('interop');
    loupe = testLoupe(server.url, exp);
  });
  afterAll(async () => {
    await loupe?.shutdown();
    await server?.close();
  });

  it("traces written by the SDK read correctly through MLflow's Python client (search_traces, get_trace)", async () => {
    const retrieve = loupe.trace(async (query: string) => [{ page_content: `about ${query}`, metadata: { doc_uri: 'kb://1' }, id: 'd1' }], {
      name: 'retrieve',
      spanType: 'RETRIEVER',
    });
    const agent = loupe.trace(
      async (question: string) => {
        loupe.updateCurrentTrace({ tags: { team: 'support' }, sessionId: 's-9' });
        const docs = await retrieve(question);
        if (question === 'boom') throw new TypeError('bad tool call');
        return { answer: docs[0]!.page_content };
      },
      { name: 'agent', spanType: 'AGENT' },
    );
    await agent('refunds');
    const okId = loupe.getLastActiveTraceId() as string;
    await agent('boom').catch(() => {});
    const errId = loupe.getLastActiveTraceId() as string;
    await loupe.flushTraces();

    // mlflow.search_traces(experiment_ids=[exp], filter_string=..., order_by=...): search, then batchGet.
    const search = await call('POST', '/api/3.0/mlflow/traces/search', {
      locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }],
      filter: "tag.team = 'support'",
      max_results: 100,
      order_by: ['timestamp_ms DESC'],
    });
    expect(search.status).toBe(200);
    const infos = search.body.traces as ProtoInfo[];
    expect(infos.map((t) => t.trace_id)).toEqual([errId, okId]);
    for (const info of infos) parseInfoAsPython(info, exp);
    const batch = await call('GET', `/api/3.0/mlflow/traces/batchGet?trace_ids=${errId}&trace_ids=${okId}`);
    const traces = batch.body.traces as { trace_info: ProtoInfo; spans: ProtoSpan[] }[];
    expect(traces).toHaveLength(2);
    // Nanosecond times are exact JSON integers, as protobuf's JSON parser wants them.
    expect(batch.text).toMatch(/"start_time_unix_nano":\d{19}[,}]/);
    const ok = traces.find((t) => t.trace_info.trace_id === okId)!;
    const spans = Object.fromEntries(ok.spans.map((s) => [s.name, { span: s, attrs: parseSpanAsPython(s, okId) }]));
    expect(spans.agent!.attrs).toMatchObject({
      'mlflow.spanType': 'AGENT',
      'mlflow.spanInputs': { question: 'refunds' },
      'mlflow.spanOutputs': { answer: 'about refunds' },
    });
    expect(spans.retrieve!.attrs).toMatchObject({
      'mlflow.spanType': 'RETRIEVER',
      'mlflow.spanOutputs': [{ page_content: 'about refunds', metadata: { doc_uri: 'kb://1' }, id: 'd1' }],
    });
    expect(spans.retrieve!.span.parent_span_id).toBe(spans.agent!.span.span_id);
    expect(spans.agent!.span.status.code).toBe('STATUS_CODE_OK');

    // mlflow.get_trace(id): the info, then the spans.
    const info = await call('GET', `/api/3.0/mlflow/traces/${errId}`);
    parseInfoAsPython(info.body.trace.trace_info as ProtoInfo, exp);
    expect(info.body.trace.trace_info).toMatchObject({
      state: 'ERROR',
      trace_metadata: { 'mlflow.trace.session': 's-9' },
      tags: { 'mlflow.traceName': 'agent' },
    });
    const full = await call('GET', `/api/3.0/mlflow/traces/get?trace_id=${errId}`);
    const root = (full.body.trace.spans as ProtoSpan[]).find((s) => s.name === 'agent')!;
    parseSpanAsPython(root, errId);
    expect(root.status).toEqual({ code: 'STATUS_CODE_ERROR', message: 'TypeError: bad tool call' });
    expect(root.events.map((e) => e.name)).toEqual(['exception']);
    // client.set_trace_tag uses the v2 route.
    expect((await call('PATCH', `/api/2.0/mlflow/traces/${okId}/tags`, { key: 'reviewed', value: 'yes' })).status).toBe(200);
    expect((await loupe.client.getTraceInfo(okId)).tags.reviewed).toBe('yes');
  });

  it("traces written the way MLflow's mlflow-tracing TypeScript SDK writes them read correctly through Loupe's client", async () => {
    // mlflow-tracing (spec §10.1): each span is exported on its own over OTLP protobuf, attribute
    // values decoded (plain strings, objects as JSON text), then StartTraceV3 when the root ends.
    const exporter = new OTLPTraceExporter({ url: `${server.url}/v1/traces`, headers: { 'x-mlflow-experiment-id': exp } });
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('mlflow-tracing');
    const start = Date.now();
    const root = tracer.startSpan('predict', { startTime: start });
    const traceId = `tr-${root.spanContext().traceId}`;
    root.setAttributes({ 'mlflow.traceRequestId': traceId, 'mlflow.spanType': 'CHAIN', 'mlflow.spanInputs': JSON.stringify({ question: 'hi' }) });
    const llm = tracer.startSpan('ChatOpenAI', { startTime: start + 2 }, otelTrace.setSpan(context.active(), root));
    llm.setAttributes({
      'mlflow.traceRequestId': traceId,
      'mlflow.spanType': 'CHAT_MODEL',
      'mlflow.spanInputs': JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
      'mlflow.spanOutputs': JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'hello' } }] }),
      'mlflow.chat.tokenUsage': JSON.stringify({ input_tokens: 3, output_tokens: 2, total_tokens: 5 }),
    });
    llm.end(start + 40);
    root.setAttribute('mlflow.spanOutputs', 'hello');
    root.end(start + 50);
    await provider.forceFlush();
    await provider.shutdown();
    const started = await call('POST', '/api/3.0/mlflow/traces', {
      trace: {
        trace_info: {
          trace_id: traceId,
          trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
          request_preview: JSON.stringify({ question: 'hi' }),
          response_preview: 'hello',
          request_time: new Date(start).toISOString(),
          execution_duration: '0.05s',
          state: 'OK',
          trace_metadata: {
            'mlflow.trace_schema.version': '3',
            'mlflow.trace.tokenUsage': JSON.stringify({ input_tokens: 3, output_tokens: 2, total_tokens: 5 }),
          },
          tags: { 'mlflow.traceName': 'predict', 'mlflow.trace.spansLocation': 'TRACKING_STORE' },
          assessments: [],
        },
      },
    });
    expect(started.status).toBe(200);

    const t = (await loupe.client.getTrace(traceId))!;
    expect(t.info).toMatchObject({ state: 'OK', execution_duration: '0.050s', tags: { 'mlflow.traceName': 'predict' } });
    expect(t.spans.map((s) => [s.name, s.spanType, s.parentId === null])).toEqual([
      ['predict', 'CHAIN', true],
      ['ChatOpenAI', 'CHAT_MODEL', false],
    ]);
    expect(t.spans[0]).toMatchObject({ traceId, inputs: { question: 'hi' }, outputs: 'hello', durationMs: 50 });
    expect(t.spans[1]).toMatchObject({
      outputs: { choices: [{ message: { role: 'assistant', content: 'hello' } }] },
      attributes: { 'mlflow.chat.tokenUsage': { total_tokens: 5 } },
    });
    const found = await loupe.client.searchTraces({ experimentIds: [exp], filter: "span.type = 'CHAT_MODEL'" });
    expect(found.items.map((x) => x.info.trace_id)).toEqual([traceId]);
  });
});
