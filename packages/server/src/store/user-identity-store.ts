import type { AuditEntry, UserRecord } from './auth-store.js';

/** An OpenID Connect account: the provider's issuer and its stable id of the user. */
export interface IdentityKey {
  issuer: string;
  subject: string;
}

/**
 * OpenID Connect accounts linked to Loupe users (`user_identities`, auth/session/README.md). A user
 * created here gets a password hash no password matches (it signs in through its provider only,
 * until an admin sets a password); creating it bumps the auth generation as every users write does.
 *
 * @example
 * const username = await identities.findUsername({ issuer, subject });
 * const user = username ?? (await identities.createLinkedUser({ issuer, subject }, 'alice', false));
 */
export interface UserIdentityStore {
  /** The Loupe user an account is linked to, or undefined. */
  findUsername(key: IdentityKey): Promise<string | undefined>;
  /**
   * Creates user `username` linked to the account, with its audit event, in one transaction; `'taken'`
   * when the name or the account is already in use.
   */
  createLinkedUser(key: IdentityKey, username: string, isAdmin: boolean, audit?: AuditEntry): Promise<UserRecord | 'taken'>;
}

/** The password hash of users that sign in through an identity provider only: not a scrypt hash, so nothing verifies against it. */
export const NO_PASSWORD_HASH = '!sso-only';
