import type { Kysely } from 'kysely';
import type { TestBackend } from '../../../testing/backends.js';
import { createDialect } from '../../../store/sql/dialects/create-dialect.js';
import type { SqlDialect } from '../../../store/sql/dialects/sql-dialect.js';
import { migrateToLatest } from '../../../store/sql/migrate.js';
import type { Database } from '../../../store/sql/schema.js';
import { SqlJobStore } from '../../../store/sql/sql-job-store.js';

/** A migrated database with a job store on it (runner tests). */
export interface JobTestDb {
  uri: string;
  db: Kysely<Database>;
  dialect: SqlDialect;
  jobs: SqlJobStore;
  /** Another job store on its own connections to the same database (another server). */
  connect(): { jobs: SqlJobStore; close(): Promise<void> };
  dispose(): Promise<void>;
}

/**
 * Creates and migrates a database on `backend` for job runner tests.
 *
 * @example
 * const t = await openJobTestDb(backend);
 */
export async function openJobTestDb(backend: TestBackend): Promise<JobTestDb> {
  const database = await backend.create();
  const dialect = createDialect(database.uri);
  const db = dialect.createKysely();
  await migrateToLatest(db, dialect);
  const extra: Kysely<Database>[] = [];
  return {
    uri: database.uri,
    db,
    dialect,
    jobs: new SqlJobStore(db, dialect),
    connect() {
      const other = dialect.createKysely();
      extra.push(other);
      return { jobs: new SqlJobStore(other, dialect), close: () => other.destroy() };
    },
    async dispose() {
      await Promise.all(extra.map((k) => k.destroy().catch(() => undefined)));
      await db.destroy();
      await database.drop();
    },
  };
}
