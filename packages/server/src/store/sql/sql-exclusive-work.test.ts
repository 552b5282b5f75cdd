import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeOnBackend, testBackends, type TestDatabase } from '../../testing/backends.js';
import { createDialect } from './dialects/create-dialect.js';
import { advisoryLockKey } from './dialects/postgres/postgres-dialect.js';
import type { Database } from './schema.js';
import { SqlExclusiveWork } from './sql-exclusive-work.js';

/** A promise and the function that settles it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'SqlExclusiveWork', () => {
    let database: TestDatabase;
    let pools: Kysely<Database>[];
    /** One server's view: its own pool on PostgreSQL. */
    const server = () => {
      const dialect = createDialect(database.uri);
      const db = dialect.createKysely();
      pools.push(db);
      return { db, work: new SqlExclusiveWork(db, dialect) };
    };
    beforeEach(async () => {
      database = await backend.create();
      pools = [];
    });
    afterEach(async () => {
      for (const db of pools) await db.destroy();
      await database.drop();
    });

    it.skipIf(backend.name !== 'postgresql')('lets one server at a time run a named pass; the others skip it, and may run it once it ends', async () => {
      const a = server();
      const b = server();
      const held = gate();
      const entered = gate();
      const first = a.work.tryRun('trace-retention', async () => {
        entered.open();
        await held.opened;
        return 'a';
      });
      await entered.opened;
      // While a runs it, b (another pool, another server) and a itself (another pooled connection) skip it.
      expect(await b.work.tryRun('trace-retention', async () => 'b')).toEqual({ ran: false });
      expect(await a.work.tryRun('trace-retention', async () => 'a again')).toEqual({ ran: false });
      // Another name is another lock.
      expect(await b.work.tryRun('online-scoring-scan', async () => 'scan')).toEqual({ ran: true, value: 'scan' });
      held.open();
      expect(await first).toEqual({ ran: true, value: 'a' });
      expect(await b.work.tryRun('trace-retention', async () => 'b')).toEqual({ ran: true, value: 'b' });
    });

    it.skipIf(backend.name !== 'postgresql')('lets go when the pass throws, and when the server holding it loses its connection (a crash)', async () => {
      const a = server();
      const b = server();
      await expect(a.work.tryRun('trace-retention', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      expect(await b.work.tryRun('trace-retention', async () => 1)).toEqual({ ran: true, value: 1 });

      const entered = gate();
      const held = gate();
      const orphan = a.work.tryRun('trace-retention', async () => {
        entered.open();
        await held.opened;
      });
      await entered.opened;
      expect(await b.work.tryRun('trace-retention', async () => 2)).toEqual({ ran: false });
      // The holder's session ends as a killed process's would.
      const { rows } = await sql<{ pid: number }>`select pid from pg_locks where locktype = 'advisory'
        and ((classid::bigint << 32) | objid::bigint) = cast(${advisoryLockKey('trace-retention')} as bigint)`.execute(b.db);
      expect(rows).toHaveLength(1);
      await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(b.db);
      expect(await b.work.tryRun('trace-retention', async () => 3)).toEqual({ ran: true, value: 3 });
      // The orphaned pass ends; letting go of a lock its connection no longer holds fails, and the server lives on.
      held.open();
      await expect(orphan).rejects.toThrow();
      expect(await a.work.tryRun('trace-retention', async () => 4)).toEqual({ ran: true, value: 4 });
    });

    it.skipIf(backend.name !== 'sqlite')('runs every pass on SQLite (one server per database file)', async () => {
      const { work } = server();
      const inner = await work.tryRun('trace-retention', () => work.tryRun('trace-retention', async () => 'nested'));
      expect(inner).toEqual({ ran: true, value: { ran: true, value: 'nested' } });
    });
  });
}
