import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTraceFilter, parseTraceOrderBy } from '@loupe/protocol';
import type { SpanQuery, SpanRecord } from '../trace-store.js';
import type { TraceStores } from './trace-store.contract.js';

const T0_US = 1_700_000_000_000_000;
let seq = 0;

/** A span whose stored document carries OTel attributes the way span mapping writes them (JSON-encoded string values). */
function span(
  spanId: string,
  parentSpanId: string | null,
  startOffsetUs: number,
  extra: Partial<SpanRecord> & { attributes?: Record<string, unknown> } = {},
): SpanRecord {
  const { attributes = {}, ...rest } = extra;
  const content = JSON.stringify({
    name: `span-${spanId}`,
    attributes: Object.entries(attributes).map(([key, value]) => ({ key, value: { string_value: JSON.stringify(value) } })),
  });
  return {
    spanId,
    parentSpanId,
    name: `span-${spanId}`,
    type: 'UNKNOWN',
    status: 'OK',
    startTimeUs: T0_US + startOffsetUs,
    endTimeUs: T0_US + startOffsetUs + 10,
    content,
    ...rest,
  };
}

/**
 * Search beyond the basic filters: `span.*` / `span.attributes.*` / `trace.text` filters over traces,
 * stable page positions, group-committed ingest, and the huge-trace span pages (all spans, children,
 * roots, subtrees, filters, keyset pages).
 *
 * @example
 * traceSearchContract(() => openSqlStores(backend));
 */
