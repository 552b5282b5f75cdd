import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExperimentStore } from '../tracking-store.js';
import type { Filter, OrderBy, TraceFilterEntity } from '@loupe/protocol';
import type { SpanBatch, SpanRecord, TraceStore } from '../trace-store.js';

/** The stores a trace contract suite needs, on one fresh database. */
export interface TraceStores {
  experiments: ExperimentStore;
  traces: TraceStore;
  dispose(): Promise<void>;
}

const T0_US = 1_700_000_000_000_000;
let seq = 0;

function span(spanId: string, parentSpanId: string | null, startOffsetUs: number, extra: Partial<SpanRecord> = {}): SpanRecord {
  return {
    spanId,
    parentSpanId,
    name: `span-${spanId}`,
    type: 'UNKNOWN',
    status: 'OK',
    startTimeUs: T0_US + startOffsetUs,
    endTimeUs: T0_US + startOffsetUs + 1000,
    content: JSON.stringify({ span_id: spanId }),
    ...extra,
  };
}

/**
 * The behaviour every TraceStore must have (ADR 0002 merge rules), run by each backend's test file.
 *
 * @example
 * traceStoreContract(() => openSqlStores(backend));
 */
export function traceStoreContract(factory: () => Promise<TraceStores>): void {
  describe('TraceStore contract', () => {
    let s: TraceStores;
    let exp: string;
    let traceId: string;
    beforeEach(async () => {
      s = await factory();
      exp = await s.experiments.createExperiment({ name: `traces-${++seq}`, artifactLocation: (id) => `mlflow-artifacts:/${id}`, tags: [], now: 1 });
      traceId = `tr-${(++seq).toString(16).padStart(32, '0')}`;
    });
    afterEach(async () => {
      await s.dispose();
    });

    const batch = (spans: SpanRecord[], over: Partial<SpanBatch> = {}): SpanBatch => ({
      traceId,
      experimentId: exp,
      spans,
      earliestStartMs: Math.min(...spans.map((x) => Math.floor(x.startTimeUs / 1000))),
      tags: {},
      metadata: {},
      ...over,
    });
    const rootSummary = { spanId: 'root', name: 'predict', state: 'OK' as const, executionDurationMs: 42, requestPreview: '{"q":1}', responsePreview: '"a"' };

    it('creates the trace from spans, child before root, and completes it when the root arrives', async () => {
      await s.traces.ingestSpans(batch([span('child', 'root', 5000)], { tags: { team: 'core' }, metadata: { 'mlflow.trace.session': 's1' } }));
      let t = await s.traces.getTrace(traceId);
      expect(t).toMatchObject({ experimentId: exp, state: 'IN_PROGRESS', requestTimeMs: (T0_US + 5000) / 1000, spanCount: 1, finalized: false });
      expect(t?.tags).toEqual({ team: 'core' });
      expect(t?.metadata).toEqual({ 'mlflow.trace.session': 's1' });

      await s.traces.ingestSpans(batch([span('root', null, 0)], { root: rootSummary }));
      t = await s.traces.getTrace(traceId);
      expect(t).toMatchObject({
        state: 'OK',
        requestTimeMs: T0_US / 1000,
        executionDurationMs: 42,
        requestPreview: '{"q":1}',
        responsePreview: '"a"',
        rootSpanId: 'root',
        spanCount: 2,
        finalized: false,
      });
      expect(t?.tags).toEqual({ team: 'core', 'mlflow.traceName': 'predict' });
    });

    it('lets the finalized info win over spans that arrive before and after it', async () => {
      await s.traces.ingestSpans(batch([span('root', null, 0)], { root: rootSummary, tags: { from_span: 'x', shared: 'span' } }));
      const info = await s.traces.upsertTraceInfo({
        traceId,
        experimentId: exp,
        clientRequestId: 'req-1',
        requestTimeMs: 1_700_000_000_000,
        executionDurationMs: 50,
        state: 'ERROR',
        responsePreview: 'final',
        tags: { shared: 'info', 'mlflow.traceName': 'renamed' },
        metadata: { 'mlflow.trace_schema.version': '3' },
      });
      expect(info).toMatchObject({
        clientRequestId: 'req-1',
        state: 'ERROR',
        executionDurationMs: 50,
        requestPreview: '{"q":1}',
        responsePreview: 'final',
        finalized: true,
        spanCount: 1,
      });
      expect(info.tags).toEqual({ from_span: 'x', shared: 'info', 'mlflow.traceName': 'renamed' });

      await s.traces.ingestSpans(
        batch([span('late', 'root', 10), span('root', null, 0)], { root: { ...rootSummary, state: 'OK', name: 'predict' }, tags: { shared: 'late' } }),
      );
      const after = await s.traces.getTrace(traceId);
      expect(after).toMatchObject({ state: 'ERROR', executionDurationMs: 50, responsePreview: 'final', spanCount: 2, finalized: true });
      expect(after?.tags).toEqual({ from_span: 'x', shared: 'info', 'mlflow.traceName': 'renamed' });
    });

    it('accepts the info before any span', async () => {
      await s.traces.upsertTraceInfo({ traceId, experimentId: exp, requestTimeMs: 5, state: 'OK', tags: {}, metadata: {} });
      await s.traces.ingestSpans(batch([span('root', null, 0)], { root: rootSummary }));
      expect(await s.traces.getTrace(traceId)).toMatchObject({ state: 'OK', requestTimeMs: 5, spanCount: 1, finalized: true });
    });

    it('is idempotent per (trace_id, span_id): a re-sent span replaces its row and is counted once', async () => {
      await s.traces.ingestSpans(batch([span('a', null, 0), span('b', 'a', 1)]));
      await s.traces.ingestSpans(batch([span('b', 'a', 1, { name: 'renamed', content: '{"v":2}' }), span('b', 'a', 1, { name: 'last wins' })]));
      const page = await s.traces.getSpans(traceId, { offset: 0, limit: 10 });
      expect(page.items.map((x) => [x.spanId, x.name])).toEqual([
        ['a', 'span-a'],
        ['b', 'last wins'],
      ]);
      expect((await s.traces.getTrace(traceId))?.spanCount).toBe(2);
    });

    it('pages spans in start-time order', async () => {
      const spans = Array.from({ length: 25 }, (_, i) => span(`s${String(i).padStart(2, '0')}`, i === 0 ? null : 's00', 24 - i));
      await s.traces.ingestSpans(batch(spans));
      const seen: string[] = [];
      for (let offset = 0; ; offset += 10) {
        const page = await s.traces.getSpans(traceId, { offset, limit: 10 });
        seen.push(...page.items.map((x) => x.spanId));
        if (!page.hasMore) break;
      }
      expect(seen).toEqual(spans.map((x) => x.spanId).reverse());
      expect(seen).toHaveLength(25);
    });

    it('refuses spans or info for a trace of another experiment and writes nothing', async () => {
      const other = await s.experiments.createExperiment({ name: `other-${++seq}`, artifactLocation: 'x', tags: [], now: 1 });
      await s.traces.ingestSpans(batch([span('a', null, 0)]));
      await expect(s.traces.ingestSpans(batch([span('b', 'a', 1)], { experimentId: other }))).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
      await expect(s.traces.upsertTraceInfo({ traceId, experimentId: other, requestTimeMs: 1, state: 'OK', tags: {}, metadata: {} })).rejects.toMatchObject({
        code: 'INVALID_PARAMETER_VALUE',
      });
      expect(await s.traces.getTrace(traceId)).toMatchObject({ experimentId: exp, spanCount: 1, finalized: false });
      expect((await s.traces.getSpans(traceId, { offset: 0, limit: 10 })).items).toHaveLength(1);
    });

    it('sets and deletes tags, and gets several traces in the order asked', async () => {
      await s.traces.ingestSpans(batch([span('a', null, 0)]));
      expect(await s.traces.setTraceTag(traceId, 'k', 'v1')).toBe(true);
      expect(await s.traces.setTraceTag(traceId, 'k', 'v2')).toBe(true);
      expect(await s.traces.setTraceTag('tr-missing', 'k', 'v')).toBe(false);
      expect((await s.traces.getTrace(traceId))?.tags).toMatchObject({ k: 'v2' });
      expect(await s.traces.deleteTraceTag(traceId, 'k')).toBe(true);
      expect(await s.traces.deleteTraceTag(traceId, 'k')).toBe(false);
      const other = `tr-${(++seq).toString(16).padStart(32, '0')}`;
      await s.traces.upsertTraceInfo({ traceId: other, experimentId: exp, requestTimeMs: 1, state: 'OK', tags: {}, metadata: {} });
      expect((await s.traces.getTraces([other, 'tr-missing', traceId])).map((t) => t.traceId)).toEqual([other, traceId]);
    });

    it('deletes named traces, or the oldest up to a limit, with their spans and tags, only in the experiment', async () => {
      const ids = [1, 2, 3].map((i) => `tr-del-${seq}-${i}`);
      for (const [i, id] of ids.entries()) {
        await s.traces.ingestSpans({
          traceId: id,
          experimentId: exp,
          spans: [span('root', null, 0)],
          earliestStartMs: 1000 * (i + 1),
          tags: { t: 'x' },
          metadata: {},
        });
      }
      const other = await s.experiments.createExperiment({ name: `del-other-${++seq}`, artifactLocation: 'x', tags: [], now: 1 });
      expect(await s.traces.deleteTraces(other, { traceIds: [ids[0] as string] })).toBe(0);
      expect(await s.traces.deleteTraces(exp, { maxTimestampMs: 2500, maxTraces: 1 })).toBe(1);
      expect(await s.traces.getTrace(ids[0] as string)).toBeUndefined();
      expect((await s.traces.getSpans(ids[0] as string, { offset: 0, limit: 5 })).items).toEqual([]);
      expect(await s.traces.deleteTraces(exp, { traceIds: [ids[2] as string, 'tr-missing'] })).toBe(1);
      expect((await s.traces.getTraces(ids)).map((t) => t.traceId)).toEqual([ids[1]]);
    });

    it('answers undefined for an unknown trace', async () => {
      expect(await s.traces.getTrace('tr-nope')).toBeUndefined();
      expect((await s.traces.getSpans('tr-nope', { offset: 0, limit: 5 })).items).toEqual([]);
    });

    describe('searchTraces', () => {
      const ids = { a: 'tr-000a', b: 'tr-000b', c: 'tr-000c' };
      beforeEach(async () => {
        const make = async (
          id: string,
          timeMs: number,
          durationMs: number,
          state: 'OK' | 'ERROR',
          tags: Record<string, string>,
          metadata: Record<string, string>,
          spanType: string,
          content: string,
        ) => {
          await s.traces.ingestSpans({
            traceId: id,
            experimentId: exp,
            spans: [span(`${id}-root`, null, 0, { type: spanType, content })],
            earliestStartMs: timeMs,
            tags: {},
            metadata: {},
          });
          await s.traces.upsertTraceInfo({ traceId: id, experimentId: exp, requestTimeMs: timeMs, executionDurationMs: durationMs, state, tags, metadata });
        };
        await make(ids.a, 1000, 30, 'OK', { 'mlflow.traceName': 'alpha', env: 'prod' }, { 'mlflow.trace.session': 's1' }, 'CHAIN', '{"q":"find the needle"}');
        await make(ids.b, 2000, 10, 'ERROR', { 'mlflow.traceName': 'beta', env: 'dev' }, {}, 'LLM', '{"q":"hay"}');
        await make(ids.c, 3000, 20, 'OK', { 'mlflow.traceName': 'gamma' }, { 'mlflow.trace.session': 's2' }, 'TOOL', '{"q":"more hay"}');
      });
      const search = async (filter: Filter<TraceFilterEntity> = [], orderBy: OrderBy<TraceFilterEntity>[] = [], page = { offset: 0, limit: 50 }) =>
        (await s.traces.searchTraces({ experimentIds: [exp], filter, orderBy, page })).items.map((t) => t.traceId);
      const str = (value: string) => ({ kind: 'string' as const, value });
      const num = (value: number) => ({ kind: 'number' as const, value });

      it('returns the newest first, with tags and metadata', async () => {
        expect(await search()).toEqual([ids.c, ids.b, ids.a]);
        const [first] = (await s.traces.searchTraces({ experimentIds: [exp], filter: [], orderBy: [], page: { offset: 0, limit: 1 } })).items;
        expect(first).toMatchObject({ traceId: ids.c, tags: { 'mlflow.traceName': 'gamma' }, metadata: { 'mlflow.trace.session': 's2' } });
      });

      it('filters on attributes, tags, metadata (with IS NULL), spans and text', async () => {
        expect(await search([{ entity: 'attribute', key: 'state', op: '=', value: str('ERROR') }])).toEqual([ids.b]);
        expect(
          await search([
            { entity: 'attribute', key: 'timestamp_ms', op: '>=', value: num(2000) },
            { entity: 'attribute', key: 'state', op: '=', value: str('OK') },
          ]),
        ).toEqual([ids.c]);
        expect(await search([{ entity: 'attribute', key: 'execution_time_ms', op: '<', value: num(25) }])).toEqual([ids.c, ids.b]);
        expect(await search([{ entity: 'tag', key: 'env', op: '=', value: str('prod') }])).toEqual([ids.a]);
        expect(await search([{ entity: 'tag', key: 'mlflow.traceName', op: 'LIKE', value: str('%a') }])).toEqual([ids.c, ids.b, ids.a]);
        expect(await search([{ entity: 'metadata', key: 'mlflow.trace.session', op: 'IS NULL', value: { kind: 'none' } }])).toEqual([ids.b]);
        expect(await search([{ entity: 'metadata', key: 'mlflow.trace.session', op: 'IS NOT NULL', value: { kind: 'none' } }])).toEqual([ids.c, ids.a]);
        expect(await search([{ entity: 'metadata', key: 'mlflow.trace.session', op: '=', value: str('s1') }])).toEqual([ids.a]);
        expect(await search([{ entity: 'span', key: 'type', op: '=', value: str('LLM') }])).toEqual([ids.b]);
        expect(await search([{ entity: 'text', key: 'text', op: 'LIKE', value: str('%needle%') }])).toEqual([ids.a]);
        expect(await search([{ entity: 'feedback', key: 'correct', op: '=', value: str('true') }])).toEqual([]);
      });

      it('orders by attributes and tags, and pages', async () => {
        expect(await search([], [{ entity: 'attribute', key: 'execution_time_ms', ascending: true }])).toEqual([ids.b, ids.c, ids.a]);
        expect(await search([], [{ entity: 'tag', key: 'mlflow.traceName', ascending: true }])).toEqual([ids.a, ids.b, ids.c]);
        expect(await search([], [{ entity: 'attribute', key: 'timestamp_ms', ascending: true }], { offset: 1, limit: 1 })).toEqual([ids.b]);
        const last = await s.traces.searchTraces({ experimentIds: [exp], filter: [], orderBy: [], page: { offset: 2, limit: 1 } });
        expect(last.hasMore).toBe(false);
      });
    });
  });
}
