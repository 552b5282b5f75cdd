import { ScorerResponses } from '@loupe/protocol';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeOnBackend, testBackends } from '../../../testing/backends.js';
import { instructionsJudge, openOnlineScoringWorld, T0, type OnlineScoringWorld } from './testing/online-scoring-world.js';

const POLITE = instructionsJudge('polite', 'Is {{ outputs }} a polite answer to {{ inputs }}?');
const SETTLE_MS = 5_000;

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'online scoring status (GET /api/2.0/loupe/scorers/status)', () => {
    let w: OnlineScoringWorld;
    beforeEach(async () => {
      w = await openOnlineScoringWorld(await backend.create());
    });
    afterEach(async () => {
      await w.dispose();
    });

    const status = async () => {
      const res = await w.loupe.call('GET', `/api/2.0/loupe/scorers/status?experiment_id=${w.experimentId}`);
      expect(res.status, res.text).toBe(200);
      return ScorerResponses.ScorerStatus.parse(res.body).scorers;
    };
    const polite = async () => (await status()).find((s) => s.name === 'polite')!;

    it("follows a judge from registration through the scheduler's cursor, its queued jobs and its judgements", async () => {
      expect(await status()).toEqual([]);
      const scorerId = await w.registerScorer('polite', POLITE, 1, "tags.env = 'prod'");
      expect(await polite()).toEqual({
        scorer_id: scorerId,
        name: 'polite',
        version: 1,
        session_level: false,
        pending_jobs: 0,
        running_jobs: 0,
        failed_jobs: 0,
      });

      // The first pass starts the cursor: traces that end from then on are examined.
      await w.pass();
      expect(await polite()).toMatchObject({ examined_through_ms: T0 - SETTLE_MS, cursor_update_time_ms: T0, unexamined_traces: 0 });

      w.clock.advance(1000);
      const prod = [await w.addTrace({ startMs: T0, tags: { env: 'prod' } }), await w.addTrace({ startMs: T0 + 100, tags: { env: 'prod' } })];
      await w.addTrace({ startMs: T0, tags: { env: 'dev' } }); // outside the filter
      expect(await polite()).toMatchObject({ unexamined_traces: 2, pending_jobs: 0 });

      // Examined (cursor moved, jobs queued), not judged yet.
      w.clock.advance(10_000);
      expect(await w.loupe.onlineScoring.runOnce()).toBe(2);
      const queued = await polite();
      expect(queued).toMatchObject({ unexamined_traces: 0, pending_jobs: 2, examined_through_ms: T0 + 1100, cursor_update_time_ms: T0 + 11_000 });
      expect(queued.last_judgement_time_ms).toBeUndefined();

      // Judged: the queue is empty and the newest judgement is the last run.
      w.clock.advance(500);
      await w.loupe.jobs.runDue();
      expect(await w.assessments(prod[1]!, 'polite')).toHaveLength(1);
      expect(await polite()).toMatchObject({ pending_jobs: 0, running_jobs: 0, last_judgement_time_ms: T0 + 11_500 });

      // Stopped (rate 0): nothing is counted as waiting any more.
      await w.loupe.call('PUT', '/api/3.0/mlflow/scorers/online-config', { experiment_id: w.experimentId, name: 'polite', sample_rate: 0 });
      w.clock.advance(1000);
      await w.addTrace({ startMs: w.clock.now() - 500, tags: { env: 'prod' } });
      expect((await polite()).unexamined_traces).toBeUndefined();
    });

    it('says why a scorer cannot run online, and marks session judges', async () => {
      await w.loupe.call('POST', '/api/3.0/mlflow/scorers/register', {
        experiment_id: w.experimentId,
        name: 'code',
        serialized_scorer: JSON.stringify({ name: 'code', call_source: 'def code(outputs): return True', original_func_name: 'code' }),
      });
      const chat = JSON.stringify({ ...JSON.parse(instructionsJudge('coherent', 'Is {{ conversation }} coherent?')), is_session_level_scorer: true });
      await w.registerScorer('coherent', chat, 1);
      const byName = Object.fromEntries((await status()).map((s) => [s.name, s]));
      expect(byName.code).toMatchObject({ session_level: false, online_error: "Scorer 'code' does not use a gateway model." });
      expect(byName.coherent).toMatchObject({ session_level: true });
      expect(byName.coherent?.online_error).toBeUndefined();
    });

    it('answers RESOURCE_DOES_NOT_EXIST for an unknown experiment', async () => {
      const res = await w.loupe.call('GET', '/api/2.0/loupe/scorers/status?experiment_id=987654');
      expect(res.status).toBe(404);
      expect(res.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    });
  });
}
