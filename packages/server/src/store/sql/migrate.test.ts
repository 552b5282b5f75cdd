import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeOnBackend, testBackends } from '../../testing/backends.js';
import { createDialect } from './dialects/create-dialect.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import { migrateToLatest, runMigrations } from './migrate.js';
import { MIGRATIONS, type SqlMigration } from './migrations/index.js';
import type { Database } from './schema.js';

const table = (name: string): SqlMigration => ({ up: async (db) => db.schema.createTable(name).addColumn('id', 'integer').execute() });

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'migrations', () => {
    let db: Kysely<Database>;
    let dialect: SqlDialect;
    let drop: () => Promise<void>;
    beforeEach(async () => {
      const database = await backend.createEmpty();
      dialect = createDialect(database.uri);
      db = dialect.createKysely();
      drop = async () => {
        await db.destroy();
        await database.drop();
      };
    });
    afterEach(async () => {
      await drop();
    });

    it('runs a lower number merged after a higher one has run (0012 after 0013), once', async () => {
      await migrateToLatest(db, dialect);
      const released = { ...MIGRATIONS, '9013-later': table('gap_later') };
      expect(await runMigrations(db, dialect, released)).toEqual(['9013-later']);
      // A branch numbered 9012 is merged afterwards: it still runs, and nothing runs twice.
      const merged = { ...released, '9012-merged': table('gap_merged') };
      expect(await runMigrations(db, dialect, merged)).toEqual(['9012-merged']);
      expect(await runMigrations(db, dialect, merged)).toEqual([]);
      await sql`select id from gap_merged`.execute(db);
    });

    it('creates the human-review tables (0013)', async () => {
      await migrateToLatest(db, dialect);
      for (const name of ['label_schemas', 'review_queues', 'review_queue_users', 'review_queue_label_schemas', 'review_queue_items'] as const) {
        expect(await db.selectFrom(name).selectAll().execute()).toEqual([]);
      }
    });
  });
}
