import type { Kysely } from 'kysely';
import type { AuditEntry, UserRecord } from '../auth-store.js';
import { NO_PASSWORD_HASH, type IdentityKey, type UserIdentityStore } from '../user-identity-store.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import { authWrite } from './auth-writes.js';
import type { Database } from './schema.js';

/**
 * `user_identities` on SQLite or PostgreSQL. A new linked user and its link are one transaction that
 * also bumps `auth_generation` and records the audit event, like every users write (docs/adr/0013-auth.md
 * §5, §8); two servers
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

  async createLinkedUser(key: IdentityKey, username: string, isAdmin: boolean, audit?: AuditEntry): Promise<UserRecord | 'taken'> {
    let id = 0;
    try {
      await authWrite(
        this.db,
        async (tx) => {
          const user = await tx
            .insertInto('users')
            .values({ username, password_hash: NO_PASSWORD_HASH, is_admin: isAdmin ? 1 : 0 })
            .returning(['id'])
            .executeTakeFirstOrThrow();
          id = Number(user.id);
          await tx.insertInto('user_identities').values({ issuer: key.issuer, subject: key.subject, username }).execute();
          return true;
        },
        audit,
      );
    } catch (err) {
      if (this.dialect.isUniqueViolation(err)) return 'taken';
      throw err;
    }
    return { id, username, passwordHash: NO_PASSWORD_HASH, isAdmin };
  }
}
