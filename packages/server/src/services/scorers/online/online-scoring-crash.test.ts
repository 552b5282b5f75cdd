import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { describeOnBackend, testBackends } from '../../../testing/backends.js';
import { resolveServerConfig } from '../../../config/config.js';
import { createLoupe } from '../../../main.js';
import { TestClock } from '../../../testing/test-clock.js';
import { isSampled } from './online-scoring-jobs.js';
import { instructionsJudge, openOnlineScoringWorld, T0, worldSettings, type OnlineScoringWorld } from './testing/online-scoring-world.js';

const CHILD = fileURLToPath(new URL('./testing/backfill-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../../../../', import.meta.url));
/** The job lease main.ts gives the runner. */
const LEASE_MS = 60_000;

/** Starts the child server backfilling; resolves once it enqueued, with a kill -9 for it. */
async function backfillingChild(uri: string, experimentId: string): Promise<{ enqueued: number; kill9(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, uri, 'polite', experimentId], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const enqueued = await new Promise<number>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const match = /backfilled (\d+)/.exec(out);
      if (match?.[1]) resolve(Number(match[1]));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`child exited with ${code} before backfilling:\n${out}`)));
  });
  return {
    enqueued,
    kill9: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'online scoring across processes', () => {
    let w: OnlineScoringWorld | undefined;
    afterEach(async () => {
      await w?.dispose();
    });

    it('scores every sampled trace exactly once when the server running a backfill is killed with SIGKILL and another takes over', async () => {
      let judged = 0;
      let reached: () => void = () => {};
      const someJudged = new Promise<void>((resolve) => (reached = resolve));
      w = await openOnlineScoringWorld(await backend.create(), {
        latencyMs: 40,
        verdict: () => {
          // The runner holds 10 jobs at once: the 25th call comes after at least 15 judgements were written.
          if (++judged === 25) reached();
          return undefined;
        },
      });
      const world = w;
      const scorerId = await world.registerScorer('polite', instructionsJudge('polite', 'Is {{ outputs }} polite?'), 0.5);
      const ids: string[] = [];
      for (let i = 0; i < 80; i++) ids.push(await world.addTrace({ startMs: T0 - 100_000 + i * 1000, durationMs: 100 }));
      const sampled = ids.filter((id) => isSampled(id, scorerId, 0.5));
      expect(sampled.length).toBeGreaterThan(30); // the kill comes at the 25th judge call

      const child = await backfillingChild(world.databaseUri, world.experimentId);
      expect(child.enqueued).toBe(sampled.length);
      await someJudged;
      await child.kill9();
      const before = (await Promise.all(ids.map((id) => world.assessments(id, 'polite')))).flat().length;
      expect(before).toBeGreaterThan(0);
      expect(before).toBeLessThan(sampled.length); // killed mid-way

      // Another server, once the dead one's leases have run out (stored times are wall-clock).
      const survivor = await createLoupe(resolveServerConfig({ artifactsDestination: world.loupe.artifactsDir, ...worldSettings(world.databaseUri) }, {}), {
        clock: new TestClock(Date.now() + 2 * LEASE_MS),
      });
      try {
        await survivor.jobs.runDue();
      } finally {
        await survivor.close();
      }
      for (const id of ids) expect(await world.assessments(id, 'polite'), id).toHaveLength(sampled.includes(id) ? 1 : 0);
      // A backfill's jobs are kept when done: each sampled trace's job succeeded, none is left over.
      const jobs = (await world.loupe.call('POST', '/ajax-api/3.0/jobs/search', { job_name: 'scorer.online' })).body.jobs as {
        status: string;
        params: { traceId: string };
      }[];
      expect(jobs.map((j) => j.status)).toEqual(sampled.map(() => 'SUCCEEDED'));
      expect(jobs.map((j) => j.params.traceId).sort()).toEqual([...sampled].sort());
    });
  });
}
