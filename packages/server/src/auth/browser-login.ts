import { ApiError } from '@loupe/protocol';
import type { AuthStore, UserRecord } from '../store/auth-store.js';
import type { UserIdentityStore } from '../store/user-identity-store.js';
import type { AuditLog } from './audit-log.js';
import type { AuthFreshness } from './auth-freshness.js';
import type { LoginThrottle } from './login-throttle.js';
import type { OidcIdentity } from './oidc/identity.js';
import { verifyPassword } from './password.js';
import type { Principal } from './principal.js';
import { userStamp } from './session-cookie-authenticator.js';
import type { SessionPrincipal } from './session/session-store.js';

/** What {@link BrowserLogin} works with. */
export interface BrowserLoginOptions {
  store: AuthStore;
  identities: UserIdentityStore;
  freshness: AuthFreshness;
  /** Records the users SSO creates and the admin flags it changes (docs/adr/0013-auth.md §8). */
  audit: AuditLog;
  /** The Basic authenticator's throttle: failures of both count together. */
  throttle: LoginThrottle;
  /** A stored-hash string verified for unknown usernames (as Basic does), so they take as long as a wrong password. */
  dummyHash: string;
  /** An admin group is configured (`--oidc-admin-group`): the provider decides who is an admin at each login. */
  adminFromProvider: boolean;
}

/** A password login's answer: the session's principal, or how long to wait after too many failures. */
export type PasswordLoginResult = { outcome: 'signed-in'; principal: SessionPrincipal } | { outcome: 'throttled'; retryAfterMs: number };

function principalOf(user: UserRecord, method: 'password' | 'oidc', identity?: OidcIdentity): SessionPrincipal {
  return {
    username: user.username,
    isAdmin: user.isAdmin,
    method,
    ...(identity ? { issuer: identity.issuer, subject: identity.subject } : {}),
    userStamp: userStamp(user),
  };
}

/**
 * Turns a proof of identity from the UI's login page into a session's principal (docs/adr/0013-auth.md
 * §7): a password, checked as HTTP Basic checks it (same throttle, same dummy hash for unknown users),
 * or an OpenID Connect identity, mapped to a Loupe user through `user_identities` (created at the first
 * login; a name already held by a user not linked to that account is refused).
 *
 * @example
 * const result = await login.password('alice', 'a long passphrase', '10.0.0.7');
 * const principal = await login.oidc(identity);
 */
export class BrowserLogin {
  constructor(private readonly options: BrowserLoginOptions) {}

  async password(username: string, password: string, clientAddress: string): Promise<PasswordLoginResult> {
    const { store, throttle, dummyHash } = this.options;
    const wait = await throttle.retryAfterMs(username, clientAddress);
    if (wait > 0) return { outcome: 'throttled', retryAfterMs: wait };
    const user = await store.getUser(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? dummyHash);
    if (!user || !ok) {
      await throttle.failed(username, clientAddress);
      throw new ApiError('UNAUTHENTICATED', 'Invalid username or password.');
    }
    await throttle.succeeded(username);
    return { outcome: 'signed-in', principal: principalOf(user, 'password') };
  }

  async oidc(identity: OidcIdentity): Promise<SessionPrincipal> {
    const { store, identities, freshness, audit } = this.options;
    // The person signing in is the actor of what their sign-in changes.
    const actor = (userId: number | null, username: string): Principal => ({ userId, username, isAdmin: false, via: 'session' });
    const sso = { issuer: identity.issuer, subject: identity.subject };
    let user = await this.linkedUser(identity);
    if (!user) {
      const created = await identities.createLinkedUser(
        identity,
        identity.username,
        identity.isAdmin,
        audit.entry(actor(null, identity.username), {
          action: 'user.create',
          resourceType: 'user',
          resourceId: identity.username,
          detail: { is_admin: identity.isAdmin, sso },
        }),
      );
      if (created !== 'taken') {
        freshness.changed();
        user = created;
      } else {
        // Another server may have linked this account meanwhile; otherwise the name is someone else's.
        user = await this.linkedUser(identity);
        if (!user) {
          throw new ApiError(
            'PERMISSION_DENIED',
            `The user name '${identity.username}' belongs to a Loupe user that is not linked to this identity provider account; an administrator must rename or delete that user first.`,
          );
        }
      }
    }
    if (this.options.adminFromProvider && user.isAdmin !== identity.isAdmin) {
      await store.updateAdmin(
        user.username,
        identity.isAdmin,
        audit.entry(actor(user.id, user.username), {
          action: 'user.update_admin',
          resourceType: 'user',
          resourceId: user.username,
          detail: { is_admin: identity.isAdmin, sso },
        }),
      );
      freshness.changed();
      user = { ...user, isAdmin: identity.isAdmin };
    }
    return principalOf(user, 'oidc', identity);
  }

  private async linkedUser(identity: OidcIdentity): Promise<UserRecord | undefined> {
    const username = await this.options.identities.findUsername(identity);
    return username === undefined ? undefined : this.options.store.getUser(username);
  }
}
