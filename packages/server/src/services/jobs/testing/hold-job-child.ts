/**
 * A separate process for the crash test (job-runner-crash.test.ts): opens the database given as the
 * first argument, runs a job runner whose clock stands still at the epoch given as the second, claims
 * one `test.hold` job, says `claimed <id>` on stdout and holds it forever, until it is killed.
 */
import { TestClock } from '../../../testing/test-clock.js';
import { createDialect } from '../../../store/sql/dialects/create-dialect.js';
import { SqlJobStore } from '../../../store/sql/sql-job-store.js';
import { JobRunner } from '../job-runner.js';

const [uri, epoch, leaseMs] = process.argv.slice(2);
if (!uri || !epoch || !leaseMs) throw new Error('usage: hold-job-child <database uri> <epoch ms> <lease ms>');
const dialect = createDialect(uri);
const runner = new JobRunner(new SqlJobStore(dialect.createKysely(), dialect), new TestClock(Number(epoch)), {
  concurrency: 1,
  pollIntervalMs: 1000,
  leaseMs: Number(leaseMs),
  backoffBaseMs: 1000,
  backoffMaxMs: 60_000,
  jitterMs: 0,
  workerId: `child-${process.pid}`,
});
runner.register({
  kind: 'test.hold',
  run: (job) =>
    new Promise<void>(() => {
      process.stdout.write(`claimed ${job.id}\n`);
    }),
});
runner.start();
