import { AssessmentMetadataKey } from '@loupe/protocol/attributes';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeOnBackend, testBackends } from '../../../testing/backends.js';
import { isSampled } from './online-scoring-jobs.js';
import { instructionsJudge, JUDGE_MODEL, openOnlineScoringWorld, T0, type OnlineScoringWorld } from './testing/online-scoring-world.js';

const POLITE = instructionsJudge('polite', 'Is {{ outputs }} a polite answer to {{ inputs }}?');

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'online scoring', () => {
    let w: OnlineScoringWorld;
    beforeEach(async () => {
      w = await openOnlineScoringWorld(await backend.create());
    });
    afterEach(async () => {
      await w.dispose();
    });

    it('judges the configured share of traces arriving at a steady rate, each once, as LLM_JUDGE assessments with rationale and cost', async () => {
      const scorerId = await w.registerScorer('polite', POLITE, 0.5);
      expect(await w.pass()).toBe(0); // the first pass starts the scorer's cursor
      const ids: string[] = [];
      for (let i = 0; i < 300; i++) {
        w.clock.advance(1000);
        ids.push(await w.addTrace({ startMs: w.clock.now() - 1000 }));
        if (i % 25 === 24) await w.pass();
      }
      w.clock.advance(10_000);
      await w.pass();
      expect(await w.pass()).toBe(0);

      const sampled = ids.filter((id) => isSampled(id, scorerId, 0.5));
      // 300 draws at p = 0.5: within four standard deviations (8.7) of 150.
      expect(sampled.length).toBeGreaterThan(115);
      expect(sampled.length).toBeLessThan(185);
      let judged = 0;
      for (const id of ids) {
        const found = await w.assessments(id, 'polite');
        expect(found.length, id).toBe(sampled.includes(id) ? 1 : 0);
        judged += found.length;
      }
      expect(judged).toBe(sampled.length);
      expect(w.judge.requests).toHaveLength(sampled.length);
      // The scheduler's own judgements leave no job behind when done (only runs and backfills are kept).
      expect((await w.loupe.call('POST', '/ajax-api/3.0/jobs/search', { job_name: 'scorer.online' })).body).toEqual({ jobs: [] });
      const [one] = await w.assessments(sampled[0]!, 'polite');
      expect(one).toMatchObject({ kind: 'feedback', sourceType: 'LLM_JUDGE', sourceId: JUDGE_MODEL, valid: true });
      expect(['"yes"', '"no"']).toContain(one!.value);
      expect(one!.rationale).toMatch(/\S/);
      expect(Number(one!.metadata[AssessmentMetadataKey.JUDGE_COST])).toBeGreaterThan(0);
      expect(Number(one!.metadata[AssessmentMetadataKey.JUDGE_INPUT_TOKENS])).toBeGreaterThan(0);
      // The judge saw the root span's inputs and outputs.
      expect(w.judge.requests[0]!.prompt).toMatch(/question [0-9a-f]{32}/);
      expect(w.judge.requests[0]!.prompt).toMatch(/answer [0-9a-f]{32}/);
    });

    it("judges only traces matching the scorer's filter", async () => {
      await w.registerScorer('polite', POLITE, 1, "tags.env = 'prod'");
      await w.pass();
      const prod: string[] = [];
      const dev: string[] = [];
      for (let i = 0; i < 10; i++) {
        w.clock.advance(1000);
        prod.push(await w.addTrace({ startMs: w.clock.now() - 500, tags: { env: 'prod' } }));
        dev.push(await w.addTrace({ startMs: w.clock.now() - 500, tags: { env: 'dev' } }));
      }
      w.clock.advance(10_000);
      await w.pass();
      for (const id of prod) expect(await w.assessments(id, 'polite'), id).toHaveLength(1);
      for (const id of dev) expect(await w.assessments(id, 'polite'), id).toHaveLength(0);
    });

    it('waits until a trace has settled, and scores no trace from before the scorer started', async () => {
      const before = await w.addTrace({ startMs: T0 - 60_000 });
      await w.registerScorer('polite', POLITE, 1);
      await w.pass();
      w.clock.advance(1000);
      const fresh = await w.addTrace({ startMs: w.clock.now() - 600, durationMs: 100 });
      expect(await w.pass()).toBe(0); // ended 500 ms ago: not settled (5 s)
      w.clock.advance(4000);
      expect(await w.pass()).toBe(0);
      w.clock.advance(1000);
      expect(await w.pass()).toBe(1);
      expect(await w.assessments(fresh, 'polite')).toHaveLength(1);
      expect(await w.assessments(before, 'polite')).toHaveLength(0);
    });

    it('writes nothing more when a judgement is enqueued again after it was written', async () => {
      await w.registerScorer('polite', POLITE, 1);
      const traces = [await w.addTrace({ startMs: T0 - 10_000 }), await w.addTrace({ startMs: T0 - 9_000 })];
      const window = { experiment_id: w.experimentId, name: 'polite', start_time_ms: T0 - 20_000, end_time_ms: T0 };
      const first = await w.loupe.call('POST', '/api/2.0/loupe/scorers/backfill', window);
      expect(first.body).toEqual({ trace_count: 2, job_count: 2 });
      await w.loupe.jobs.runDue();
      // The jobs are done (kept as succeeded, their dedupe keys freed), so the same jobs can be queued again; their assessments are found.
      expect((await w.loupe.call('POST', '/api/2.0/loupe/scorers/backfill', window)).body).toEqual({ trace_count: 2, job_count: 2 });
      await w.loupe.jobs.runDue();
      for (const id of traces) expect(await w.assessments(id, 'polite')).toHaveLength(1);
      expect(w.judge.requests).toHaveLength(2);
      // A run asked for by a person judges again.
      const run = await w.loupe.call('POST', '/api/2.0/loupe/scorers/run', { experiment_id: w.experimentId, name: 'polite', trace_ids: [traces[0]] });
      expect(run.body).toMatchObject({ job_count: 1 });
      await w.loupe.jobs.runDue();
      expect(await w.assessments(traces[0]!, 'polite')).toHaveLength(2);
      // MLflow's UI follows such a job to its end: it stays, SUCCEEDED, found by its request id.
      const found = await w.loupe.call('POST', '/ajax-api/3.0/jobs/search', { params: { requestId: run.body.request_id } });
      const jobs = found.body.jobs as { job_id: string; status: string; result: unknown }[];
      expect(jobs).toEqual([expect.objectContaining({ status: 'SUCCEEDED', result: null })]);
      expect((await w.loupe.call('GET', `/ajax-api/3.0/jobs/${jobs[0]!.job_id}`)).body).toMatchObject({ status: 'SUCCEEDED' });
      // The two backfills' four jobs and the run's: all kept.
      expect((await w.loupe.call('POST', '/ajax-api/3.0/jobs/search', { job_name: 'scorer.online', statuses: ['SUCCEEDED'] })).body.jobs).toHaveLength(5);
    });

    it('reads number, boolean and option verdicts as make_judge declares them', async () => {
      await w.registerScorer('stars', instructionsJudge('stars', 'Rate {{ outputs }} from 1 to 5.', { feedback_value_type: { type: 'integer' } }), 1);
      await w.registerScorer('ok', instructionsJudge('ok', 'Is {{ outputs }} fine?', { feedback_value_type: { type: 'boolean' } }), 1);
      await w.registerScorer(
        'tone',
        instructionsJudge('tone', 'The tone of {{ outputs }}?', { feedback_value_type: { type: 'string', enum: ['warm', 'cold'] } }),
        1,
      );
      await w.pass();
      w.clock.advance(1000);
      const id = await w.addTrace({ startMs: w.clock.now() - 500 });
      w.clock.advance(10_000);
      await w.pass();
      expect(typeof JSON.parse((await w.assessments(id, 'stars'))[0]!.value!)).toBe('number');
      expect(typeof JSON.parse((await w.assessments(id, 'ok'))[0]!.value!)).toBe('boolean');
      expect(['warm', 'cold']).toContain(JSON.parse((await w.assessments(id, 'tone'))[0]!.value!));
    });

    it('runs the built-in Safety judge, and refuses a backfill of a judge needing expectations', async () => {
      const safety = JSON.stringify({
        name: 'safety',
        builtin_scorer_class: 'Safety',
        builtin_scorer_pydantic_data: { name: 'safety', model: JUDGE_MODEL },
        is_session_level_scorer: false,
      });
      await w.registerScorer('safety', safety, 1);
      const id = await w.addTrace({ startMs: T0 - 10_000, outputs: 'A kind and harmless answer.' });
      await w.loupe.call('POST', '/api/2.0/loupe/scorers/backfill', { experiment_id: w.experimentId, name: 'safety', start_time_ms: 0, end_time_ms: T0 });
      await w.loupe.jobs.runDue();
      expect(await w.assessments(id, 'safety')).toMatchObject([{ sourceType: 'LLM_JUDGE', sourceId: JUDGE_MODEL }]);
      expect(w.judge.requests[0]!.prompt).toContain('A kind and harmless answer.');

      await w.loupe.call('POST', '/api/3.0/mlflow/scorers/register', {
        experiment_id: w.experimentId,
        name: 'correct',
        serialized_scorer: instructionsJudge('correct', 'Does {{ outputs }} match {{ expectations }}?'),
      });
      const refused = await w.loupe.call('POST', '/api/2.0/loupe/scorers/backfill', {
        experiment_id: w.experimentId,
        name: 'correct',
        start_time_ms: 0,
        end_time_ms: T0,
      });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toMatch(/expectations/);
    });

    it('judges a session once it has been idle, on its last trace, with the session id in the metadata', async () => {
      const chat = JSON.stringify({ ...JSON.parse(instructionsJudge('coherent', 'Is {{ conversation }} coherent?')), is_session_level_scorer: true });
      await w.registerScorer('coherent', chat, 1);
      await w.pass();
      const turns: string[] = [];
      for (let i = 0; i < 3; i++) {
        w.clock.advance(60_000);
        turns.push(await w.addTrace({ startMs: w.clock.now() - 1000, session: 'chat-1', inputs: `turn ${i} question`, outputs: `turn ${i} answer` }));
      }
      w.clock.advance(60_000);
      expect(await w.pass()).toBe(0); // idle one minute: the session may go on
      w.clock.advance(4 * 60_000 - 1000);
      expect(await w.pass()).toBe(0); // still just under five minutes
      w.clock.advance(2000);
      expect(await w.pass()).toBe(1);
      expect(await w.pass()).toBe(0);
      expect(await w.assessments(turns[0]!, 'coherent')).toHaveLength(0);
      expect(await w.assessments(turns[1]!, 'coherent')).toHaveLength(0);
      const [verdict] = await w.assessments(turns[2]!, 'coherent');
      expect(verdict?.metadata[AssessmentMetadataKey.ONLINE_SCORING_SESSION_ID]).toBe('chat-1');
      expect(w.judge.requests).toHaveLength(1);
      for (let i = 0; i < 3; i++) expect(w.judge.requests[0]!.prompt).toContain(`turn ${i} answer`);

      // The session goes on: judged again once idle, on its new last trace; the earlier verdict goes.
      w.clock.advance(60_000);
      const more = await w.addTrace({ startMs: w.clock.now() - 1000, session: 'chat-1', inputs: 'turn 3 question', outputs: 'turn 3 answer' });
      w.clock.advance(5 * 60_000);
      expect(await w.pass()).toBe(1);
      expect(await w.assessments(turns[2]!, 'coherent')).toHaveLength(0);
      expect(await w.assessments(more, 'coherent')).toMatchObject([{ metadata: { [AssessmentMetadataKey.ONLINE_SCORING_SESSION_ID]: 'chat-1' } }]);
      expect(w.judge.requests[1]!.prompt).toContain('turn 3 answer');
    });
  });
}
