import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from './dialects/sql-dialect.js';
import { MIGRATIONS, type SqlMigration } from './migrations/index.js';
import type { Database } from './schema.js';

/** Where the migrations are recorded (Kysely's migrator table). */
const MIGRATION_TABLE = 'loupe_migrations';

/**
 * Brings the schema up to date (runs on start and with `loupe db upgrade`). Concurrent servers are
 * safe: on PostgreSQL Kysely's migrator holds a session advisory lock while it reads what has run and
 * applies the rest, in one transaction (tested with three servers starting at once on a new
 * database); on SQLite the migration transaction itself serializes them.
 *
 * @example
 * const applied = await migrateToLatest(db, dialect); // ['0001-tracking'] on a new database
 */
export async function migrateToLatest(db: Kysely<Database>, dialect: SqlDialect): Promise<string[]> {
  return migrateThrough(db, dialect);
}

/** Where a database's schema stands against this server's migrations. */
export interface SchemaStatus {
  /** This server's migrations the database has not run, in name order. */
  pending: string[];
  /** Migrations the database has run that this server does not have (a newer release ran them). */
  unknown: string[];
}

/**
 * Compares the migrations the database has run with this server's, without changing anything (a
 * new database has run none).
 *
 * @example
 * const { pending } = await schemaStatus(db); // [] when up to date
 */
export async function schemaStatus(db: Kysely<Database>): Promise<SchemaStatus> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  const applied = new Set<string>();
  if (tables.some((t) => t.name === MIGRATION_TABLE)) {
    const { rows } = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`.execute(db);
    for (const row of rows) applied.add(row.name);
  }
  return {
    pending: Object.keys(MIGRATIONS)
      .filter((name) => !applied.has(name))
      .sort(),
    unknown: [...applied].filter((name) => !(name in MIGRATIONS)).sort(),
  };
}

/**
 * Applies the migrations up to and including `last` (all of them without it): how tests build a
 * database as an earlier release left it, to check the migrations after it.
 *
 * @example
 * await migrateThrough(db, dialect, '0006-span-text');
 */
export async function migrateThrough(db: Kysely<Database>, dialect: SqlDialect, last?: string): Promise<string[]> {
  const chosen: Record<string, SqlMigration> = {};
  for (const [name, m] of Object.entries(MIGRATIONS)) {
    if (last === undefined || name <= last) chosen[name] = m;
  }
  return runMigrations(db, dialect, chosen);
}

/**
 * Applies the given migrations that have not run yet, in name order. Migrations are numbered on
 * parallel branches, so a database may have run a later number before an earlier one is merged
 * (0013 before 0012): such a migration still runs, after the ones already applied (Kysely's
 * `allowUnorderedMigrations`). Migrations therefore never depend on a lower number merged later.
 *
 * @example
 * await runMigrations(db, dialect, MIGRATIONS);
 */
export async function runMigrations(db: Kysely<Database>, dialect: SqlDialect, chosen: Readonly<Record<string, SqlMigration>>): Promise<string[]> {
  const migrations: Record<string, Migration> = {};
  for (const [name, m] of Object.entries(chosen)) migrations[name] = { up: (kdb) => m.up(kdb, dialect) };
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: 'loupe_migrations_lock',
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`Database migration ${failed ?? ''} failed: ${(error as Error).message ?? String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
