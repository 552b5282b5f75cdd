import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@loupe/server/testing';
import { startFaultProxy, type FaultProxy } from '../testing/fault-proxy.js';
import { flushTraces, getClient, getLastActiveTraceId, getLoupe, init, startSpan, trace, updateCurrentTrace, withSpan } from './default-instance.js';

describe('the top-level API (init + trace, withSpan, ...)', () => {
  let server: TestServer;
  let proxy: FaultProxy;
  beforeAll(async () => {
    server = await startTestServer();
    proxy = await startFaultProxy(server.url);
  });
  afterAll(async () => {
    await getLoupe().shutdown();
    await proxy?.close();
    await server?.close();
  });

  // Defined before init(), as module-level code does: it follows the instance init() makes later.
  const greet = trace((name: string) => `hello ${name}`, { name: 'greet', spanType: 'CHAIN' });

  it('init() configures every top-level function; auth headers go with each request', async () => {
    const experimentName = `top-level-${Date.now()}`;
    init({ trackingUri: proxy.url, experimentName, token: 'secret-token', workspace: 'team-a', export: { scheduleDelayMs: 5, flushOnExit: false } });
    expect(greet('ann')).toBe('hello ann');
    const id = getLastActiveTraceId();
    await withSpan(
      async () => {
        updateCurrentTrace({ tags: { via: 'withSpan' } });
        startSpan({ name: 'manual' }).end();
      },
      { name: 'outer' },
    );
    await flushTraces();
    const exp = await getClient().getExperimentByName(experimentName);
    expect(exp).toBeDefined();
    const traces = await getClient().searchTraces({ experimentIds: [exp!.experiment_id] });
    expect(traces.items.map((t) => t.info.tags['mlflow.traceName']).sort()).toEqual(['greet', 'outer']);
    expect(traces.items.find((t) => t.info.trace_id === id)?.spans[0]).toMatchObject({ inputs: { name: 'ann' }, outputs: 'hello ann' });
    expect(
      traces.items
        .find((t) => t.info.tags.via === 'withSpan')
        ?.spans.map((s) => s.name)
        .sort(),
    ).toEqual(['manual', 'outer']);
    const sent = proxy.seen.filter((r) => r.path === '/v1/traces' || r.path.startsWith('/api/'));
    expect(sent.length).toBeGreaterThan(3);
    for (const r of sent) expect(r.headers).toMatchObject({ authorization: 'Bearer secret-token', 'x-mlflow-workspace': 'team-a' });
  });

  it('basic auth wins over a token; a second init() replaces the instance', async () => {
    const exp = await server.experiment('basic');
    init({ trackingUri: proxy.url, experimentId: exp, username: 'ann', password: 'pw', token: 'ignored', export: { scheduleDelayMs: 5, flushOnExit: false } });
    const before = proxy.seen.length;
    greet('bob');
    await flushTraces();
    const mine = proxy.seen.slice(before).filter((r) => r.path === '/v1/traces');
    expect(mine.length).toBeGreaterThan(0);
    expect(mine[0]!.headers.authorization).toBe(`Basic ${Buffer.from('ann:pw').toString('base64')}`);
    expect((await getClient().searchTraces({ experimentIds: [exp] })).items).toHaveLength(1);
  });
});
