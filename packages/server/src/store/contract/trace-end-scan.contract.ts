import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTraceFilter } from '@loupe/protocol';
import type { TraceStores } from './trace-store.contract.js';

let seq = 0;

/**
 * Online scoring's scan (TraceStore.scanEndedTraces): finished traces of one experiment in (end,
 * start, id) order after a position, ended by a horizon, filtered, with the session when asked;
 * in-progress traces and other experiments never.
 *
 * @example
 * traceEndScanContract(() => openSqlStores(backend));
 */
export function traceEndScanContract(factory: () => Promise<TraceStores>): void {
  describe('TraceStore.scanEndedTraces contract', () => {
    let s: TraceStores;
    let exp: string;
    beforeEach(async () => {
      s = await factory();
      const create = (name: string) => s.experiments.createExperiment({ name, artifactLocation: (id) => `mlflow-artifacts:/${id}`, tags: [], now: 1 });
      exp = await create(`end-scan-${++seq}`);
      const other = await create(`end-scan-other-${seq}`);
      const trace = (traceId: string, experimentId: string, start: number, duration: number | undefined, tags: Record<string, string> = {}, session?: string) =>
        s.traces.upsertTraceInfo({
          traceId,
          experimentId,
          requestTimeMs: start,
          ...(duration === undefined ? {} : { executionDurationMs: duration }),
          state: duration === undefined ? 'IN_PROGRESS' : 'OK',
          tags,
          metadata: session ? { 'mlflow.trace.session': session } : {},
        });
      // End times: b 1100, a 1100 (later start), c 1200, d 1500 (prod), e 2000; f still running; g elsewhere.
      await trace('tr-a', exp, 1050, 50, { env: 'prod' }, 's-1');
      await trace('tr-b', exp, 1000, 100, {}, 's-1');
      await trace('tr-c', exp, 1100, 100);
      await trace('tr-d', exp, 900, 600, { env: 'prod' }, 's-2');
      await trace('tr-e', exp, 1990, 10);
      await trace('tr-f', exp, 1000, undefined);
      await trace('tr-g', other, 1000, 10);
    });
    afterEach(async () => {
      await s.dispose();
    });

    const scan = (after: [number, number, string], endedBy: number, limit = 10, filter = '', sessionKey?: string) =>
      s.traces.scanEndedTraces({ experimentId: exp, filter: parseTraceFilter(filter), endedBy, after, limit, ...(sessionKey ? { sessionKey } : {}) });

    it('walks finished traces by end, then start, then id, up to the horizon, in pages that continue exactly', async () => {
      const all = await scan([0, 0, ''], 10_000);
      expect(all.items.map((t) => [t.traceId, t.endTimeMs, t.requestTimeMs])).toEqual([
        ['tr-b', 1100, 1000],
        ['tr-a', 1100, 1050],
        ['tr-c', 1200, 1100],
        ['tr-d', 1500, 900],
        ['tr-e', 2000, 1990],
      ]);
      expect(all.hasMore).toBe(false);
      const first = await scan([0, 0, ''], 10_000, 2);
      expect(first).toMatchObject({ hasMore: true, items: [{ traceId: 'tr-b' }, { traceId: 'tr-a' }] });
      const next = await scan([1100, 1050, 'tr-a'], 10_000, 2);
      expect(next.items.map((t) => t.traceId)).toEqual(['tr-c', 'tr-d']);
      // Tied on end and start, the id decides: after tr-b at (1100, 1000) comes tr-a at (1100, 1050).
      expect((await scan([1100, 1000, 'tr-b'], 10_000, 1)).items.map((t) => t.traceId)).toEqual(['tr-a']);
      // The horizon: only traces ended by it.
      expect((await scan([0, 0, ''], 1200)).items.map((t) => t.traceId)).toEqual(['tr-b', 'tr-a', 'tr-c']);
    });

    it("applies the scorer's filter and reads the session metadata when asked", async () => {
      expect((await scan([0, 0, ''], 10_000, 10, "tag.env = 'prod'")).items.map((t) => t.traceId)).toEqual(['tr-a', 'tr-d']);
      const withSessions = await scan([0, 0, ''], 10_000, 10, '', 'mlflow.trace.session');
      expect(withSessions.items.map((t) => [t.traceId, t.sessionId])).toEqual([
        ['tr-b', 's-1'],
        ['tr-a', 's-1'],
        ['tr-c', undefined],
        ['tr-d', 's-2'],
        ['tr-e', undefined],
      ]);
      expect((await scan([0, 0, ''], 10_000)).items.every((t) => t.sessionId === undefined)).toBe(true);
    });
  });
}
