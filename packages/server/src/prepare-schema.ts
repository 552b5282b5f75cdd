import type { Kysely } from 'kysely';
import { StartupError } from './startup-error.js';
import type { SqlDialect } from './store/sql/dialects/sql-dialect.js';
import { migrateToLatest, schemaStatus } from './store/sql/migrate.js';
import type { Database } from './store/sql/schema.js';

/** Names in a message: all of a few, else the first and the last. */
function nameList(names: readonly string[]): string {
  return names.length <= 3 ? names.join(', ') : `${names[0]} ... ${names[names.length - 1]}`;
}

/**
 * Gets the schema ready for this server as it starts (docs/deploy.md "Migrations"). With `migrate`
 * (the default, `--migrate`) it applies what is pending; servers starting together take turns, and
 * each migration runs once. Without (`--no-migrate`, `LOUPE_MIGRATE_ON_START=false`: migrations run
 * once, by `loupe db upgrade` as a deploy step) it changes nothing and refuses to start while a
 * migration is pending, naming the command. Either way a database that a newer release has migrated
 * is used as it is, with a notice: during a rolling upgrade the servers not yet replaced restart
 * against the new schema. Returns the notices to print.
 *
 * @example
 * const notices = await prepareSchema(db, dialect, { migrate: config.migrateOnStart });
 */
export async function prepareSchema(db: Kysely<Database>, dialect: SqlDialect, options: { migrate: boolean }): Promise<string[]> {
  const { pending, unknown } = await schemaStatus(db);
  if (unknown.length > 0) {
    if (pending.length > 0) {
      throw new StartupError(
        `the database at ${dialect.location} has run migrations this server does not have (${nameList(unknown)}) and lacks some it has (${nameList(pending)}): it belongs to another release line; start the release that migrated it`,
      );
    }
    return [
      `database: ${dialect.location} was migrated by a newer Loupe (${nameList(unknown)}); this server uses it as it is (as the servers not yet replaced do during a rolling upgrade)`,
    ];
  }
  if (pending.length === 0) return [];
  if (!options.migrate) {
    throw new StartupError(
      `the database at ${dialect.location} is not up to date: ${pending.length} migration(s) to apply (${nameList(pending)}), and this server does not migrate at start (--no-migrate, LOUPE_MIGRATE_ON_START=false); run 'loupe db upgrade' with the same --backend-store-uri once (a deploy job), then start the servers`,
    );
  }
  await migrateToLatest(db, dialect);
  return [];
}
