import type { AuditEntry, UserRecord } from './auth-store.js';

/** An API token as listed (never its secret nor the secret's hash). Times in epoch ms. */
export interface ApiTokenRecord {
  id: string;
  userId: number;
  username: string;
  name: string;
  /** The secret's first 8 characters, what a person recognizes it by. */
  tokenPrefix: string;
  createdAt: number;
  lastUsedAt?: number;
  expiresAt?: number;
  revokedAt?: number;
}

/** A token to store: its secret only as a hash. */
export interface NewApiToken {
  id: string;
  userId: number;
  name: string;
  /** SHA-256 of the secret, hex (docs/adr/0013-auth.md §7). */
  secretHash: string;
  tokenPrefix: string;
  createdAt: number;
  expiresAt?: number;
}

/**
 * API tokens (docs/adr/0013-auth.md §7), in the auth tables. Creating and revoking bump the auth
 * generation (other servers drop their cached tokens) and record their audit event in the same
 * transaction.
 */
export interface ApiTokenStore {
  createToken(token: NewApiToken, audit: AuditEntry): Promise<ApiTokenRecord>;
  getToken(id: string): Promise<ApiTokenRecord | undefined>;
  /** The token with this secret hash and its user (revoked and expired ones too: the caller decides); undefined when either is gone. */
  tokenBySecretHash(secretHash: string): Promise<{ token: ApiTokenRecord; user: UserRecord } | undefined>;
  /** A user's tokens, newest first. */
  listTokens(userId: number): Promise<ApiTokenRecord[]>;
  /** Marks a token revoked at `at`; false when it does not exist or was revoked already. */
  revokeToken(id: string, at: number, audit: AuditEntry): Promise<boolean>;
  /**
   * Records a use at `at` unless one was recorded less than `minIntervalMs` before (by any server),
   * with its audit event; true when it wrote. Does not bump the generation (nothing cached changes).
   */
  touchToken(id: string, at: number, minIntervalMs: number, audit: AuditEntry): Promise<boolean>;
}
