import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeOnBackend, testBackends } from '../../../testing/backends.js';
import { createDialect } from '../dialects/create-dialect.js';
import type { SqlDialect } from '../dialects/sql-dialect.js';
import { migrateThrough, migrateToLatest } from '../migrate.js';
import type { Database } from '../schema.js';
import { SqlTraceStore } from '../sql-trace-store.js';

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'migration 0007 (integer trace keys)', () => {
    let db: Kysely<Database>;
    let dialect: SqlDialect;
    let drop: () => Promise<void>;
    beforeEach(async () => {
      const database = await backend.createEmpty();
      dialect = createDialect(database.uri);
      db = dialect.createKysely();
      drop = async () => {
        await db.destroy();
        await database.drop();
      };
      // The schema as the release before 0007 left it.
      await migrateThrough(db, dialect, '0006-span-text');
    });
    afterEach(async () => {
      await drop();
    });

    it('keys existing traces in time order and keeps their spans, tags, metadata, assessments and text index', async () => {
      // Rows as the previous schema held them: children keyed by the client's trace id.
      await sql`insert into experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time) values ('e', 'x', 'active', 1, 1)`.execute(
        db,
      );
      const { rows } = await sql<{ id: number }>`select experiment_id as id from experiments`.execute(db);
      const exp = Number(rows[0]?.id);
      // The newer trace is inserted first: keys must follow time, not insertion.
      for (const [id, time] of [
        ['tr-b', 2000],
        ['tr-a', 1000],
      ] as const) {
        await sql`insert into traces (trace_id, experiment_id, request_time_ms, state, span_count, finalized) values (${id}, ${exp}, ${time}, 'OK', 2, 1)`.execute(
          db,
        );
        for (const span of ['s1', 's2']) {
          await sql`insert into spans (trace_id, span_id, parent_span_id, name, type, status, start_time_us, content, input_tokens)
            values (${id}, ${`${id}-${span}`}, ${span === 's1' ? null : `${id}-s1`}, ${span}, 'LLM', 'OK', ${time * 1000}, ${`{"text":"hello from ${id}"}`}, 5)`.execute(
            db,
          );
        }
        await sql`insert into trace_tags (trace_id, key, value) values (${id}, 'env', ${`env-${id}`})`.execute(db);
        await sql`insert into trace_metadata (trace_id, key, value) values (${id}, 'mlflow.trace.session', ${`sess-${id}`})`.execute(db);
        await sql`insert into assessments (assessment_id, trace_id, name, assessment_type, value, value_text, source_type, source_id, create_time_ms, last_update_time_ms)
          values (${`a-${id}`}, ${id}, 'rating', 'feedback', '5', '5', 'HUMAN', 'u', 1, 1)`.execute(db);
      }
      let rowidsBefore: unknown[] = [];
      if (dialect.name === 'sqlite') {
        await sql`insert into span_text (rowid, content) select rowid, content from spans`.execute(db);
        await sql`update span_text_progress set indexed_rowid = (select max(rowid) from spans)`.execute(db);
        rowidsBefore = (await sql<{ r: number; s: string }>`select rowid as r, span_id as s from spans order by rowid`.execute(db)).rows;
      }

      expect(await migrateThrough(db, dialect, '0007-trace-keys')).toEqual(['0007-trace-keys']);

      const keys = await db.selectFrom('traces').select(['trace_id', 'trace_key']).orderBy('trace_key').execute();
      expect(keys.map((k) => k.trace_id)).toEqual(['tr-a', 'tr-b']);
      // The store as this release runs it, on the migrations after 0007 too.
      await migrateToLatest(db, dialect);
      const store = new SqlTraceStore(db, dialect);
      const b = await store.getTrace('tr-b');
      expect(b).toMatchObject({ tags: { env: 'env-tr-b' }, metadata: { 'mlflow.trace.session': 'sess-tr-b' }, spanCount: 2 });
      expect(b?.assessments?.map((a) => a.assessmentId)).toEqual(['a-tr-b']);
      expect((await store.getSpans('tr-a', { offset: 0, limit: 10 })).items.map((s) => s.spanId)).toEqual(['tr-a-s1', 'tr-a-s2']);
      expect((await store.findSpans({ traceId: 'tr-b', parentSpanId: 'tr-b-s1', filter: [], limit: 10 })).items.map((s) => s.spanId)).toEqual(['tr-b-s2']);
      if (dialect.name === 'sqlite') {
        expect((await sql`select rowid as r, span_id as s from spans order by rowid`.execute(db)).rows).toEqual(rowidsBefore);
        const triggers = await sql<{ name: string }>`select name from sqlite_master where type = 'trigger' order by name`.execute(db);
        expect(triggers.rows.map((t) => t.name)).toEqual(['spans_text_delete', 'spans_text_update']);
        expect((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows[0]?.foreign_keys).toBe(1);
      }

      // New traces get later keys; deleting a trace still takes its rows with it.
      await store.ingestSpans({
        traceId: 'tr-c',
        experimentId: String(exp),
        earliestStartMs: 500,
        spans: [{ spanId: 'c1', parentSpanId: null, name: 'root', type: 'CHAIN', status: 'OK', startTimeUs: 500_000, endTimeUs: 600_000, content: '{}' }],
        tags: {},
        metadata: {},
      });
      const c = await db.selectFrom('traces').select('trace_key').where('trace_id', '=', 'tr-c').executeTakeFirstOrThrow();
      expect(Number(c.trace_key)).toBeGreaterThan(Number(keys[1]?.trace_key));
      expect(await store.deleteTraces(String(exp), { traceIds: ['tr-a'] })).toBe(1);
      const count = async (table: 'spans' | 'trace_tags' | 'trace_metadata') =>
        Number(
          (
            await db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      expect([await count('spans'), await count('trace_tags'), await count('trace_metadata')]).toEqual([3, 1, 1]);
      expect((await db.selectFrom('assessments').select('trace_id').execute()).map((a) => a.trace_id)).toEqual(['tr-b']);
    });
  });
}
