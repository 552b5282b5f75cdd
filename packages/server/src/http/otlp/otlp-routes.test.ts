import { context, trace, SpanStatusCode, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../../config/config.js';
import { startServer, type RunningServer } from '../../main.js';
import { createSqliteDatabase, type TestDatabase } from '../../testing/backends.js';

describe('OTLP ingest from the official OpenTelemetry exporters, over a real socket', () => {
  let server: RunningServer;
  let database: TestDatabase;
  let artifacts: string;
  let exp: string;

  const api = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(
      `${server.url}${p}`,
      body === undefined ? { method } : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown>, text };
  };

  beforeAll(async () => {
    database = await createSqliteDatabase();
    artifacts = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-otlp-'));
    server = await startServer(resolveServerConfig({ port: 0, backendStoreUri: database.uri, artifactsDestination: artifacts }, {}));
    exp = (await api('POST', '/api/2.0/mlflow/experiments/create', { name: 'otlp' })).body.experiment_id as string;
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
    fs.rmSync(artifacts, { recursive: true, force: true });
  });

  async function sendTrace(exporter: SpanExporter): Promise<{ traceId: string; root: Span; child: Span }> {
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('loupe-test');
    const root = tracer.startSpan('predict', {
      attributes: { 'mlflow.spanType': 'CHAIN', 'mlflow.spanInputs': '{"q":"hi"}', 'mlflow.spanOutputs': '"hello"', 'session.id': 's-9' },
    });
    const child = tracer.startSpan('llm', { attributes: { 'mlflow.spanType': 'LLM', 'mlflow.traceTag.team': 'core' } }, trace.setSpan(context.active(), root));
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
    child.end();
    root.end();
    await provider.forceFlush();
    await provider.shutdown();
    return { traceId: `tr-${root.spanContext().traceId}`, root, child };
  }

  it('stores protobuf + gzip spans; the trace reads back through GetTraceInfoV3 and GetTrace', async () => {
    const exporter = new ProtoExporter({ url: `${server.url}/v1/traces`, headers: { 'x-mlflow-experiment-id': exp }, compression: 'gzip' as never });
    const { traceId, root, child } = await sendTrace(exporter);
    const info = await api('GET', `/api/3.0/mlflow/traces/${traceId}`);
    expect(info.status).toBe(200);
    expect((info.body.trace as { trace_info: unknown }).trace_info).toMatchObject({
      trace_id: traceId,
      state: 'OK',
      request_preview: '{"q":"hi"}',
      response_preview: 'hello',
      trace_metadata: { 'mlflow.trace.session': 's-9' },
      tags: { 'mlflow.traceName': 'predict', team: 'core', 'mlflow.trace.spansLocation': 'TRACKING_STORE' },
    });
    const full = await api('GET', `/api/3.0/mlflow/traces/get?trace_id=${traceId}`);
    const spans = (
      full.body.trace as {
        spans: { span_id: string; name: string; status: { code: string }; attributes: { key: string; value: { string_value: string } }[] }[];
      }
    ).spans;
    // Root and child may start in the same microsecond (the stored order key), so look them up by name.
    expect(spans.map((s) => s.name).sort()).toEqual(['llm', 'predict']);
    const rootSpan = spans.find((s) => s.name === 'predict');
    const childSpan = spans.find((s) => s.name === 'llm');
    expect(rootSpan?.span_id).toBe(Buffer.from(root.spanContext().spanId, 'hex').toString('base64'));
    expect(childSpan?.span_id).toBe(Buffer.from(child.spanContext().spanId, 'hex').toString('base64'));
    expect(childSpan?.status.code).toBe('STATUS_CODE_ERROR');
    expect(childSpan?.attributes).toContainEqual({ key: 'mlflow.spanType', value: { string_value: '"LLM"' } });
  });

  it('stores OTLP/JSON spans from the http exporter, idempotently', async () => {
    const exporter = new JsonExporter({ url: `${server.url}/v1/traces`, headers: { 'x-mlflow-experiment-id': exp } });
    const { traceId } = await sendTrace(exporter);
    const full = await api('GET', `/api/3.0/mlflow/traces/get?trace_id=${traceId}`);
    expect((full.body.trace as { spans: unknown[] }).spans).toHaveLength(2);
  });

  it('answers a clear 4xx for a missing or unknown experiment, a bad content type and a truncated body; the server keeps serving', async () => {
    const post = (headers: Record<string, string>, body: Uint8Array | string) => fetch(`${server.url}/v1/traces`, { method: 'POST', headers, body });
    const missing = await post({ 'content-type': 'application/x-protobuf' }, new Uint8Array([10, 0]));
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('x-mlflow-experiment-id');
    const unknown = await post(
      { 'content-type': 'application/json', 'x-mlflow-experiment-id': '999' },
      JSON.stringify({
        resourceSpans: [
          { scopeSpans: [{ spans: [{ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), name: 'x', startTimeUnixNano: '1', endTimeUnixNano: '2' }] }] },
        ],
      }),
    );
    expect(unknown.status).toBe(404);
    expect((await post({ 'content-type': 'text/plain', 'x-mlflow-experiment-id': exp }, 'hello')).status).toBe(400);
    expect((await post({ 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': exp }, new Uint8Array([10, 200, 1, 10]))).status).toBe(400);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
