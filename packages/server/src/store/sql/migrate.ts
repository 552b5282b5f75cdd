import { Migrator, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from './dialects/sql-dialect.js';
import { MIGRATIONS } from './migrations/index.js';
import type { Database } from './schema.js';

/**
 * Brings the schema up to date (runs on start and with `loupe db upgrade`). Concurrent servers are
 * safe: Kysely's migrator takes a lock table row before applying anything.
 *
 * @example
 * const applied = await migrateToLatest(db, dialect); // ['0001-tracking'] on a new database
 */
export async function migrateToLatest(db: Kysely<Database>, dialect: SqlDialect): Promise<string[]> {
  return migrateThrough(db, dialect);
}

/**
 * Applies the migrations up to and including `last` (all of them without it): how tests build a
 * database as an earlier release left it, to check the migrations after it.
 *
 * @example
 * await migrateThrough(db, dialect, '0006-span-text');
 */
export async function migrateThrough(db: Kysely<Database>, dialect: SqlDialect, last?: string): Promise<string[]> {
  const migrations: Record<string, Migration> = {};
  for (const [name, m] of Object.entries(MIGRATIONS)) {
    if (last !== undefined && name > last) continue;
    migrations[name] = { up: (kdb) => m.up(kdb, dialect) };
  }
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'loupe_migrations',
    migrationLockTableName: 'loupe_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`Database migration ${failed ?? ''} failed: ${(error as Error).message ?? String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
