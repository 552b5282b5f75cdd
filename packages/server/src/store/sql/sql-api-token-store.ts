import type { Kysely } from 'kysely';
import type { ApiTokenRecord, ApiTokenStore, NewApiToken } from '../api-token-store.js';
import type { AuditEntry, UserRecord } from '../auth-store.js';
import { authWrite, insertAudit } from './auth-writes.js';
import type { Database } from './schema.js';

type TokenRow = Database['api_tokens'] & { username: string };

function toToken(row: TokenRow): ApiTokenRecord {
  const optional = (value: number | string | null) => (value === null ? undefined : Number(value));
  const lastUsedAt = optional(row.last_used_at);
  const expiresAt = optional(row.expires_at);
  const revokedAt = optional(row.revoked_at);
  return {
    id: row.id,
    userId: Number(row.user_id),
    username: row.username,
    name: row.name,
    tokenPrefix: row.token_prefix,
    createdAt: Number(row.created_at),
    ...(lastUsedAt !== undefined ? { lastUsedAt } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(revokedAt !== undefined ? { revokedAt } : {}),
  };
}

/**
 * API tokens on SQLite or PostgreSQL (docs/adr/0013-auth.md §7). Lookups go by the secret's SHA-256
 * (unique index), joined with the user, so a deleted user's token finds nothing.
 *
 * @example
 * const tokens = new SqlApiTokenStore(db);
 * const found = await tokens.tokenBySecretHash(sha256Hex(secret));
 */
export class SqlApiTokenStore implements ApiTokenStore {
  constructor(private readonly db: Kysely<Database>) {}

  private selectTokens() {
    return this.db.selectFrom('api_tokens').innerJoin('users', 'users.id', 'api_tokens.user_id').selectAll('api_tokens').select(['users.username']);
  }

  async createToken(token: NewApiToken, audit: AuditEntry): Promise<ApiTokenRecord> {
    await authWrite(
      this.db,
      async (tx) => {
        await tx
          .insertInto('api_tokens')
          .values({
            id: token.id,
            user_id: token.userId,
            name: token.name,
            secret_hash: token.secretHash,
            token_prefix: token.tokenPrefix,
            created_at: token.createdAt,
            last_used_at: null,
            expires_at: token.expiresAt ?? null,
            revoked_at: null,
          })
          .execute();
        return true;
      },
      audit,
    );
    return (await this.getToken(token.id)) as ApiTokenRecord;
  }

  async getToken(id: string): Promise<ApiTokenRecord | undefined> {
    const row = await this.selectTokens().where('api_tokens.id', '=', id).executeTakeFirst();
    return row && toToken(row as TokenRow);
  }

  async tokenBySecretHash(secretHash: string): Promise<{ token: ApiTokenRecord; user: UserRecord } | undefined> {
    const row = await this.selectTokens().select(['users.password_hash', 'users.is_admin']).where('api_tokens.secret_hash', '=', secretHash).executeTakeFirst();
    if (!row) return undefined;
    const token = toToken(row as TokenRow);
    return {
      token,
      user: { id: token.userId, username: row.username, passwordHash: row.password_hash, isAdmin: Boolean(Number(row.is_admin)) },
    };
  }

  async listTokens(userId: number): Promise<ApiTokenRecord[]> {
    const rows = await this.selectTokens().where('api_tokens.user_id', '=', userId).orderBy('api_tokens.created_at', 'desc').orderBy('api_tokens.id').execute();
    return rows.map((r) => toToken(r as TokenRow));
  }

  revokeToken(id: string, at: number, audit: AuditEntry): Promise<boolean> {
    return authWrite(
      this.db,
      async (tx) => {
        const result = await tx.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
        return result.numUpdatedRows > 0n;
      },
      audit,
    );
  }

  touchToken(id: string, at: number, minIntervalMs: number, audit: AuditEntry): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      // Conditional, so servers racing on one token write one use per interval between them.
      const result = await tx
        .updateTable('api_tokens')
        .set({ last_used_at: at })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', at - minIntervalMs)]))
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return false;
      await insertAudit(tx, audit);
      return true;
    });
  }
}