export function traceSearchContract(factory: () => Promise<TraceStores>): void {
  describe('span search contract', () => {
    let s: TraceStores;
    let exp: string;
    beforeEach(async () => {
      s = await factory();
      exp = await s.experiments.createExperiment({ name: `spans-${++seq}`, artifactLocation: (id) => `mlflow-artifacts:/${id}`, tags: [], now: 1 });
    });
    afterEach(async () => {
      await s.dispose();
    });
    const ingest = (traceId: string, spans: SpanRecord[]) =>
      s.traces.ingestSpans({ traceId, experimentId: exp, spans, earliestStartMs: Math.floor(T0_US / 1000), tags: {}, metadata: {} });

    it('commits concurrent ingests together, failing only the request that is wrong', async () => {
      const other = await s.experiments.createExperiment({
        name: `spans-other-${++seq}`,
        artifactLocation: (id) => `mlflow-artifacts:/${id}`,
        tags: [],
        now: 1,
      });
      await ingest('tr-owned', [span('o0', null, 0)]);
      const batch = (traceId: string, experimentId: string, spanId: string) => ({
        traceId,
        experimentId,
        spans: [span(spanId, null, 0)],
        earliestStartMs: 1,
        tags: {},
        metadata: {},
      });
      // Queued while the first commits: the rest share one transaction, each in its own savepoint.
      const results = await Promise.allSettled([
        s.traces.ingestSpans(batch('tr-c1', exp, 'a')),
        s.traces.ingestSpans([batch('tr-c2', exp, 'b'), batch('tr-c3', exp, 'c')]),
        s.traces.ingestSpans([batch('tr-c4', exp, 'd'), batch('tr-owned', other, 'x')]),
        s.traces.ingestSpans(batch('tr-c5', exp, 'e')),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
      const stored = await s.traces.getTraces(['tr-c1', 'tr-c2', 'tr-c3', 'tr-c4', 'tr-c5']);
      // The failed request wrote nothing, not even its first, valid trace.
      expect(stored.map((t) => t.traceId)).toEqual(['tr-c1', 'tr-c2', 'tr-c3', 'tr-c5']);
      expect((await s.traces.getTrace('tr-owned'))?.spanCount).toBe(1);
    });

    it('writes a group of concurrent ingests in one pass, the same trace in several of them included', async () => {
      const batch = (traceId: string, spanIds: string[]) => ({
        traceId,
        experimentId: exp,
        spans: spanIds.map((id, i) => span(id, i === 0 && id === 'r' ? null : 'r', i)),
        earliestStartMs: 1,
        tags: {},
        metadata: {},
      });
      const results = await Promise.allSettled([
        s.traces.ingestSpans(batch('tr-g1', ['r', 'a'])),
        s.traces.ingestSpans([batch('tr-g1', ['b']), batch('tr-g2', ['r'])]),
        s.traces.ingestSpans([batch('tr-g1', ['a', 'c']), batch('tr-g2', ['x'])]),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      const [g1, g2] = await s.traces.getTraces(['tr-g1', 'tr-g2']);
      expect(g1?.spanCount).toBe(4);
      expect(g2?.spanCount).toBe(2);
    });

    it('counts every span once when many concurrent requests share traces (several group commits at once where the database allows)', async () => {
      // 60 requests over 6 traces, each request carrying spans of two of them; every span is sent
      // twice, the later copy renamed: counts must be exact and the later copy must win.
      const requests = Array.from({ length: 60 }, (_, i) => {
        const traces = [`tr-m${i % 6}`, `tr-m${(i + 1) % 6}`];
        return traces.map((traceId) => ({
          traceId,
          experimentId: exp,
          spans: [span(`s${i >> 1}-${traceId}`, null, i, { name: `copy-${i}` })],
          earliestStartMs: 1,
          tags: {},
          metadata: {},
        }));
      });
      // Sent a few per event-loop turn, so new requests keep arriving while earlier groups are written.
      const pending: Promise<void>[] = [];
      for (const [i, r] of requests.entries()) {
        pending.push(s.traces.ingestSpans(r));
        if (i % 3 === 2) await new Promise((resolve) => setImmediate(resolve));
      }
      const results = await Promise.allSettled(pending);
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      const stored = await s.traces.getTraces(Array.from({ length: 6 }, (_, i) => `tr-m${i}`));
      // Trace m_k gets span s{i>>1} from requests i = k and i = k - 1 (mod 6): 30 distinct span ids over 60 requests, 10 per trace.
      for (const t of stored) {
        const { items } = await s.traces.getSpans(t.traceId, { offset: 0, limit: 100 });
        expect(t.spanCount).toBe(items.length);
        expect(new Set(items.map((x) => x.spanId)).size).toBe(items.length);
      }
      expect(stored.reduce((n, t) => n + t.spanCount, 0)).toBe(new Set(requests.flat().map((b) => `${b.traceId}/${b.spans[0]?.spanId}`)).size);
      // Span s0 of tr-m1 came in request 0 (copy-0) and request 1 (copy-1): arrival order wins.
      const { items } = await s.traces.getSpans('tr-m1', { offset: 0, limit: 100 });
      expect(items.find((x) => x.spanId === 's0-tr-m1')?.name).toBe('copy-1');
    });

    describe('trace search pages', () => {
      const info = (id: string, timeMs: number, over: Partial<Parameters<TraceStores['traces']['upsertTraceInfo']>[0]> = {}) =>
        s.traces.upsertTraceInfo({ traceId: id, experimentId: exp, requestTimeMs: timeMs, state: 'OK', tags: {}, metadata: {}, ...over });
      beforeEach(async () => {
        // Same-millisecond ties, missing durations and missing tags: every kind of key the order can have.
        await info('tr-1', 1000, { executionDurationMs: 5, tags: { 'mlflow.traceName': 'b' } });
        await info('tr-2', 2000, { tags: { 'mlflow.traceName': 'a' } });
        await info('tr-3', 2000, { executionDurationMs: 5 });
        await info('tr-4', 3000, { executionDurationMs: 1, tags: { 'mlflow.traceName': 'c' } });
        await info('tr-5', 2000, { executionDurationMs: 9, tags: { 'mlflow.traceName': 'a' } });
      });
      const all = async (orderBy: string[], pageSize: number) => {
        const ids: string[] = [];
        let after: unknown[] | undefined;
        for (let pages = 0; pages < 20; pages++) {
          const page = await s.traces.searchTraces({
            experimentIds: [exp],
            filter: [],
            orderBy: parseTraceOrderBy(orderBy),
            page: { limit: pageSize, ...(after ? { after } : {}) },
          });
          ids.push(...page.items.map((t) => t.traceId));
          if (!page.hasMore) return ids;
          after = page.next;
        }
        throw new Error('no last page');
      };

      it('pages by position in every order, nulls last, ties broken by time then id', async () => {
        const cases: [string[], string[]][] = [
          [[], ['tr-4', 'tr-2', 'tr-3', 'tr-5', 'tr-1']],
          [['timestamp_ms ASC'], ['tr-1', 'tr-2', 'tr-3', 'tr-5', 'tr-4']],
          [['execution_time_ms ASC'], ['tr-4', 'tr-3', 'tr-1', 'tr-5', 'tr-2']],
          [['execution_time_ms DESC'], ['tr-5', 'tr-3', 'tr-1', 'tr-4', 'tr-2']],
          [['name ASC'], ['tr-2', 'tr-5', 'tr-1', 'tr-4', 'tr-3']],
          [
            ['name DESC', 'timestamp_ms ASC'],
            ['tr-4', 'tr-1', 'tr-2', 'tr-5', 'tr-3'],
          ],
          [['request_id DESC'], ['tr-5', 'tr-4', 'tr-3', 'tr-2', 'tr-1']],
        ];
        for (const [orderBy, expected] of cases) {
          for (const size of [1, 2, 3, 10]) expect(await all(orderBy, size), `${orderBy.join(',')} by ${size}`).toEqual(expected);
        }
      });

      it('keeps a position while newer traces arrive, and refuses a position from another order', async () => {
        const first = await s.traces.searchTraces({ experimentIds: [exp], filter: [], orderBy: [], page: { limit: 2 } });
        expect(first.items.map((t) => t.traceId)).toEqual(['tr-4', 'tr-2']);
        await info('tr-9', 9000);
        const second = await s.traces.searchTraces({ experimentIds: [exp], filter: [], orderBy: [], page: { limit: 2, after: first.next as unknown[] } });
        expect(second.items.map((t) => t.traceId)).toEqual(['tr-3', 'tr-5']);
        await expect(
          s.traces.searchTraces({
            experimentIds: [exp],
            filter: [],
            orderBy: parseTraceOrderBy(['name ASC']),
            page: { limit: 2, after: first.next as unknown[] },
          }),
        ).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
        await expect(s.traces.searchTraces({ experimentIds: [exp], filter: [], orderBy: [], page: { limit: 2, after: ['x', 'y'] } })).rejects.toMatchObject({
          code: 'INVALID_PARAMETER_VALUE',
        });
      });
    });

    describe('trace search on span fields', () => {
      beforeEach(async () => {
        await ingest('tr-a', [
          span('a0', null, 0, { name: 'agent', type: 'AGENT', attributes: { 'mlflow.spanInputs': { question: 'Where is my order?' } } }),
          span('a1', 'a0', 5, { name: 'ChatOpenAI', type: 'CHAT_MODEL', attributes: { 'mlflow.llm.model': 'gpt-4o-mini', temperature: 0.2 } }),
        ]);
        await ingest('tr-b', [
          span('b0', null, 0, { name: 'Retriever', type: 'RETRIEVER', status: 'ERROR', attributes: { 'mlflow.llm.model': 'text-embedding-3' } }),
        ]);
      });
      const search = async (filter: string) =>
        (await s.traces.searchTraces({ experimentIds: [exp], filter: parseTraceFilter(filter), orderBy: [], page: { offset: 0, limit: 10 } })).items
          .map((t) => t.traceId)
          .sort();

      it('matches a trace when any of its spans matches', async () => {
        expect(await search("span.name = 'ChatOpenAI'")).toEqual(['tr-a']);
        expect(await search("span.name != 'agent'")).toEqual(['tr-a', 'tr-b']);
        expect(await search("span.name LIKE 'Chat%'")).toEqual(['tr-a']);
        expect(await search("span.name ILIKE 'chat%'")).toEqual(['tr-a']);
        expect(await search("span.name RLIKE '^Ret.*r$'")).toEqual(['tr-b']);
        expect(await search("span.type = 'RETRIEVER'")).toEqual(['tr-b']);
        expect(await search("span.status = 'ERROR'")).toEqual(['tr-b']);
        expect(await search("span.type = 'CHAT_MODEL' AND span.status = 'OK'")).toEqual(['tr-a']);
      });

      it("keeps span types exact, as MLflow does: 'LLM' is not 'CHAT_MODEL'; IN names both", async () => {
        await ingest('tr-c', [span('c0', null, 0, { name: 'complete', type: 'LLM' })]);
        expect(await search("span.type = 'LLM'")).toEqual(['tr-c']);
        expect(await search("span.type = 'CHAT_MODEL'")).toEqual(['tr-a']);
        expect(await search("span.type IN ('LLM', 'CHAT_MODEL')")).toEqual(['tr-a', 'tr-c']);
        expect(await search("span.type IN ('llm')")).toEqual([]);
        // Any span whose type is not listed: tr-a's agent span, tr-b's retriever.
        expect(await search("span.type NOT IN ('LLM', 'CHAT_MODEL')")).toEqual(['tr-a', 'tr-b']);
        expect(await search("span.name IN ('Retriever', 'complete') AND span.status IN ('OK')")).toEqual(['tr-c']);
        expect(await s.traces.findSpans({ traceId: 'tr-a', filter: parseTraceFilter("span.type IN ('CHAT_MODEL', 'TOOL')"), limit: 10 })).toMatchObject({
          items: [{ spanId: 'a1' }],
        });
      });

      it('matches span attributes on their JSON-encoded values, by key', async () => {
        expect(await search("span.attributes.`mlflow.llm.model` LIKE '%gpt-4o%'")).toEqual(['tr-a']);
        expect(await search("span.attributes.`mlflow.llm.model` ILIKE '%GPT%'")).toEqual(['tr-a']);
        expect(await search("span.attributes.`mlflow.llm.model` RLIKE 'embedding-[0-9]'")).toEqual(['tr-b']);
        expect(await search("span.attributes.temperature LIKE '0.2'")).toEqual(['tr-a']);
        expect(await search("span.attributes.`mlflow.spanInputs` LIKE '%my order%'")).toEqual(['tr-a']);
        // The value of another key never matches.
        expect(await search("span.attributes.temperature LIKE '%gpt%'")).toEqual([]);
        expect(await search("span.attributes.missing LIKE '%'")).toEqual([]);
      });

      it('searches the text of every span', async () => {
        expect(await search("trace.text LIKE '%order?%'")).toEqual(['tr-a']);
        expect(await search("trace.text LIKE '%embedding%'")).toEqual(['tr-b']);
        expect(await search("trace.text LIKE '%nowhere%'")).toEqual([]);
      });

      it('runs the regular expressions MLflow users write alike on every backend: a search anywhere, anchors, (?i), classes, \\d, \\w, |, .*', async () => {
        expect(await search("span.name RLIKE 'Open'")).toEqual(['tr-a']);
        expect(await search("span.name RLIKE '^Chat'")).toEqual(['tr-a']);
        expect(await search("span.name RLIKE 'AI$'")).toEqual(['tr-a']);
        expect(await search("span.name RLIKE '^Open'")).toEqual([]);
        expect(await search("span.name RLIKE '^retriever$'")).toEqual([]);
        expect(await search("span.name RLIKE '(?i)^retriever$'")).toEqual(['tr-b']);
        expect(await search("span.name RLIKE '^[A-Z][a-z]+$'")).toEqual(['tr-b']);
        expect(await search("span.name RLIKE '^[[:lower:]]+$'")).toEqual(['tr-a']);
        expect(await search("span.attributes.`mlflow.llm.model` RLIKE 'gpt-\\d[a-z]'")).toEqual(['tr-a']);
        expect(await search('span.attributes.`mlflow.llm.model` RLIKE \'^"\\w+-\\w+-\\d"$\'')).toEqual(['tr-b']);
        expect(await search("span.name RLIKE '^(agent|Retriever)$'")).toEqual(['tr-a', 'tr-b']);
        expect(await search("span.name RLIKE '^C.*I$'")).toEqual(['tr-a']);
        expect(await search("span.type RLIKE '^(CHAT_MODEL|LLM)$' AND span.name RLIKE '.*'")).toEqual(['tr-a']);
      });

      it('answers a catastrophic-backtracking pattern with its matches, on every backend', async () => {
        await ingest('tr-c', [span('c0', null, 0, { name: `${'a'.repeat(30)}!` })]);
        await ingest('tr-d', [span('d0', null, 0, { name: 'a'.repeat(30) })]);
        expect(await search("span.name RLIKE '^(a+)+$'")).toEqual(['tr-d']);
        const page = await s.traces.findSpans({ traceId: 'tr-c', filter: parseTraceFilter("span.name RLIKE '^(a|aa)+$'"), limit: 10 });
        expect(page.items).toEqual([]);
      });

      it('refuses a regular expression the database cannot compile with an ApiError (a 400), in trace searches and span pages', async () => {
        for (const filter of ["span.name RLIKE 'Chat('", "span.attributes.`mlflow.llm.model` RLIKE '[a'"]) {
          await expect(search(filter), filter).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(/Invalid pattern/) });
          await expect(s.traces.findSpans({ traceId: 'tr-a', filter: parseTraceFilter(filter), limit: 10 }), filter).rejects.toMatchObject({
            code: 'INVALID_PARAMETER_VALUE',
          });
        }
      });
    });

    describe('span pages of one trace', () => {
      // root r (t=0) ─┬─ c1 (t=10) ── g1 (t=11), g2 (t=12)
      //               ├─ c2 (t=20, ERROR)
      //               └─ c3 (t=30) ── g3 (t=31) ── gg (t=32)
      // orphan o (t=40; its parent never arrived)
      beforeEach(async () => {
        await ingest('tr-big', [
          span('r', null, 0, { name: 'root' }),
          span('c1', 'r', 10, { name: 'plan', type: 'LLM' }),
          span('g1', 'c1', 11, { name: 'tool-a', type: 'TOOL' }),
          span('g2', 'c1', 12, { name: 'tool-b', type: 'TOOL', attributes: { city: 'Paris' } }),
          span('c2', 'r', 20, { name: 'fail', status: 'ERROR' }),
          span('c3', 'r', 30, { name: 'answer', type: 'LLM' }),
          span('g3', 'c3', 31, { name: 'format' }),
          span('gg', 'g3', 32, { name: 'deep' }),
          span('o', 'missing', 40, { name: 'orphan' }),
        ]);
      });
      const page = (q: Partial<SpanQuery> = {}) => s.traces.findSpans({ traceId: 'tr-big', filter: [], limit: 100, ...q });
      const ids = async (q: Partial<SpanQuery> = {}) => (await page(q)).items.map((x) => x.spanId);

      it('pages all spans in start order with keyset positions', async () => {
        expect(await ids()).toEqual(['r', 'c1', 'g1', 'g2', 'c2', 'c3', 'g3', 'gg', 'o']);
        const seen: string[] = [];
        let after: SpanQuery['after'];
        for (;;) {
          const p = await page({ limit: 4, ...(after ? { after } : {}) });
          seen.push(...p.items.map((x) => x.spanId));
          const last = p.items.at(-1);
          if (!p.hasMore || !last) break;
          after = { startTimeUs: last.startTimeUs, spanId: last.spanId };
        }
        expect(seen).toEqual(['r', 'c1', 'g1', 'g2', 'c2', 'c3', 'g3', 'gg', 'o']);
      });

      it('breaks same-microsecond ties by span id, across pages', async () => {
        await ingest(
          'tr-ties',
          ['d', 'a', 'c', 'b'].map((id) => span(id, null, 7)),
        );
        const first = await s.traces.findSpans({ traceId: 'tr-ties', filter: [], limit: 2 });
        expect(first.items.map((x) => x.spanId)).toEqual(['a', 'b']);
        const last = first.items[1] as SpanRecord;
        const second = await s.traces.findSpans({ traceId: 'tr-ties', filter: [], limit: 2, after: { startTimeUs: last.startTimeUs, spanId: last.spanId } });
        expect(second.items.map((x) => x.spanId)).toEqual(['c', 'd']);
        expect(second.hasMore).toBe(false);
      });

      it('lists children and roots (orphans included) with child counts', async () => {
        const roots = await page({ parentSpanId: null, withChildCount: true });
        expect(roots.items.map((x) => [x.spanId, x.childCount])).toEqual([
          ['r', 3],
          ['o', 0],
        ]);
        expect(await ids({ parentSpanId: 'r' })).toEqual(['c1', 'c2', 'c3']);
        expect(await ids({ parentSpanId: 'c1', limit: 1 })).toEqual(['g1']);
        expect(await ids({ parentSpanId: 'gg' })).toEqual([]);
        expect((await page()).items[0]?.childCount).toBeUndefined();
      });

      it('walks a subtree, whole or to a depth', async () => {
        expect(await ids({ subtree: { spanId: 'c3' } })).toEqual(['c3', 'g3', 'gg']);
        expect(await ids({ subtree: { spanId: 'r', maxDepth: 1 } })).toEqual(['r', 'c1', 'c2', 'c3']);
        expect(await ids({ subtree: { spanId: 'r', maxDepth: 0 } })).toEqual(['r']);
        expect(await ids({ subtree: { spanId: 'nope' } })).toEqual([]);
      });

      it('ends on a cyclic parent chain', async () => {
        await ingest('tr-cycle', [span('x', 'y', 0), span('y', 'x', 1), span('z', 'y', 2)]);
        const walk = await s.traces.findSpans({ traceId: 'tr-cycle', filter: [], limit: 10, subtree: { spanId: 'x' } });
        expect(walk.items.map((x) => x.spanId)).toEqual(['x', 'y', 'z']);
        const deep = await s.traces.findSpans({ traceId: 'tr-cycle', filter: [], limit: 10, subtree: { spanId: 'x', maxDepth: 50 } });
        expect(deep.items.map((x) => x.spanId)).toEqual(['x', 'y', 'z']);
      });

      it('searches inside the trace with span filters, combined with scopes', async () => {
        expect(await ids({ filter: parseTraceFilter("span.type = 'TOOL'") })).toEqual(['g1', 'g2']);
        expect(await ids({ filter: parseTraceFilter("span.name LIKE '%a%'") })).toEqual(['c1', 'g1', 'c2', 'c3', 'g3', 'o']);
        expect(await ids({ filter: parseTraceFilter("span.status = 'ERROR'") })).toEqual(['c2']);
        expect(await ids({ filter: parseTraceFilter("span.attributes.city LIKE '%Paris%'") })).toEqual(['g2']);
        expect(await ids({ filter: parseTraceFilter("trace.text LIKE '%span-gg%'") })).toEqual(['gg']);
        expect(await ids({ filter: parseTraceFilter("span.type = 'LLM'"), subtree: { spanId: 'c3' } })).toEqual(['c3']);
        expect(await ids({ filter: parseTraceFilter("span.type = 'TOOL'"), parentSpanId: 'c1', limit: 1 })).toEqual(['g1']);
      });

      it('returns nothing for another trace id', async () => {
        expect((await s.traces.findSpans({ traceId: 'tr-none', filter: [], limit: 10 })).items).toEqual([]);
      });
    });
  });
}
