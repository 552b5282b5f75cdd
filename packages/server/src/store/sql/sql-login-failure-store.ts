import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { LoginFailureStore } from '../login-failure-store.js';
import type { Database } from './schema.js';

const hashOf = (key: string) => createHash('sha256').update(key).digest('hex');

/**
 * {@link LoginFailureStore} on SQLite or PostgreSQL (`login_failures`, keys stored as SHA-256).
 *
 * @example
 * const failures = new SqlLoginFailureStore(db);
 * await failures.record(['u:alice'], Date.now(), Date.now() - 15 * 60_000);
 */
export class SqlLoginFailureStore implements LoginFailureStore {
  constructor(private readonly db: Kysely<Database>) {}

  async record(keys: readonly string[], at: number, forgetBefore: number): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('login_failures').where('at', '<=', forgetBefore).execute();
      if (keys.length > 0)
        await tx
          .insertInto('login_failures')
          .values(keys.map((key) => ({ key_hash: hashOf(key), at })))
          .execute();
    });
  }

  async nthRecent(key: string, since: number, nth: number): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('login_failures')
      .select('at')
      .where('key_hash', '=', hashOf(key))
      .where('at', '>', since)
      .orderBy('at', 'desc')
      .limit(1)
      .offset(Math.max(0, nth - 1))
      .executeTakeFirst();
    return row === undefined ? undefined : Number(row.at);
  }

  async clear(key: string): Promise<void> {
    await this.db.deleteFrom('login_failures').where('key_hash', '=', hashOf(key)).execute();
  }
}
