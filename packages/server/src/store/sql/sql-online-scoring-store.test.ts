import { afterEach, beforeEach, expect, it } from 'vitest';
import { openJobTestDb, type JobTestDb } from '../../services/jobs/testing/job-test-db.js';
import { describeOnBackend, testBackends } from '../../testing/backends.js';
import { SqlOnlineScoringStore } from './sql-online-scoring-store.js';

const T0 = 1_700_000_000_000;

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'SqlOnlineScoringStore', () => {
    let t: JobTestDb;
    let store: SqlOnlineScoringStore;
    beforeEach(async () => {
      t = await openJobTestDb(backend);
      store = new SqlOnlineScoringStore(t.db);
      const experiment = await t.db
        .insertInto('experiments')
        .values({ name: 'e', artifact_location: '/tmp', lifecycle_stage: 'active', creation_time: T0, last_update_time: T0 })
        .returning('experiment_id')
        .executeTakeFirstOrThrow();
      await t.db
        .insertInto('scorers')
        .values({ scorer_id: 's1', experiment_id: Number(experiment.experiment_id), scorer_name: 'judge' })
        .execute();
    });
    afterEach(async () => {
      await t.dispose();
    });

    it('moves a cursor only from the value read, enqueuing its jobs in the same transaction', async () => {
      const job = (key: string) => ({ kind: 'scorer.online', payload: { key }, dedupeKey: key });
      expect(await store.getCursor('s1', 'trace')).toBeUndefined();
      expect(await store.advance('s1', 'trace', undefined, [T0, 0, ''], [job('a')], T0)).toBe(true);
      // A second server that also saw no cursor loses, and queues nothing.
      expect(await store.advance('s1', 'trace', undefined, [T0, 0, ''], [job('b')], T0)).toBe(false);
      expect(await store.advance('s1', 'trace', [T0, 0, ''], [T0 + 5, T0, 'tr-1'], [job('c')], T0)).toBe(true);
      // A server that read the old position loses.
      expect(await store.advance('s1', 'trace', [T0, 0, ''], [T0 + 9, T0, 'tr-2'], [job('d')], T0)).toBe(false);
      expect(await store.getCursor('s1', 'trace')).toEqual([T0 + 5, T0, 'tr-1']);
      expect(await store.getCursor('s1', 'session')).toBeUndefined();
      expect((await t.jobs.list('scorer.online', 10)).map((j) => j.dedupeKey)).toEqual(['a', 'c']);
      // The cursor goes with its scorer.
      await t.db.deleteFrom('scorers').where('scorer_id', '=', 's1').execute();
      expect(await store.getCursor('s1', 'trace')).toBeUndefined();
    });
  });
}
