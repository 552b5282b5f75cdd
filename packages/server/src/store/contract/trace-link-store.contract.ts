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
const prompts = (...refs: [string, string][]) => JSON.stringify(refs.map(([name, version]) => ({ name, version })));

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
      (await s.traces.searchTraces({ experimentIds: [exp], filter: parseTraceFilter(filter), orderBy: [], page: { limit: 100 } })).items
        .map((t) => t.traceId)
        .sort();

    it('links traces to a run once, however often asked', async () => {
      const [t0, t1, t2] = ids as [string, string, string];
      expect(await s.traceLinks.linkTracesToRun([t1, t2, t1], 'run-a')).toEqual({ missing: [] });
      expect(await s.traceLinks.linkTracesToRun([t1], 'run-a')).toEqual({ missing: [] });
      expect(await s.traceLinks.listLinks(t1, 'run')).toEqual(['run-a']);
      expect(await s.traceLinks.listLinks(t0, 'run')).toEqual([]);
    });

    it('writes nothing when a trace is missing, and names it', async () => {
      const [, t1] = ids as [string, string];
      expect(await s.traceLinks.linkTracesToRun([t1, 'tr-nope'], 'run-a')).toEqual({ missing: ['tr-nope'] });
      expect(await s.traceLinks.listLinks(t1, 'run')).toEqual([]);
    });

    it('run_id matches the source run and the linked traces, with = and IN', async () => {
      const [t0, t1, t2, t3] = ids as [string, string, string, string];
      await s.traceLinks.linkTracesToRun([t1], 'run-a');
      await s.traceLinks.linkTracesToRun([t2], 'run-b');
      expect(await search("run_id = 'run-a'")).toEqual([t0, t1].sort());
      expect(await search("trace.run_id IN ('run-a', 'run-b')")).toEqual([t0, t1, t2].sort());
      expect(await search("run_id = 'run-b' AND trace.timestamp_ms > 1001")).toEqual([t2]);
      expect(await search("run_id = 'run-c'")).toEqual([]);
      expect(await search("metadata.`mlflow.sourceRun` != 'run-a'")).toEqual([]);
      expect(t3).toBeDefined();
    });

    it('links prompts from a linked-prompts tag carried by spans (mlflow.traceTag.*)', async () => {
      const traceId = `tr-${(++seq).toString(16).padStart(32, '0')}`;
      const span = { spanId: 'root', parentSpanId: null, name: 'root', type: 'CHAIN', status: 'OK', startTimeUs: 1, endTimeUs: 2, content: '{}' };
      await s.traces.ingestSpans({
        traceId,
        experimentId: exp,
        spans: [span],
        earliestStartMs: 0,
        tags: { 'mlflow.linkedPrompts': prompts(['qa', '7']) },
        metadata: {},
      });
      expect(await s.traceLinks.listLinks(traceId, 'prompt_version')).toEqual(['qa/7']);
      expect(await search("prompt = 'qa/7'")).toEqual([traceId]);
    });

    it('links prompt versions with the tag in one step; prompt = matches them', async () => {
      const [t0, t1] = ids as [string, string];
      const tag = prompts(['qa', '1'], ['qa', '1'], ['summarize', '3']);
      expect(await s.traceLinks.linkPromptsToTrace(t0, tag)).toBe(true);
      expect(await s.traceLinks.linkPromptsToTrace(t1, prompts(['qa', '2']))).toBe(true);
      expect(await s.traceLinks.linkPromptsToTrace(t1, prompts(['qa', '2']))).toBe(true);
      expect(await s.traceLinks.listLinks(t0, 'prompt_version')).toEqual(['qa/1', 'summarize/3']);
      expect((await s.traces.getTrace(t0))?.tags['mlflow.linkedPrompts']).toBe(tag);
      expect(await search("prompt = 'qa/1'")).toEqual([t0]);
      expect(await search("prompt = 'qa/2'")).toEqual([t1]);
      expect(await search("prompt = 'summarize/3' AND trace.status = 'OK'")).toEqual([t0]);
      expect(await search("prompt = 'qa/3'")).toEqual([]);
      expect(await s.traceLinks.linkPromptsToTrace('tr-nope', prompts(['qa', '1']))).toBe(false);
    });

    it('keeps prompt links equal to the mlflow.linkedPrompts tag however it is written', async () => {
      const [t0, t1, t2] = ids as [string, string, string];
      // StartTraceV3's info carrying the tag (what MLflow's Python exporter sends).
      await s.traces.upsertTraceInfo({
        traceId: t0,
        experimentId: exp,
        requestTimeMs: 1000,
        state: 'OK',
        tags: { 'mlflow.linkedPrompts': prompts(['qa', '1']) },
        metadata: {},
      });
      // The tag API, also with numeric versions and junk entries.
      await s.traces.setTraceTag(t1, 'mlflow.linkedPrompts', '[{"name": "qa", "version": 1}, {"name": "x"}, 7]');
      await s.traces.setTraceTag(t2, 'mlflow.linkedPrompts', 'not json');
      expect(await search("prompt = 'qa/1'")).toEqual([t0, t1].sort());
      expect(await s.traceLinks.listLinks(t2, 'prompt_version')).toEqual([]);
      // Overwriting the tag replaces the links; deleting it removes them.
      await s.traces.setTraceTag(t0, 'mlflow.linkedPrompts', prompts(['qa', '2']));
      expect(await search("prompt = 'qa/1'")).toEqual([t1]);
      expect(await search("prompt = 'qa/2'")).toEqual([t0]);
      expect(await s.traces.deleteTraceTag(t1, 'mlflow.linkedPrompts')).toBe(true);
      expect(await search("prompt = 'qa/1'")).toEqual([]);
    });

    it('lists the traces linked to a prompt version, newest first, a page at a time', async () => {
      const [t0, t1, t2, t3] = ids as [string, string, string, string];
      for (const t of [t0, t2, t3]) await s.traceLinks.linkPromptsToTrace(t, prompts(['qa', '1']));
      await s.traceLinks.linkPromptsToTrace(t1, prompts(['qa', '2']));
      expect(await s.traceLinks.listLinkedTraces('prompt_version', 'qa/1', { offset: 0, limit: 10 })).toEqual({ traceIds: [t3, t2, t0], hasMore: false });
      expect(await s.traceLinks.listLinkedTraces('prompt_version', 'qa/1', { offset: 0, limit: 2 })).toEqual({ traceIds: [t3, t2], hasMore: true });
      expect(await s.traceLinks.listLinkedTraces('prompt_version', 'qa/1', { offset: 2, limit: 2 })).toEqual({ traceIds: [t0], hasMore: false });
      expect(await s.traceLinks.listLinkedTraces('prompt_version', 'qa/9', { offset: 0, limit: 2 })).toEqual({ traceIds: [], hasMore: false });
      await s.traces.deleteTraces(exp, { traceIds: [t3] });
      expect((await s.traceLinks.listLinkedTraces('prompt_version', 'qa/1', { offset: 0, limit: 10 })).traceIds).toEqual([t2, t0]);
    });

    it('links go with their trace', async () => {
      const [t0, t1] = ids as [string, string];
      await s.traceLinks.linkTracesToRun([t0, t1], 'run-z');
      await s.traceLinks.linkPromptsToTrace(t0, prompts(['qa', '1']));
      expect(await s.traces.deleteTraces(exp, { traceIds: [t0] })).toBe(1);
      expect(await s.traceLinks.listLinks(t0, 'run')).toEqual([]);
      expect(await s.traceLinks.listLinks(t0, 'prompt_version')).toEqual([]);
      expect(await search("run_id = 'run-z'")).toEqual([t1]);
      expect(await search("prompt = 'qa/1'")).toEqual([]);
    });
  });
}
