import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Loupe } from '../instance/loupe.js';
import { headSamplePoint } from '../tracing/sampler.js';
import { startTestServer, type TestServer } from '@loupe/server/testing';
import { testLoupePool } from '../testing/test-loupe.js';
import { decideTail, tailSamplePoint } from './tail-sampling.js';

describe('sampling, read back from a real Loupe server', () => {
  let server: TestServer;
  const pool = testLoupePool();
  const make = pool.make;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await pool.shutdownAll();
    await server?.close();
  });

  async function storedTraces(loupe: Loupe, exp: string) {
    await loupe.flushTraces();
    const ids: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await loupe.client.searchTraces({ experimentIds: [exp], maxResults: 500, includeSpans: false, ...(pageToken ? { pageToken } : {}) });
      ids.push(...page.items.map((t) => t.info.trace_id));
      pageToken = page.nextPageToken;
    } while (pageToken);
    return ids.sort();
  }

  it('a global ratio keeps whole traces, chosen by trace id', async () => {
    const exp = await server.experiment('ratio');
    const loupe = make(server.url, exp, { sampling: { ratio: 0.3 } });
    const all: string[] = [];
    const child = loupe.trace(() => 'child', { name: 'child' });
    for (let i = 0; i < 200; i++) {
      loupe.withSpan(
        (span) => {
          all.push(span.traceId);
          child();
        },
        { name: 'root' },
      );
    }
    const expected = all.filter((id) => headSamplePoint(id.slice(3)) < 0.3).sort();
    expect(expected.length).toBeGreaterThan(30);
    expect(expected.length).toBeLessThan(100);
    expect(await storedTraces(loupe, exp)).toEqual(expected);
    const t = await loupe.client.getTrace(expected[0] as string);
    expect(t?.spans.map((s) => s.name).sort()).toEqual(['child', 'root']);
  });

  it('a per-function ratio overrides the global one for the traces it starts', async () => {
    const exp = await server.experiment('override');
    const loupe = make(server.url, exp, { sampling: { ratio: 0 } });
    const never = loupe.trace(() => 'inner', { name: 'never-alone', sampleRatio: 0 });
    const always = loupe.trace(() => never(), { name: 'always', sampleRatio: 1 });
    const plain = loupe.trace(() => 'plain', { name: 'plain' });
    always();
    plain();
    never();
    const ids = await storedTraces(loupe, exp);
    expect(ids).toHaveLength(1);
    // Inside a kept trace, a function with its own ratio 0 is still part of it: whole traces.
    expect((await loupe.client.getTrace(ids[0] as string))?.spans.map((s) => s.name).sort()).toEqual(['always', 'never-alone']);
  });

  it('tail rules keep errors, slow and costly traces, and sample the rest', async () => {
    const exp = await server.experiment('tail');
    const loupe = make(server.url, exp, { sampling: { tail: { keepErrors: true, slowerThanMs: 1000, costlierThanUsd: 0.05, sampleRest: 0 } } });
    const t0 = Date.now();
    const run = (name: string, durationMs: number, shape: (root: ReturnType<Loupe['startSpan']>) => void = () => {}) => {
      const root = loupe.startSpan({ name, startTime: t0 });
      shape(root);
      root.end({ endTime: t0 + durationMs });
      return root.traceId;
    };
    const kept = [
      run('error-in-child', 10, (root) => loupe.startSpan({ name: 'tool', parent: root }).end({ status: 'ERROR', statusMessage: 'boom' })),
      run('slow', 1500),
      run('costly', 10, (root) =>
        loupe.startSpan({ name: 'llm', parent: root, spanType: 'LLM' }).setCost({ input_cost: 0.04, output_cost: 0.02, total_cost: 0.06 }).end(),
      ),
    ];
    const dropped = [run('fast', 10), run('cheap', 10, (root) => loupe.startSpan({ name: 'llm', parent: root }).setCost({ total_cost: 0.01 }).end())];
    expect(await storedTraces(loupe, exp)).toEqual([...kept].sort());
    const errorTrace = await loupe.client.getTrace(kept[0] as string);
    expect(errorTrace?.spans.map((s) => s.name).sort()).toEqual(['error-in-child', 'tool']);
    expect(loupe.exportStats().tracesSampledOut).toBe(2);
    for (const id of dropped) expect(await loupe.client.getTrace(id)).toBeUndefined();
  });

  it('sampleRest keeps a deterministic share of the other traces', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => ((i * 2654435761) % 0x1_0000_0000).toString(16).padStart(8, '0') + '0'.repeat(24));
    const kept = ids.filter((traceId) => decideTail({ sampleRest: 0.25 }, { traceId, hasError: false, durationMs: 1, costUsd: 0 }) === 'sampled');
    expect(kept.length).toBeGreaterThan(200);
    expect(kept.length).toBeLessThan(300);
    expect(kept.every((id) => tailSamplePoint(id) < 0.25)).toBe(true);
    expect(decideTail({}, { traceId: ids[0] as string, hasError: true, durationMs: 1, costUsd: 0 })).toBe('error');
    expect(decideTail({ keepErrors: false, sampleRest: 0 }, { traceId: ids[0] as string, hasError: true, durationMs: 1, costUsd: 0 })).toBeNull();
  });
});
