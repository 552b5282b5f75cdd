import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';
import { SqliteDialect } from '../../store/sql/dialects/sqlite/sqlite-dialect.js';
import { SqlTraceStore } from '../../store/sql/sql-trace-store.js';
import { TestClock } from '../../testing/test-clock.js';
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
  const indexed = async () =>
    Number((await sql<{ indexed: number }>`select indexed_rowid as indexed from span_text_progress`.execute(loupe.db)).rows[0]?.indexed);

  it('steps back while ingest requests keep arriving: one batch per busy interval, then full speed', async () => {
    await send(700, 'delta');
    const clock = new TestClock();
    const indexing = new SpanTextIndexing(store(), clock, { batchSize: 100, pauseMs: 1, idleMs: 60_000, busyIntervalMs: 60_000 });
    indexing.noteIngest();
    indexing.start();
    // Ingest just happened: one batch, then the busy interval.
    expect(await clock.nextTimer()).toBe(60_000);
    expect(await indexed()).toBe(100);
    clock.advance(59_999);
    expect(await indexed()).toBe(100);
    // A minute without ingest: batches follow each other after the short pause.
    let pause = clock.nextTimer();
    clock.advance(1);
    expect(await pause).toBe(1);
    expect(await indexed()).toBe(200);
    for (let done = 200; done < 700; done += 100) {
      pause = clock.nextTimer();
      clock.advance(1);
      expect(await pause).toBe(1);
    }
    expect(await indexed()).toBe(700);
    // Caught up: a look every idle interval.
    pause = clock.nextTimer();
    clock.advance(1);
    expect(await pause).toBe(60_000);
    await indexing.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps to its busy share of the time while ingest is active', async () => {
    // A store whose batches take 20 ms of the test clock each and never run out (only the pacing is under test).
    const pauseAfterBatch = async (busyShare: number | undefined, ingestActive = true) => {
      const clock = new TestClock();
      const slowBatches = {
        indexSpanText: async () => {
          clock.advance(20);
          return 1;
        },
      } as unknown as SqlTraceStore;
      const indexing = new SpanTextIndexing(slowBatches, clock, {
        batchSize: 100,
        pauseMs: 1,
        idleMs: 60_000,
        busyIntervalMs: 5,
        ...(busyShare !== undefined ? { busyShare } : {}),
      });
      if (ingestActive) indexing.noteIngest();
      const pause = clock.nextTimer();
      indexing.start();
      const ms = await pause;
      await indexing.stop();
      return ms;
    };
    // 10%: a 20 ms batch, then 180 ms of waiting.
    expect(await pauseAfterBatch(0.1)).toBe(180);
    expect(await pauseAfterBatch(0.5)).toBe(20);
    // All of the time (the default): the busy interval alone.
    expect(await pauseAfterBatch(1)).toBe(5);
    expect(await pauseAfterBatch(undefined)).toBe(5);
    // A share of 0 is taken as 1%: the indexer never stops altogether.
    expect(await pauseAfterBatch(0)).toBe(1980);
    // Without ingest the share does not apply.
    expect(await pauseAfterBatch(0.1, false)).toBe(1);
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
    const { clock } = loupe;
    let pause = clock.nextTimer();
    loupe.textIndexing.start();
    // The server's settings: batches of 500; ingest just happened, so the busy interval of 250 ms.
    expect(await pause).toBe(250);
    expect((await progress()).indexed).toBe(500);
    pause = clock.nextTimer();
    clock.advance(250);
    // The rest; ingest was 250 ms ago, within the idle interval of 500 ms: the busy interval again.
    expect(await pause).toBe(250);
    const p = await progress();
    expect(p.indexed).toBe(p.total);
    // Caught up, and no ingest for 500 ms: the next batch finds nothing, then a look every 500 ms.
    pause = clock.nextTimer();
    clock.advance(250);
    expect(await pause).toBe(500);
    await loupe.textIndexing.stop();
    expect(await loupe.textIndexing.catchUp()).toBe(0);
  });
});
