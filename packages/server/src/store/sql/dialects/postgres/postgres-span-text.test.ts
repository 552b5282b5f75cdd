import { parseTraceFilter } from '@loupe/protocol';
import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeOnBackend, testBackends } from '../../../../testing/backends.js';
import type { SpanBatch } from '../../../trace-store.js';
import { migrateThrough, migrateToLatest } from '../../migrate.js';
import type { Database } from '../../schema.js';
import { SqlTraceStore } from '../../sql-trace-store.js';
import { createDialect } from '../create-dialect.js';
import type { SqlDialect } from '../sql-dialect.js';
import { openSearchPlanFixture, type SearchPlanFixture } from '../../../../testing/sql-stores.js';
import { GramSet, gramKey, likeLiterals, patternGrams } from './span-text-grams.js';

describe('span text grams', () => {
  it('reads PostgreSQL LIKE literals: wildcards split, backslash escapes resolved, a trailing escape refused', () => {
    expect(likeLiterals('%order 42%')).toEqual(['order 42']);
    expect(likeLiterals('%50\\% off_now%')).toEqual(['50% off', 'now']);
    expect(likeLiterals('a\\\\b\\_c')).toEqual(['a\\b_c']);
    expect(likeLiterals('%abc\\')).toBeUndefined();
  });

  it('asks for every window of the literals, folded, and nothing when none is 3 characters long', () => {
    const keys = (text: string) => {
      const set = new GramSet();
      set.addText(text);
      return set.toArray().sort((a, b) => a - b);
    };
    expect(patternGrams('%Order 42%', false)).toEqual(keys('order 42'));
    expect(patternGrams('%ab%cd_ef%', false)).toBeUndefined();
    expect(patternGrams('%ab\\%%', false)).toEqual([gramKey(0x61, 0x62, 0x25)]);
    // Non-ASCII literals are fine case-sensitively; case-insensitively the index steps aside.
    expect(patternGrams('%日本語%', false)).toEqual(keys('日本語'));
    expect(patternGrams('%Évian%', true)).toBeUndefined();
    // The Kelvin sign folds to 'k', as PostgreSQL lower-cases it, so an ASCII ILIKE finds it.
    expect(keys('\u212Aey')).toEqual(keys('key'));
    // Long literals ask for a bounded, deterministic subset.
    const long = `%${'the quick brown fox jumps over the lazy dog '.repeat(3)}%`;
    expect(patternGrams(long, false)?.length).toBe(patternGrams(long, false)?.length);
    expect(patternGrams(long, false)!.length).toBeLessThanOrEqual(48);
  });

  it('keeps every key once, across growth', () => {
    const set = new GramSet();
    for (let i = 0; i < 10_000; i++) set.add(i * 7919 - 5_000_000);
    for (let i = 0; i < 10_000; i++) set.add(i * 7919 - 5_000_000);
    expect(set.size).toBe(10_000);
    expect(new Set(set.toArray()).size).toBe(10_000);
  });
});

