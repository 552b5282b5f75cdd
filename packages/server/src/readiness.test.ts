import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { resolveServerConfig, type ServerOptions } from './config/config.js';
import { startServer, type RunningServer } from './main.js';
import { PG_ADMIN_URL, describeOnBackend, testBackends } from './testing/backends.js';
import { TestClock } from './testing/test-clock.js';
import { createDialect } from './store/sql/dialects/create-dialect.js';

const get = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, text: await res.text(), retryAfter: res.headers.get('retry-after') };
};

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'readiness and draining, over real sockets', () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0).reverse()) await fn();
    });

    async function start(options: ServerOptions, clock?: TestClock): Promise<{ server: RunningServer; uri: string }> {
      const database = await backend.create();
      const artifacts = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-ready-'));
      cleanup.push(async () => {
        await database.drop();
        fs.rmSync(artifacts, { recursive: true, force: true });
      });
      const config = resolveServerConfig({ port: 0, backendStoreUri: database.uri, artifactsDestination: artifacts, otlpDecodeThreads: 0, ...options }, {});
      const server = await startServer(config, clock ? { clock } : {});
      cleanup.push(() => server.close());
      return { server, uri: database.uri };
    }

    it('on SIGTERM, /ready answers 503 first while requests are still served; jobs under way finish, new ones are left to other servers', async () => {
      const clock = new TestClock(Date.now());
      const { server, uri } = await start({ shutdownDelayMs: 5000, shutdownGraceMs: 10_000 }, clock);
      const { url, loupe } = server;
      expect(await get(`${url}/ready`)).toMatchObject({ status: 200, text: 'OK' });
      expect(await get(`${url}/health`)).toMatchObject({ status: 200, text: 'OK' });

      // A job under way when the stop begins (its handler waits for the test).
      const ran: unknown[] = [];
      let started: () => void = () => {};
      const running = new Promise<void>((resolve) => (started = resolve));
      let finish: () => void = () => {};
      const mayFinish = new Promise<void>((resolve) => (finish = resolve));
      loupe.jobs.register({
        kind: 'test.probe',
        run: async (job) => {
          ran.push(job.payload);
          started();
          await mayFinish;
        },
      });
      await loupe.jobs.enqueue([{ kind: 'test.probe', payload: 'before' }]);
      await running;

      const closing = server.close();
      expect(await get(`${url}/ready`)).toMatchObject({ status: 503, text: 'draining' });
      // Still serving during the delay: the balancer has yet to notice.
      expect(await get(`${url}/health`)).toMatchObject({ status: 200 });
      expect((await get(`${url}/api/2.0/mlflow/experiments/search?max_results=1`)).status).toBe(200);
      await loupe.jobs.enqueue([{ kind: 'test.probe', payload: 'after' }]);
      finish();

      clock.advance(5000);
      await closing;
      expect(ran).toEqual(['before']);
      // The job under way finished (removed); the one queued after SIGTERM waits, unclaimed, for another server.
      const db = createDialect(uri).createKysely();
      try {
        const { rows } = await sql<{
          payload: string;
          status: string;
          attempts: number;
        }>`select payload, status, attempts from jobs where kind = 'test.probe'`.execute(db);
        expect(rows.map((r) => [JSON.parse(r.payload), r.status, Number(r.attempts)])).toEqual([['after', 'pending', 0]]);
      } finally {
        await db.destroy();
      }
    });

    it.skipIf(backend.name !== 'postgresql')('answers 503 while the database does not answer, and 200 again once it does', async () => {
      const { server, uri } = await start({});
      const name = new URL(uri).pathname.slice(1);
      const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
      await admin.connect();
      cleanup.push(async () => {
        await admin.query(`alter database ${name} allow_connections true`);
        await admin.end();
      });
      expect(await get(`${server.url}/ready`)).toMatchObject({ status: 200, text: 'OK' });
      await admin.query(`alter database ${name} allow_connections false`);
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name]);
      expect(await get(`${server.url}/ready`)).toMatchObject({ status: 503, text: 'database not answering' });
      // Liveness is the process's own: still fine.
      expect((await get(`${server.url}/health`)).status).toBe(200);
      await admin.query(`alter database ${name} allow_connections true`);
      expect(await get(`${server.url}/ready`)).toMatchObject({ status: 200, text: 'OK' });
    });
  });
}
