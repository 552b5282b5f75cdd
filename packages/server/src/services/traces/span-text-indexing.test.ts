import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';
import { SqliteDialect } from '../../store/sql/dialects/sqlite/sqlite-dialect.js';
import { SqlTraceStore } from '../../store/sql/sql-trace-store.js';
import { SpanTextIndexing } from './span-text-indexing.js';

describe('SpanTextIndexing (SQLite)', () => {
  let loupe: TestLoupe;
  let exp: string;
  beforeEach(async () => {
    loupe = await createTestLoupe();
    exp = (await loupe.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'indexing' })).body.experiment_id as string;
  });
  afterEach(async () => {
    await loupe.dispose();
  });

  const send = async (n: number, text: string) => {
    const spans = Array.from({ length: n }, (_, i) => ({
      traceId: 'ab'.repeat(16),
      spanId: (i + 1).toString(16).padStart(16, '0'),
      name: `span ${text} ${i}`,
      kind: 1,
      startTimeUnixNano: String(1_750_000_000_000_000_000n + BigInt(i)),
      endTimeUnixNano: String(1_750_000_000_000_000_100n + BigInt(i)),
      status: { code: 1 },
    }));
    const res = await loupe.app.request('/v1/traces', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': exp },
      body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] }),
    });
    expect(res.status).toBe(200);
  };

  it('catches up with what ingest wrote, then finds nothing more to do', async () => {
    await send(1200, 'alpha');
    expect(await loupe.textIndexing.catchUp()).toBe(1200);
    expect(await loupe.textIndexing.catchUp()).toBe(0);
    // Re-sent spans with other content are indexed again.
    await send(3, 'beta');
    expect(await loupe.textIndexing.catchUp()).toBe(3);
  });

  // A second store on the same connection (the dialect object only serves SQL fragments here).
  const store = () => new SqlTraceStore(loupe.db, new SqliteDialect('sqlite://:memory:'));

  it('steps back while ingest requests keep arriving: one batch per busy interval', async () => {
    await send(700, 'delta');
    const indexing = new SpanTextIndexing(store(), { batchSize: 100, pauseMs: 1, idleMs: 60_000, busyIntervalMs: 60_000 });
    indexing.noteIngest();
    indexing.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await indexing.stop();
    const { rows } = await sql<{ indexed: number }>`select indexed_rowid as indexed from span_text_progress`.execute(loupe.db);
    expect(Number(rows[0]?.indexed)).toBe(100);
    // Without ingest it goes at full speed.
    const free = new SpanTextIndexing(store(), { batchSize: 100, pauseMs: 1, idleMs: 60_000, busyIntervalMs: 60_000 });
    free.start();
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { rows: now } = await sql<{ indexed: number }>`select indexed_rowid as indexed from span_text_progress`.execute(loupe.db);
      if (Number(now[0]?.indexed) >= 700) break;
      if (Date.now() > deadline) throw new Error('indexer did not catch up');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await free.stop();
  });

  it('keeps to its busy share of the time while ingest is active', async () => {
    // A store whose batches take 20 ms each and never run out (only the indexer's pacing is under test).
    const slowBatches = (calls: number[]) =>
      ({
        indexSpanText: async () => {
          calls.push(performance.now());
          await new Promise((resolve) => setTimeout(resolve, 20));
          return 1;
        },
      }) as unknown as SqlTraceStore;
    const run = async (busyShare: number) => {
      const calls: number[] = [];
      const indexing = new SpanTextIndexing(slowBatches(calls), { batchSize: 100, pauseMs: 1, idleMs: 60_000, busyIntervalMs: 1, busyShare });
      indexing.noteIngest();
      indexing.start();
      await new Promise((resolve) => setTimeout(resolve, 600));
      await indexing.stop();
      return calls.length;
    };
    // 10%: a 20 ms batch, then at least 180 ms of waiting: at most 4 batches in 600 ms.
    expect(await run(0.1)).toBeLessThanOrEqual(4);
    // All of the time: a batch every ~21 ms.
    expect(await run(1)).toBeGreaterThanOrEqual(10);
  });

  it('runs in the background until stopped', async () => {
    await send(700, 'gamma');
    const progress = async () => {
      const { rows } = await sql<{
        indexed: number;
        total: number;
      }>`select (select indexed_rowid from span_text_progress) as indexed, (select max(rowid) from spans) as total`.execute(loupe.db);
      return rows[0] as { indexed: number; total: number };
    };
    expect((await progress()).indexed).toBe(0);
    loupe.textIndexing.start();
    const deadline = Date.now() + 10_000;
    for (let p = await progress(); p.indexed < p.total; p = await progress()) {
      if (Date.now() > deadline) throw new Error(`indexer stuck at ${p.indexed} of ${p.total}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await loupe.textIndexing.stop();
    expect(await loupe.textIndexing.catchUp()).toBe(0);
  });
});