for (const backend of (await testBackends()).filter((b) => b.name === 'postgresql')) {
  describeOnBackend(backend, 'PostgreSQL span text index', () => {
    let fixture: SearchPlanFixture;
    let db: Kysely<Database>;
    let dialect: SqlDialect;
    let exp: string;
    let driving: SqlTraceStore;
    let walking: SqlTraceStore;
    beforeEach(async () => {
      fixture = await openSearchPlanFixture(backend, 'text');
      ({ db, dialect, experimentId: exp, driving, walking } = fixture);
    });
    afterEach(async () => {
      await fixture.dispose();
    });

    const traceId = (i: number) => `tr-${String(i).padStart(4, '0')}`;
    const batch = (i: number, texts: string[], first = 0): SpanBatch => ({
      traceId: traceId(i),
      experimentId: exp,
      earliestStartMs: 1000 + i,
      spans: texts.map((text, k) => ({
        spanId: `s${i}-${first + k}`,
        parentSpanId: null,
        name: `step-${k}`,
        type: 'LLM',
        status: 'OK',
        startTimeUs: (1000 + i) * 1000 + first + k,
        endTimeUs: null,
        content: JSON.stringify({ text }),
      })),
      tags: {},
      metadata: {},
    });
    const search = (store: SqlTraceStore, filter: string) =>
      store
        .searchTraces({ experimentIds: [exp], filter: parseTraceFilter(filter), orderBy: [], page: { limit: 100 } })
        .then((r) => r.items.map((t) => t.traceId));
    const both = async (filter: string) => {
      const expected = await search(walking, filter);
      expect(await search(driving, filter), filter).toEqual(expected);
      return expected;
    };
    const count = async (query: string) => Number((await sql<{ n: string }>`${sql.raw(query)}`.execute(db)).rows[0]?.n);
    const indexAll = async () => {
      while ((await driving.indexSpanText(500)) > 0);
    };

    it('queues what ingest writes, and the indexer empties the queue into chunks that searches use', async () => {
      for (let i = 0; i < 30; i++) await driving.ingestSpans(batch(i, [`order ${i} shipped`, `Customer ${i * 7}`, 'plain']));
      expect(await count('select count(*) as n from span_text_queue')).toBe(30);
      await indexAll();
      expect(await count('select count(*) as n from span_text_queue')).toBe(0);
      expect(await count('select sum(cardinality(span_ids)) as n from span_text_chunks')).toBe(90);
      // With the queue empty, the only way the driving search finds these is through the chunks.
      expect(await both("trace.text LIKE '%Customer 91%'")).toEqual([traceId(13)]);
      expect(await both("trace.text LIKE '%customer 91%'")).toEqual([]);
      const candidates = dialect.spanTextIndex!.candidates('%Customer 91%', 'LIKE')!;
      const { rows } = await sql<{ n: string }>`select count(*) as n from (${candidates}) c`.execute(db);
      expect(Number(rows[0]?.n)).toBeGreaterThan(0);
    });

    it('matches escapes and non-ASCII text as LIKE itself does', async () => {
      await driving.ingestSpans(batch(1, ['price 50% off today', 'path C:\\temp\\x', '\u212Aey point']));
      await driving.ingestSpans(batch(2, ['price 50 percent', 'Évian water', 'Übergrößenträger']));
      await indexAll();
      expect(await both("trace.text LIKE '%50\\% off%'")).toEqual([traceId(1)]);
      expect(await both("trace.text LIKE '%50_ off%'")).toEqual([traceId(1)]);
      expect(await both("trace.text LIKE '%Key point%'")).toEqual([traceId(1)]);
      expect(await both("trace.text LIKE '%größen%'")).toEqual([traceId(2)]);
      expect(await both("trace.text LIKE '%Évian%'")).toEqual([traceId(2)]);
      expect(await both("trace.text LIKE '%évian%'")).toEqual([]);
    });

    it('consumes a queue row larger than a batch in parts, and several indexers never take a span twice', async () => {
      await driving.ingestSpans(
        batch(
          1,
          Array.from({ length: 1200 }, (_, k) => `bulk text ${k}`),
        ),
      );
      for (let i = 2; i < 40; i++) await driving.ingestSpans(batch(i, [`alpha ${i}`, `beta ${i}`]));
      expect(await driving.indexSpanText(500)).toBe(500);
      expect(await count('select cardinality(span_ids) as n from span_text_queue order by queue_id limit 1')).toBe(700);
      // Three indexers at once, each on its own connection.
      const results = await Promise.all(
        [1, 2, 3].map(async () => {
          let n = 0;
          for (let k; (k = await driving.indexSpanText(100)) > 0;) n += k;
          return n;
        }),
      );
      expect(results.reduce((a, b) => a + b, 0)).toBe(700 + 38 * 2);
      expect(await count('select count(*) as n from (select unnest(trace_keys), unnest(span_ids) from span_text_chunks) x')).toBe(1200 + 38 * 2);
      expect(await count('select count(*) as n from (select distinct unnest(trace_keys), unnest(span_ids) from span_text_chunks) x')).toBe(1200 + 38 * 2);
      expect(await both("trace.text LIKE '%bulk text 1199%'")).toEqual([traceId(1)]);
    });

    it('tells a pattern common among the newest chunks without counting candidates, and results stay exact', async () => {
      for (let i = 0; i < 12; i++)
        await driving.ingestSpans(
          batch(
            i,
            Array.from({ length: 64 }, (_, k) => `common words ${k}`),
          ),
        );
      await driving.ingestSpans(batch(99, ['rare zebra']));
      await indexAll();
      const index = dialect.spanTextIndex!;
      expect(await index.looksCommon!(db, '%common words%', 'LIKE')).toBe(true);
      expect(await index.looksCommon!(db, '%zebra%', 'LIKE')).toBe(false);
      expect(await index.looksCommon!(db, '%ab%', 'LIKE')).toBe(false);
      expect(await both("trace.text LIKE '%common words 63%'")).toHaveLength(12);
      expect(await both("trace.text LIKE '%zebra%'")).toEqual([traceId(99)]);
    });

    it('drops a chunk once every trace it covers is deleted, not before', async () => {
      for (let i = 0; i < 3; i++) await driving.ingestSpans(batch(i, [`gamma ${i}`]));
      await indexAll();
      expect(await count('select count(*) as n from span_text_chunks')).toBe(1);
      await driving.deleteTraces(exp, { traceIds: [traceId(0), traceId(1)] });
      expect(await count('select count(*) as n from span_text_chunks')).toBe(1);
      expect(await both("trace.text LIKE '%gamma%'")).toEqual([traceId(2)]);
      await driving.deleteTraces(exp, { traceIds: [traceId(2)] });
      expect(await count('select count(*) as n from span_text_chunks')).toBe(0);
      expect(await both("trace.text LIKE '%gamma%'")).toEqual([]);
    });

    it('queues every span already stored when migration 0008 creates the index', async () => {
      const database = await backend.createEmpty();
      const old = createDialect(database.uri).createKysely();
      try {
        await migrateThrough(old, dialect, '0007-trace-keys');
        // Rows as a server before 0008 wrote them (no queue yet), in the Default experiment.
        await sql`insert into traces (trace_id, experiment_id, request_time_ms, state, span_count, finalized) values ('tr-old', 0, 1, 'OK', 2, 0)`.execute(old);
        await sql`insert into spans (trace_key, span_id, name, type, status, start_time_us, content) select trace_key, s, 'n', 'LLM', 'OK', 1, ${JSON.stringify({ text: 'archived zebra' })} from traces, unnest(array['a', 'b']) s`.execute(
          old,
        );
        await migrateToLatest(old, dialect);
        const store = new SqlTraceStore(old, dialect);
        expect(await store.indexSpanText(500)).toBe(2);
        expect(Number((await sql<{ n: string }>`select sum(cardinality(span_ids)) as n from span_text_chunks`.execute(old)).rows[0]?.n)).toBe(2);
      } finally {
        await old.destroy();
        await database.drop();
      }
    });
  });
}
