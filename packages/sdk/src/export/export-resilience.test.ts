import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Loupe } from '../instance/loupe.js';
import { startTestServer, type TestServer } from '@loupe/server/testing';
import { startFaultProxy, type FaultProxy } from '../testing/fault-proxy.js';
import { testLoupe } from '../testing/test-loupe.js';

describe('export to a real Loupe server through failures', () => {
  let server: TestServer;
  let proxy: FaultProxy;
  let loupe: Loupe | undefined;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await loupe?.shutdown();
    loupe = undefined;
    await proxy?.close();
  });
  afterAll(async () => {
    await server?.close();
  });

  async function tracesIn(exp: string): Promise<string[]> {
    const page = await testLoupe(server.url, exp).client.searchTraces({ experimentIds: [exp], includeSpans: false, maxResults: 500 });
    return page.items.map((t) => t.info.trace_id).sort();
  }

  function tracedCalls(l: Loupe, n: number): string[] {
    const work = l.trace((i: number) => i * 2, { name: 'work' });
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      work(i);
      ids.push(l.getLastActiveTraceId() as string);
    }
    return ids.sort();
  }

  it('streams gzip OTLP spans with the experiment header, then StartTraceV3 for each trace', async () => {
    const exp = await server.experiment('wire');
    proxy = await startFaultProxy(server.url);
    loupe = testLoupe(proxy.url, exp);
    const ids = tracedCalls(loupe, 3);
    await loupe.flushTraces();
    const otlp = proxy.seen.filter((r) => r.path === '/v1/traces');
    expect(otlp.length).toBeGreaterThan(0);
    for (const r of otlp)
      expect(r.headers).toMatchObject({ 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip', 'x-mlflow-experiment-id': exp });
    const starts = proxy.seen.filter((r) => r.path === '/api/3.0/mlflow/traces');
    expect(starts).toHaveLength(3);
    expect(proxy.seen.findIndex((r) => r.path === '/v1/traces')).toBeLessThan(proxy.seen.findIndex((r) => r.path === '/api/3.0/mlflow/traces'));
    expect(await tracesIn(exp)).toEqual(ids);
    expect(loupe.exportStats().loupe).toMatchObject({ exported: 6, droppedQueueFull: 0, droppedFailed: 0, pending: 0 });
  });

  for (const mode of ['error500', 'down'] as const) {
    it(`server ${mode === 'down' ? 'down (connections reset)' : 'answering 500'}: no throw, retried, delivered once it is back`, async () => {
      const exp = await server.experiment(mode);
      proxy = await startFaultProxy(server.url);
      proxy.mode = mode;
      loupe = testLoupe(proxy.url, exp, { export: { retryWindowMs: 60_000 } });
      const ids = tracedCalls(loupe, 5);
      // Several failed attempts, with backoff, and nothing thrown or delivered.
      await proxy.waitFor('/v1/traces', 3);
      expect(loupe.exportStats().loupe.retries).toBeGreaterThanOrEqual(2);
      expect(await tracesIn(exp)).toEqual([]);
      proxy.mode = 'pass';
      await loupe.flushTraces();
      expect(await tracesIn(exp)).toEqual(ids);
      expect(loupe.exportStats().loupe).toMatchObject({ exported: 10, droppedFailed: 0, pending: 0 });
    });
  }

  it('gives up after the retry window and counts what it dropped', async () => {
    const exp = await server.experiment('window');
    proxy = await startFaultProxy(server.url);
    proxy.mode = 'error500';
    loupe = testLoupe(proxy.url, exp, { export: { retryWindowMs: 30 } });
    tracedCalls(loupe, 2);
    await loupe.flushTraces();
    expect(loupe.exportStats().loupe).toMatchObject({ exported: 0, droppedFailed: 4, pending: 0 });
  });

  it('a refused request (4xx) is dropped at once, not retried', async () => {
    proxy = await startFaultProxy(server.url);
    // An experiment that does not exist: the server refuses the spans with 4xx.
    loupe = testLoupe(proxy.url, '987654');
    tracedCalls(loupe, 1);
    await loupe.flushTraces();
    expect(loupe.exportStats().loupe).toMatchObject({ retries: 0, droppedFailed: 2 });
  });

  it('a slow server: the caller is never blocked, memory stays bounded, drops are counted, the rest arrives', async () => {
    const exp = await server.experiment('slow');
    proxy = await startFaultProxy(server.url);
    proxy.mode = 'hold';
    loupe = testLoupe(proxy.url, exp, { export: { maxQueueSize: 200, maxBatchSize: 50 } });
    const work = loupe.trace((i: number) => i, { name: 'burst' });
    work(-1);
    // A first batch is sent and held: the server is not answering.
    await proxy.waitFor('/v1/traces', 1);
    const results: number[] = [];
    for (let i = 0; i < 20_000; i++) results.push(work(i));
    // 20,000 traced calls meanwhile, each returning its own result at once: the caller never waits on the server.
    expect(results).toEqual(Array.from({ length: 20_000 }, (_, i) => i));
    const stats = loupe.exportStats().loupe;
    expect(stats.pending).toBeLessThanOrEqual(200 + 50);
    expect(stats.droppedQueueFull).toBeGreaterThan(39_000);
    expect(stats.enqueued + stats.droppedQueueFull).toBe(40_002);
    proxy.release();
    await loupe.flushTraces();
    const after = loupe.exportStats().loupe;
    expect(after).toMatchObject({ pending: 0, droppedFailed: 0 });
    expect(after.exported).toBe(after.enqueued);
    const page = await loupe.client.searchTraces({ experimentIds: [exp], includeSpans: false, maxResults: 500 });
    expect(page.items.length).toBeGreaterThan(0);
  });
});
