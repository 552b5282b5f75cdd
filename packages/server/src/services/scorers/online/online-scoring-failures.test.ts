import { afterEach, expect, it } from 'vitest';
import { createLoupe } from '../../../main.js';
import { resolveServerConfig } from '../../../config/config.js';
import { describeOnBackend, testBackends, type TestDatabase } from '../../../testing/backends.js';
import { createDialect } from '../../../store/sql/dialects/create-dialect.js';
import { SqlExclusiveWork } from '../../../store/sql/sql-exclusive-work.js';
import { isSampled } from './online-scoring-jobs.js';
import { instructionsJudge, openOnlineScoringWorld, T0, worldSettings, type OnlineScoringWorld } from './testing/online-scoring-world.js';

const POLITE = instructionsJudge('polite', 'Is {{ outputs }} a polite answer to {{ inputs }}?');

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'online scoring failures and servers', () => {
    let w: OnlineScoringWorld | undefined;
    afterEach(async () => {
      await w?.dispose();
      w = undefined;
    });

    it('writes an error assessment when the judge fails on every attempt, and keeps the failed job for the jobs API', async () => {
      w = await openOnlineScoringWorld(await backend.create(), { fault: () => 'server_error' });
      const world = w;
      await world.registerScorer('polite', POLITE, 1);
      const id = await world.addTrace({ startMs: T0 - 10_000 });
      await world.loupe.call('POST', '/api/2.0/loupe/scorers/run', { experiment_id: world.experimentId, name: 'polite', trace_ids: [id] });
      for (let i = 0; i < 6; i++) {
        await world.loupe.jobs.runDue();
        world.clock.advance(120_000); // past every backoff
      }
      const [error] = await world.assessments(id, 'polite');
      expect(error?.value).toBeUndefined();
      expect(JSON.parse(error!.error!)).toMatchObject({ error_code: 'JUDGE_ERROR' });
      expect(await world.assessments(id, 'polite')).toHaveLength(1);
      const failed = await world.loupe.call('POST', '/ajax-api/3.0/jobs/search', { job_name: 'scorer.online', statuses: ['FAILED'] });
      expect(failed.status).toBe(200);
      const jobs = failed.body.jobs as { job_id: string; status: string; params: { traceId: string }; result: string; retry_count: number }[];
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({ status: 'FAILED', params: { traceId: id }, retry_count: 3 });
      expect(jobs[0]!.result).toMatch(/500|server/i);
      const one = await world.loupe.call('GET', `/ajax-api/3.0/jobs/${jobs[0]!.job_id}`);
      expect(one.body).toMatchObject({ job_id: jobs[0]!.job_id, job_name: 'scorer.online', status: 'FAILED' });
      expect((await world.loupe.call('GET', '/ajax-api/3.0/jobs/999999')).status).toBe(404);
      expect((await world.loupe.call('POST', '/ajax-api/3.0/jobs/search', { statuses: ['SUCCEEDED'] })).body).toEqual({ jobs: [] });
    });

    it('retries a judge answer that cannot be read, then judges', async () => {
      w = await openOnlineScoringWorld(await backend.create(), { fault: (n) => (n === 1 ? 'garbage' : undefined) });
      const world = w;
      await world.registerScorer('polite', POLITE, 1);
      const id = await world.addTrace({ startMs: T0 - 10_000 });
      await world.loupe.call('POST', '/api/2.0/loupe/scorers/run', { experiment_id: world.experimentId, name: 'polite', trace_ids: [id] });
      await world.loupe.jobs.runDue();
      expect(await world.assessments(id, 'polite')).toHaveLength(0);
      world.clock.advance(120_000);
      await world.loupe.jobs.runDue();
      const [verdict] = await world.assessments(id, 'polite');
      expect(verdict?.error).toBeUndefined();
      expect(verdict?.value).toBeDefined();
    });

    // Several servers share one database on PostgreSQL only (SQLite is one server's embedded store; two
    // connections in one thread would wait on each other's locks). The crash test runs SQLite across processes.
    it.skipIf(backend.name === 'sqlite')('scores each sampled trace once with two servers on one database scanning and judging at the same time', async () => {
      const database: TestDatabase = await backend.create();
      w = await openOnlineScoringWorld(database);
      const world = w;
      const scorerId = await world.registerScorer('polite', POLITE, 0.5);
      const other = await createLoupe(resolveServerConfig({ artifactsDestination: world.loupe.artifactsDir, ...worldSettings(database.uri) }, {}), {
        clock: world.clock,
      });
      try {
        await Promise.all([world.loupe.onlineScoring.runOnce(), other.onlineScoring.runOnce()]);
        const ids: string[] = [];
        for (let round = 0; round < 4; round++) {
          for (let i = 0; i < 20; i++) {
            world.clock.advance(500);
            ids.push(await world.addTrace({ startMs: world.clock.now() - 400, durationMs: 100 }));
          }
          world.clock.advance(6000);
          await Promise.all([world.loupe.onlineScoring.runOnce(), other.onlineScoring.runOnce(), world.loupe.onlineScoring.runOnce()]);
          await Promise.all([world.loupe.jobs.runDue(), other.jobs.runDue()]);
        }
        const sampled = ids.filter((id) => isSampled(id, scorerId, 0.5));
        expect(sampled.length).toBeGreaterThan(0);
        for (const id of ids) expect(await world.assessments(id, 'polite'), id).toHaveLength(sampled.includes(id) ? 1 : 0);
        // Not only written once: judged once (no job ran twice).
        expect(world.judge.requests).toHaveLength(sampled.length);
      } finally {
        await other.close();
      }
    });

    it.skipIf(backend.name === 'sqlite')(
      'leaves the scan to the server running one: a pass meanwhile enqueues nothing, the next one after it does',
      async () => {
        const database: TestDatabase = await backend.create();
        w = await openOnlineScoringWorld(database);
        const world = w;
        await world.registerScorer('polite', POLITE, 1);
        expect(await world.pass()).toBe(0); // the first pass starts the cursor
        world.clock.advance(1000);
        const id = await world.addTrace({ startMs: world.clock.now() - 400, durationMs: 100 });
        world.clock.advance(60_000);
        // Another server (its own pool) is in the middle of a scan.
        const dialect = createDialect(database.uri);
        const otherDb = dialect.createKysely();
        let release!: () => void;
        let entered!: () => void;
        const inside = new Promise<void>((resolve) => (entered = resolve));
        const held = new SqlExclusiveWork(otherDb, dialect).tryRun('online-scoring-scan', async () => {
          entered();
          await new Promise<void>((resolve) => (release = resolve));
        });
        try {
          await inside;
          expect(await world.pass()).toBe(0);
          expect(world.judge.requests).toHaveLength(0);
          release();
          await held;
          expect(await world.pass()).toBe(1);
          expect(await world.assessments(id, 'polite')).toHaveLength(1);
        } finally {
          release?.();
          await otherDb.destroy();
        }
      },
    );
  });
}
