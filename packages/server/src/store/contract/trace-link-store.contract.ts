import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTraceFilter } from '@loupe/protocol';
import type { ExperimentStore } from '../tracking-store.js';
import type { TraceLinkStore } from '../trace-link-store.js';
import type { TraceStore } from '../trace-store.js';

/** The stores the trace link contract needs. */
export interface TraceLinkStores {
  experiments: ExperimentStore;
  traces: TraceStore;
  traceLinks: TraceLinkStore;
  dispose(): Promise<void>;
}

let seq = 0;
const TAG = { key: 'mlflow.linkedPrompts', value: '[]' };

/**
 * Trace links (runs, prompt versions): all-or-nothing run links, idempotence, links going with their
 * trace, and the searches they back (`run_id` matching source runs and links, `prompt = 'name/v'`).
 *
 * @example
 * traceLinkStoreContract(() => openSqlStores(backend));
 */
export function traceLinkStoreContract(factory: () => Promise<TraceLinkStores>): void {
  describe('TraceLinkStore contract', () => {
    let s: TraceLinkStores;
    let exp: string;
    const ids: string[] = [];
    beforeEach(async () => {
      s = await factory();
      exp = await s.experiments.createExperiment({ name: `links-${++seq}`, artifactLocation: (id) => `mlflow-artifacts:/${id}`, tags: [], now: 1 });
      ids.length = 0;
      for (let i = 0; i < 4; i++) {
        const traceId = `tr-${(++seq).toString(16).padStart(32, '0')}`;
        ids.push(traceId);
        const metadata: Record<string, string> = i === 0 ? { 'mlflow.sourceRun': 'run-a' } : {};
        await s.traces.upsertTraceInfo({ traceId, experimentId: exp, requestTimeMs: 1000 + i, state: 'OK', tags: {}, metadata });
      }
    });
    afterEach(async () => {
      await s.dispose();
    });
    const search = async (filter: string) =>
      (await s.traces.searchTraces({ experimentIds: [exp], filter: parseTraceFilter(filter), orderBy: [], page: { limit: 100 } })).items.map((t) => t.traceId).sort();

    it('links traces to a run once, however often asked', async () => {
      const [t0, t1, t2] = ids as [string, string, string];
      expect(await s.traceLinks.linkTracesToRun([t1, t2, t1], 'run-a', 5)).toEqual({ missing: [] });
      expect(await s.traceLinks.linkTracesToRun([t1], 'run-a', 6)).toEqual({ missing: [] });
      expect(await s.traceLinks.listLinks(t1, 'run')).toEqual(['run-a']);
      expect(await s.traceLinks.listLinks(t0, 'run')).toEqual([]);
    });

    it('writes nothing when a trace is missing, and names it', async () => {
      const [, t1] = ids as [string, string];
      expect(await s.traceLinks.linkTracesToRun([t1, 'tr-nope'], 'run-a', 5)).toEqual({ missing: ['tr-nope'] });
      expect(await s.traceLinks.listLinks(t1, 'run')).toEqual([]);
    });

    it('run_id matches the source run and the linked traces, with = and IN', async () => {
      const [t0, t1, t2, t3] = ids as [string, string, string, string];
      await s.traceLinks.linkTracesToRun([t1], 'run-a', 5);
      await s.traceLinks.linkTracesToRun([t2], 'run-b', 5);
      expect(await search("run_id = 'run-a'")).toEqual([t0, t1].sort());
      expect(await search("trace.run_id IN ('run-a', 'run-b')")).toEqual([t0, t1, t2].sort());
      expect(await search("run_id = 'run-b' AND trace.timestamp_ms > 1001")).toEqual([t2]);
      expect(await search("run_id = 'run-c'")).toEqual([]);
      expect(await search("metadata.`mlflow.sourceRun` != 'run-a'")).toEqual([]);
      expect(t3).toBeDefined();
    });

    it('links prompt versions with the tag in one step; prompt = matches them', async () => {
      const [t0, t1] = ids as [string, string];
      const tag = { key: 'mlflow.linkedPrompts', value: '[{"name":"qa","version":"1"}]' };
      expect(await s.traceLinks.linkPromptsToTrace(t0, ['qa/1', 'qa/1', 'summarize/3'], tag, 5)).toBe(true);
      expect(await s.traceLinks.linkPromptsToTrace(t1, ['qa/2'], TAG, 5)).toBe(true);
      expect(await s.traceLinks.linkPromptsToTrace(t1, ['qa/2'], TAG, 6)).toBe(true);
      expect(await s.traceLinks.listLinks(t0, 'prompt_version')).toEqual(['qa/1', 'summarize/3']);
      expect((await s.traces.getTrace(t0))?.tags['mlflow.linkedPrompts']).toBe(tag.value);
      expect(await search("prompt = 'qa/1'")).toEqual([t0]);
      expect(await search("prompt = 'qa/2'")).toEqual([t1]);
      expect(await search("prompt = 'summarize/3' AND trace.status = 'OK'")).toEqual([t0]);
      expect(await search("prompt = 'qa/3'")).toEqual([]);
      expect(await s.traceLinks.linkPromptsToTrace('tr-nope', ['qa/1'], TAG, 5)).toBe(false);
    });

    it('links go with their trace', async () => {
      const [t0, t1] = ids as [string, string];
      await s.traceLinks.linkTracesToRun([t0, t1], 'run-z', 5);
      await s.traceLinks.linkPromptsToTrace(t0, ['qa/1'], TAG, 5);
      expect(await s.traces.deleteTraces(exp, { traceIds: [t0] })).toBe(1);
      expect(await s.traceLinks.listLinks(t0, 'run')).toEqual([]);
      expect(await s.traceLinks.listLinks(t0, 'prompt_version')).toEqual([]);
      expect(await search("run_id = 'run-z'")).toEqual([t1]);
      expect(await search("prompt = 'qa/1'")).toEqual([]);
    });
  });
}
