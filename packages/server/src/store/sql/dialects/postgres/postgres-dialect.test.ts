import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeOnBackend, testBackends } from '../../../../testing/backends.js';
import { createDialect } from '../create-dialect.js';

for (const backend of (await testBackends()).filter((b) => b.name === 'postgresql')) {
  describeOnBackend(backend, 'PostgreSQL connections', () => {
    it('run without JIT compilation', async () => {
      const database = await backend.create();
      const db = createDialect(database.uri).createKysely();
      try {
        const { rows } = await sql<{ jit: string }>`show jit`.execute(db);
        expect(rows[0]?.jit).toBe('off');
      } finally {
        await db.destroy();
        await database.drop();
      }
    });

    it('open at most the pool size of connections (LOUPE_DATABASE_POOL_SIZE): more queries wait their turn', async () => {
      const database = await backend.create();
      const db = createDialect(database.uri, { poolSize: 2 }).createKysely();
      const name = new URL(database.uri).pathname.slice(1);
      try {
        // Six at once: without the limit the pool would open six connections (they stay open, idle, after).
        await Promise.all(Array.from({ length: 6 }, () => sql`select pg_sleep(0.05)`.execute(db)));
        const { rows } = await sql<{ n: number }>`select count(*) as n from pg_stat_activity where datname = ${name}`.execute(db);
        expect(Number(rows[0]!.n)).toBe(2);
      } finally {
        await db.destroy();
        await database.drop();
      }
    });

    it('tell the client errors a filter pattern causes from every other error', async () => {
      const database = await backend.create();
      const dialect = createDialect(database.uri);
      const db = dialect.createKysely();
      try {
        const failure = (query: ReturnType<typeof sql>) =>
          query.execute(db).then(
            () => undefined,
            (err: unknown) => err,
          );
        const regexp = await failure(sql`select 'abc' ~ '(('`);
        expect(dialect.inputError(regexp)?.code).toBe('INVALID_PARAMETER_VALUE');
        const escape = await failure(sql`select 'abc' like 'ab\\'`);
        expect(dialect.inputError(escape)?.message).toMatch(/Invalid pattern in the filter/);
        expect(dialect.inputError(await failure(sql`select 1 / 0`))).toBeUndefined();
        expect(dialect.inputError(new Error('other'))).toBeUndefined();
      } finally {
        await db.destroy();
        await database.drop();
      }
    });
  });
}
