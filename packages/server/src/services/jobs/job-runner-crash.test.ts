import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeOnBackend, testBackends } from '../../testing/backends.js';
import { TestClock } from '../../testing/test-clock.js';
import { JobRunner, type JobRunnerOptions } from './job-runner.js';
import { openJobTestDb, type JobTestDb } from './testing/job-test-db.js';

const CHILD = fileURLToPath(new URL('./testing/hold-job-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const T0 = 1_700_000_000_000;
const LEASE = 30_000;
const OPTIONS: JobRunnerOptions = { concurrency: 4, pollIntervalMs: 1000, leaseMs: LEASE, backoffBaseMs: 1000, backoffMaxMs: 60_000, jitterMs: 0 };

/** Starts the child runner on the database; resolves with the id of the job it claimed and a kill -9 for it. */
async function childHoldingAJob(uri: string): Promise<{ jobId: string; kill9(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, uri, String(T0), String(LEASE)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const jobId = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const match = /claimed (\d+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`child exited with ${code} before claiming:\n${out}`)));
  });
  return {
    jobId,
    kill9: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'JobRunner across processes', () => {
    let t: JobTestDb;
    beforeEach(async () => {
      t = await openJobTestDb(backend);
    });
    afterEach(async () => {
      await t.dispose();
    });

    it('completes a job whose runner was killed with SIGKILL while holding it, once the lease has run out', async () => {
      await t.jobs.enqueue([{ kind: 'test.hold', payload: { order: 42 } }], T0);
      const child = await childHoldingAJob(t.uri);
      expect(await t.jobs.get(child.jobId)).toMatchObject({ status: 'running', attempts: 1, runAt: T0 + LEASE });
      await child.kill9();

      const seen: unknown[] = [];
      const survivor = (clock: TestClock) =>
        new JobRunner(t.jobs, clock, OPTIONS).register({ kind: 'test.hold', run: async (job) => void seen.push([job.id, job.payload, job.attempt]) });
      // Before the lease runs out the job still belongs to the dead runner.
      expect(await survivor(new TestClock(T0 + LEASE - 1)).runDue()).toBe(0);
      expect(await survivor(new TestClock(T0 + LEASE)).runDue()).toBe(1);
      expect(seen).toEqual([[child.jobId, { order: 42 }, 2]]);
      expect(await t.jobs.get(child.jobId)).toBeUndefined();
    });
  });
}
