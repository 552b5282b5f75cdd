import { afterEach, beforeEach, expect, it } from 'vitest';
import { openJobTestDb, type JobTestDb } from '../../services/jobs/testing/job-test-db.js';
import { describeOnBackend, testBackends } from '../../testing/backends.js';
import type { AssessmentRecord } from '../assessment-store.js';
import { SqlAssessmentStore } from './sql-assessment-store.js';
import { SqlOnlineScoringStore } from './sql-online-scoring-store.js';

const T0 = 1_700_000_000_000;

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'SqlOnlineScoringStore', () => {
    let t: JobTestDb;
    let store: SqlOnlineScoringStore;
    let experimentId: string;
    beforeEach(async () => {
      t = await openJobTestDb(backend);
      store = new SqlOnlineScoringStore(t.db);
      const experiment = await t.db
        .insertInto('experiments')
        .values({ name: 'e', artifact_location: '/tmp', lifecycle_stage: 'active', creation_time: T0, last_update_time: T0 })
        .returning('experiment_id')
        .executeTakeFirstOrThrow();
      experimentId = String(experiment.experiment_id);
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

    it("reads a scorer's progress: its cursors, its jobs by status (no other scorer's), its newest LLM_JUDGE assessment", async () => {
      await t.db
        .insertInto('scorers')
        .values({ scorer_id: 's_1', experiment_id: Number(experimentId), scorer_name: 'judge-2' })
        .execute();
      const query = { scorerId: 's_1', experimentId, name: 'judge', jobKind: 'scorer.online' };
      expect(await store.progress(query)).toEqual({ cursors: [], jobs: { pending: 0, running: 0, failed: 0 } });

      const job = (scorerId: string, key: string, kind = 'scorer.online') => ({ kind, payload: { traceId: key, scorerId, version: 1 }, dedupeKey: key });
      // `s_1` as a LIKE pattern would match `sx1`: the ids are matched literally.
      const jobs = [job('s_1', 'a'), job('s_1', 'b'), job('s_1', 'c'), job('s_1', 'd'), job('sx1', 'e'), job('s_1', 'f', 'other.kind')];
      expect(await store.advance('s_1', 'trace', undefined, [T0 + 5, T0, 'tr-1'], jobs, T0 + 10)).toBe(true);
      expect(await store.advance('s_1', 'session', undefined, [T0 + 2, T0, 'tr-0'], [], T0 + 20)).toBe(true);
      const [first, second] = await t.jobs.claim({ kinds: ['scorer.online'], worker: 'w1', limit: 2, now: T0 + 30, leaseMs: 60_000 });
      await t.jobs.fail(first!.id, 'w1', 'judge refused', T0 + 40);
      expect(second).toBeDefined();

      const traces = ['tr-1', 'tr-2'];
      for (const traceId of traces) {
        await t.db
          .insertInto('traces')
          .values({
            trace_id: traceId,
            experiment_id: Number(experimentId),
            request_time_ms: T0,
            execution_duration_ms: 5,
            state: 'OK',
            client_request_id: null,
            request_preview: null,
            response_preview: null,
            root_span_id: null,
            span_count: 0,
            finalized: 1,
          })
          .execute();
      }
      const assessments = new SqlAssessmentStore(t.db);
      const judged = (traceId: string, at: number, patch: Partial<AssessmentRecord> = {}): AssessmentRecord => ({
        assessmentId: `a-${traceId}-${at}`,
        traceId,
        name: 'judge',
        kind: 'feedback',
        value: '"yes"',
        sourceType: 'LLM_JUDGE',
        sourceId: 'gateway:/judge-ep',
        createTimeMs: at,
        lastUpdateTimeMs: at,
        metadata: {},
        valid: true,
        ...patch,
      });
      await assessments.createAssessment(judged('tr-1', T0 + 100));
      await assessments.createAssessment(judged('tr-2', T0 + 200));
      // Not this judge's: a person's feedback of the same name, and another judge, both later.
      await assessments.createAssessment(judged('tr-2', T0 + 300, { sourceType: 'HUMAN', sourceId: 'ann' }));
      await assessments.createAssessment(judged('tr-1', T0 + 400, { name: 'other' }));

      expect(await store.progress(query)).toEqual({
        cursors: [
          { lane: 'session', position: [T0 + 2, T0, 'tr-0'], updatedAt: T0 + 20 },
          { lane: 'trace', position: [T0 + 5, T0, 'tr-1'], updatedAt: T0 + 10 },
        ],
        jobs: { pending: 2, running: 1, failed: 1 },
        lastJudgementMs: T0 + 200,
      });
      expect((await store.progress({ ...query, scorerId: 'sx1' })).jobs).toEqual({ pending: 1, running: 0, failed: 0 });
      // Another experiment's traces do not count.
      expect((await store.progress({ ...query, experimentId: String(Number(experimentId) + 1) })).lastJudgementMs).toBeUndefined();
    });
  });
}
