import { parseTraceFilter } from '@loupe/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeOnBackend, testBackends } from '../../testing/backends.js';
import type { SpanBatch } from '../trace-store.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import { trigramQuery } from './dialects/sqlite/sqlite-span-text.js';
import type { SqlTraceStore } from './sql-trace-store.js';
import { openSearchPlanFixture, type SearchPlanFixture } from '../../testing/sql-stores.js';
import { indexSpanText } from '../../main.js';

describe('trigramQuery', () => {
  it('asks for every trigram of every literal run, lower-cased and quoted', () => {
    expect(trigramQuery('%Order 42%')).toBe('"ord" AND "rde" AND "der" AND "er " AND "r 4" AND " 42"');
    expect(trigramQuery('%ab%cde_fgh%')).toBe('"cde" AND "fgh"');
    expect(trigramQuery('%say "hi"%')).toBe('"say" AND "ay " AND "y """ AND " ""h" AND """hi" AND "hi"""');
    expect(trigramQuery('%ab%')).toBeUndefined();
    expect(trigramQuery('%日本語の%')).toBe('"日本語" AND "本語の"');
  });
});

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'trace.text: the index-driven search finds what a scan finds, while indexing lags, after updates and deletes', () => {
    let fixture: SearchPlanFixture;
    let dialect: SqlDialect;
    let exp: string;
    let driving: SqlTraceStore;
    let walking: SqlTraceStore;
    let uri: string;
    beforeEach(async () => {
      // Every text pattern with a literal drives `driving` from the index; `walking` never.
      fixture = await openSearchPlanFixture(backend, 'text');
      ({ dialect, uri, experimentId: exp, driving, walking } = fixture);
    });
    afterEach(async () => {
      await fixture.dispose();
    });

    const traceId = (i: number) => `tr-${String(i).padStart(4, '0')}`;
    const batch = (i: number, texts: string[]): SpanBatch => ({
      traceId: traceId(i),
      experimentId: exp,
      earliestStartMs: 1000 + i,
      spans: texts.map((text, k) => ({
        spanId: `s${i}-${k}`,
        parentSpanId: k === 0 ? null : `s${i}-0`,
        name: `step-${k}`,
        type: 'LLM',
        status: 'OK',
        startTimeUs: (1000 + i) * 1000 + k,
        endTimeUs: null,
        content: JSON.stringify({ name: `step-${k}`, attributes: [{ key: 'mlflow.spanInputs', value: { string_value: JSON.stringify(text) } }] }),
      })),
      tags: {},
      metadata: {},
    });
    const both = async (filter: string) => {
      const run = (store: SqlTraceStore) =>
        store
          .searchTraces({ experimentIds: [exp], filter: parseTraceFilter(filter), orderBy: [], page: { limit: 100 } })
          .then((r) => r.items.map((t) => t.traceId));
      const expected = await run(walking);
      expect(await run(driving), filter).toEqual(expected);
      return expected;
    };

    it('is brought up to date at once by `loupe db index-text`, which reports what it indexed', async () => {
      for (let i = 0; i < 30; i++) await driving.ingestSpans(batch(i, [`alpha ${i}`, `beta ${i}`]));
      expect(await indexSpanText(uri)).toBe(dialect.spanTextIndex ? 60 : 0);
      expect(await driving.indexSpanText(500)).toBe(0);
      expect(await both("trace.text LIKE '%beta 17%'")).toEqual([traceId(17)]);
    });

    it('keeps results exact through every index state', async () => {
      for (let i = 0; i < 20; i++) await driving.ingestSpans(batch(i, [`question about order ${i}.`, `Refund for Customer ${i * 7}`, 'plain']));
      // Nothing indexed yet: every span is scanned.
      expect(await both("trace.text LIKE '%order 13.%'")).toEqual([traceId(13)]);
      const indexed = await driving.indexSpanText(25);
      expect(indexed).toBe(dialect.spanTextIndex ? 25 : 0);
      // Partly indexed: candidates plus the rest.
      expect(await both("trace.text LIKE '%order 1%'")).toEqual([19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 1].map(traceId));
      while ((await driving.indexSpanText(500)) > 0);
      expect(await both("trace.text LIKE '%Customer 91%'")).toEqual([traceId(13)]);
      expect(await both("trace.text LIKE '%customer 91%'")).toEqual([]);
      expect(await both("trace.text LIKE '%Customer 9_%'")).toEqual([traceId(14), traceId(13)]);
      expect(await both("trace.text LIKE '%nowhere to be found%'")).toEqual([]);
      expect(await both("trace.text LIKE '%order 13.%' AND trace.status = 'IN_PROGRESS'")).toEqual([traceId(13)]);

      // A span sent again with other content: its new text is found, its old text no longer.
      await driving.ingestSpans(batch(13, ['question about invoice 77']));
      expect(await both("trace.text LIKE '%invoice 77%'")).toEqual([traceId(13)]);
      expect(await both("trace.text LIKE '%order 13.%'")).toEqual([]);
      while ((await driving.indexSpanText(500)) > 0);
      expect(await both("trace.text LIKE '%invoice 77%'")).toEqual([traceId(13)]);
      expect(await both("trace.text LIKE '%order 13.%'")).toEqual([]);

      // Deleting the newest trace frees the highest rowids; spans written next may reuse them.
      expect(await driving.deleteTraces(exp, { traceIds: [traceId(19)] })).toBe(1);
      expect(await both("trace.text LIKE '%order 19%'")).toEqual([]);
      await driving.ingestSpans(batch(40, ['reused rowid text zebra', 'more zebra', 'last zebra']));
      expect(await both("trace.text LIKE '%zebra%'")).toEqual([traceId(40)]);
      while ((await driving.indexSpanText(500)) > 0);
      expect(await both("trace.text LIKE '%zebra%'")).toEqual([traceId(40)]);
      expect(await both("trace.text LIKE '%order 19%'")).toEqual([]);

      // The mark inside the newest trace: delete it (spans below and above the mark), write again.
      await driving.ingestSpans(batch(41, ['alpha one', 'alpha two', 'alpha three']));
      await driving.indexSpanText(2);
      expect(await driving.deleteTraces(exp, { traceIds: [traceId(41)] })).toBe(1);
      await driving.ingestSpans(batch(42, ['kiwi one', 'kiwi two', 'kiwi three']));
      expect(await both("trace.text LIKE '%kiwi one%'")).toEqual([traceId(42)]);
      expect(await both("trace.text LIKE '%alpha%'")).toEqual([]);
      while ((await driving.indexSpanText(500)) > 0);
      expect(await both("trace.text LIKE '%kiwi one%'")).toEqual([traceId(42)]);
      expect(await both("trace.text LIKE '%alpha%'")).toEqual([]);
    });
  });
}
