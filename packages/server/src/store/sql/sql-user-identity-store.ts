import { sql, type Kysely } from 'kysely';
import type { UserRecord } from '../auth-store.js';
import { NO_PASSWORD_HASH, type IdentityKey, type UserIdentityStore } from '../user-identity-store.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import type { Database } from './schema.js';

/**
 * `user_identities` on SQLite or PostgreSQL. A new linked user and its link are one transaction that
 * also bumps `auth_generation`, like every users write (docs/adr/0013-auth.md §5); two servers
 * provisioning the same account race on the primary key and the unique username, and one loses.
 *
 * @example
 * const identities = new SqlUserIdentityStore(db, dialect);
 * await identities.createLinkedUser({ issuer: 'https://id.example.com', subject: '248289761001' }, 'alice', false);
 */
export class SqlUserIdentityStore implements UserIdentityStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {}

  async findUsername(key: IdentityKey): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('user_identities')
      .select('username')
      .where('issuer', '=', key.issuer)
      .where('subject', '=', key.subject)
      .executeTakeFirst();
    return row?.username;
  }

  async createLinkedUser(key: IdentityKey, username: string, isAdmin: boolean): Promise<UserRecord | 'taken'> {
    try {
      return await this.db.transaction().execute(async (tx) => {
        const user = await tx
          .insertInto('users')
          .values({ username, password_hash: NO_PASSWORD_HASH, is_admin: isAdmin ? 1 : 0 })
          .returning(['id'])
          .executeTakeFirstOrThrow();
        await tx.insertInto('user_identities').values({ issuer: key.issuer, subject: key.subject, username }).execute();
        await tx
          .updateTable('auth_generation')
          .set({ generation: sql<number>`generation + 1` })
          .where('id', '=', 1)
          .execute();
        return { id: Number(user.id), username, passwordHash: NO_PASSWORD_HASH, isAdmin };
      });
    } catch (err) {
      if (this.dialect.isUniqueViolation(err)) return 'taken';
      throw err;
    }
  }
}
