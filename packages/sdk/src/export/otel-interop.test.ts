import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace as otelTrace } from '@opentelemetry/api';
import { BatchSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectTraceContext, withTraceContext } from '../tracing/propagation.js';
import { startTestServer, type TestServer } from '@loupe/server/testing';
import { testLoupe, testLoupePool } from '../testing/test-loupe.js';

describe('Loupe on OpenTelemetry: several instances, propagation, your own provider, dual export', () => {
  let server: TestServer;
  let second: TestServer;
  const pool = testLoupePool();
  const make = pool.make;

  beforeAll(async () => {
    [server, second] = await Promise.all([startTestServer(), startTestServer()]);
  });
  afterAll(async () => {
    await pool.shutdownAll();
    await Promise.all([server?.close(), second?.close()]);
  });

  it('one trace spans two services through W3C traceparent over real HTTP', async () => {
    const exp = await server.experiment('distributed');
    const frontend = make(server.url, exp);
    const backend = make(server.url, exp);
    const handle = backend.trace(async (path: string) => `handled ${path}`, { name: 'backend.handle', spanType: 'TOOL' });
    const service = http.createServer((req, res) => {
      void withTraceContext(req.headers, () => handle(req.url ?? '')).then((out) => res.end(out));
    });
    await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(service.address() as AddressInfo).port}/orders`;
    try {
      const answer = await frontend.withSpan(async () => (await fetch(url, { headers: injectTraceContext({}) })).text(), {
        name: 'frontend.request',
        spanType: 'AGENT',
      });
      expect(answer).toBe('handled /orders');
    } finally {
      service.close();
    }
    await Promise.all([frontend.flushTraces(), backend.flushTraces()]);
    const traceId = frontend.getLastActiveTraceId() as string;
    expect(backend.getLastActiveTraceId()).toBe(traceId);
    const t = (await frontend.client.getTrace(traceId))!;
    const [root, remote] = [t.spans.find((s) => s.name === 'frontend.request')!, t.spans.find((s) => s.name === 'backend.handle')!];
    expect(remote.parentId).toBe(root.spanId);
    expect(remote).toMatchObject({ inputs: { path: '/orders' }, outputs: 'handled /orders', spanType: 'TOOL' });
    // The trace info is the frontend's (the service that started it).
    expect(t.info).toMatchObject({ state: 'OK', tags: { 'mlflow.traceName': 'frontend.request' } });
  });

  it('several instances in one process export to their own experiments', async () => {
    const [expA, expB] = await Promise.all([server.experiment('a'), server.experiment('b')]);
    const a = make(server.url, expA);
    const b = make(server.url, expB);
    a.trace(() => 'a', { name: 'from-a' })();
    b.trace(() => 'b', { name: 'from-b' })();
    await Promise.all([a.flushTraces(), b.flushTraces()]);
    const names = async (exp: string) => (await a.client.searchTraces({ experimentIds: [exp] })).items.map((t) => t.info.tags['mlflow.traceName']);
    expect(await names(expA)).toEqual(['from-a']);
    expect(await names(expB)).toEqual(['from-b']);
  });

  it("works inside the app's own TracerProvider next to the app's own exporter", async () => {
    const exp = await server.experiment('coexist');
    const loupe = make(server.url, exp, { tracerProvider: 'global' });
    const appExporter = new InMemorySpanExporter();
    const provider = new NodeTracerProvider({ spanProcessors: [loupe.spanProcessor, new BatchSpanProcessor(appExporter)] });
    provider.register();
    try {
      const appTracer = otelTrace.getTracer('my-app');
      const step = loupe.trace((x: number) => x + 1, { name: 'loupe.step', spanType: 'TOOL' });
      appTracer.startActiveSpan('GET /checkout', (httpSpan) => {
        step(1);
        httpSpan.end();
      });
      await provider.forceFlush();
      const traceId = loupe.getLastActiveTraceId() as string;
      const t = (await loupe.client.getTrace(traceId))!;
      expect(t.spans.map((s) => s.name).sort()).toEqual(['GET /checkout', 'loupe.step']);
      expect(t.info.tags['mlflow.traceName']).toBe('GET /checkout');
      expect(
        appExporter
          .getFinishedSpans()
          .map((s) => s.name)
          .sort(),
      ).toEqual(['GET /checkout', 'loupe.step']);
    } finally {
      await provider.shutdown();
      otelTrace.disable();
    }
  });

  it('dual export: the same sampled, redacted spans reach another OTLP endpoint and any exporter', async () => {
    const [exp, otherExp] = await Promise.all([server.experiment('dual'), second.experiment('dual-target')]);
    const memory = new InMemorySpanExporter();
    const loupe = make(server.url, exp, {
      otlpEndpoints: [{ url: `${second.url}/v1/traces`, headers: { 'x-mlflow-experiment-id': otherExp } }],
      spanExporters: [memory],
    });
    loupe.trace((user: string) => `hi ${user}`, { name: 'greet' })('ann@example.com');
    await loupe.flushTraces();
    const traceId = loupe.getLastActiveTraceId() as string;
    const elsewhere = await testLoupe(second.url, otherExp).client.getTrace(traceId);
    expect(elsewhere?.spans.map((s) => [s.name, s.inputs])).toEqual([['greet', { user: '[REDACTED]' }]]);
    expect(memory.getFinishedSpans().map((s) => s.attributes['mlflow.spanInputs'])).toEqual(['{"user":"[REDACTED]"}']);
    expect((await loupe.client.getTrace(traceId))?.spans[0]?.outputs).toBe('hi [REDACTED]');
  });
});

describe('LoupeSpanExporter in a plain BatchSpanProcessor', () => {
  it('sends spans with the experiment looked up by name; the server derives the trace info', async () => {
    const server = await startTestServer();
    try {
      const { BasicTracerProvider } = await import('@opentelemetry/sdk-trace-base');
      const { LoupeSpanExporter } = await import('./loupe-span-exporter.js');
      const name = `exporter-only-${Date.now()}`;
      const provider = new BasicTracerProvider({
        spanProcessors: [new BatchSpanProcessor(new LoupeSpanExporter({ trackingUri: server.url, experimentName: name }))],
      });
      const span = provider.getTracer('plain').startSpan('plain-root', { attributes: { 'mlflow.spanInputs': '{"q":"mail ann@example.com"}' } });
      span.end();
      await provider.forceFlush();
      await provider.shutdown();
      const client = testLoupe(server.url, '0').client;
      const exp = await client.getExperimentByName(name);
      const t = (await client.getTrace(`tr-${span.spanContext().traceId}`))!;
      expect(t.info).toMatchObject({
        trace_location: { mlflow_experiment: { experiment_id: exp!.experiment_id } },
        tags: { 'mlflow.traceName': 'plain-root' },
      });
      expect(t.spans[0]!.inputs).toEqual({ q: 'mail [REDACTED]' });
    } finally {
      await server.close();
    }
  });
});
