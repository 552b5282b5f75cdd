import { createHmac, randomBytes } from 'node:crypto';
import type { AuthStore } from '../store/auth-store.js';
import type { AuthFreshness } from './auth-freshness.js';
import type { LoginThrottle } from './login-throttle.js';
import { verifyPassword } from './password.js';
import type { Principal } from './principal.js';

/** What an authenticator sees of a request. */
export interface AuthRequest {
  header(name: string): string | undefined;
  /** The peer's address (`local` for in-process requests). */
  clientAddress: string;
  /** The request's method and URL, for the checks that need them (CSRF); absent: treated as a write. */
  method?: string;
  url?: string;
}

/** An authenticator's answer (docs/adr/0013-auth.md §1). */
export type AuthOutcome =
  /** No credentials of this authenticator's kind: ask the next one. */
  | { outcome: 'not-mine' }
  | { outcome: 'proven'; principal: Principal }
  /**
   * Credentials of this kind, wrong: 401, the next authenticator is not asked. `browser`: they were a
   * browser session's, so the 401 carries no Basic challenge (it would open the browser's password
   * prompt over Loupe's login page) and sets `setCookie` (which clears the dead cookie).
   */
  | { outcome: 'refused'; browser?: { setCookie: string } }
  /** Too many failures: 429 with `Retry-After`. */
  | { outcome: 'throttled'; retryAfterMs: number };

/**
 * Proves who sent a request: HTTP Basic, bearer tokens, browser session cookies, each one class.
 *
 * @example
 * const chain = new AuthenticatorChain([basic, bearer, session]);
 * const result = await chain.authenticate({ header: (n) => req.headers.get(n) ?? undefined, clientAddress });
 */
export interface Authenticator {
  authenticate(request: AuthRequest): Promise<AuthOutcome>;
}

/**
 * Asks each authenticator in turn; the first whose answer is not `not-mine` decides.
 *
 * @example
 * const chain = new AuthenticatorChain([new BasicAuthenticator(store, freshness, throttle)]);
 */
export class AuthenticatorChain implements Authenticator {
  constructor(private readonly authenticators: readonly Authenticator[]) {}

  async authenticate(request: AuthRequest): Promise<AuthOutcome> {
    for (const authenticator of this.authenticators) {
      const result = await authenticator.authenticate(request);
      if (result.outcome !== 'not-mine') return result;
    }
    return { outcome: 'not-mine' };
  }
}

/** `Authorization: Basic <base64(username:password)>` decoded, or undefined when the header is not Basic. */
export function parseBasic(header: string | undefined): { username: string; password: string } | 'malformed' | undefined {
  if (header === undefined) return undefined;
  const match = /^basic[ \t]+([A-Za-z0-9+/=_-]*)[ \t]*$/i.exec(header);
  if (!match) return /^basic\b/i.test(header) ? 'malformed' : undefined;
  const text = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return 'malformed';
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** Credentials remembered at once; a full cache starts over (only a flood of distinct valid logins fills it). */
const MAX_VERIFIED = 10_000;

/** A hash no password matches, verified for unknown users so their answer takes as long as a wrong password's. */
const DUMMY_HASH_PASSWORD = randomBytes(18).toString('base64');

/**
 * HTTP Basic against the users table: scrypt verification behind a cache keyed by the username and an
 * HMAC of the password under a per-process key (the cache holds no password, nor a digest usable
 * offline). Failed attempts are throttled per username and client address before any hashing.
 *
 * @example
 * const basic = new BasicAuthenticator(store, freshness, throttle, await hashPassword('x'.repeat(16)));
 */
export class BasicAuthenticator implements Authenticator {
  private readonly verified = new Map<string, Principal>();
  private readonly hmacKey = randomBytes(32);

  /** `dummyHash`: a stored-hash string (any password's) verified for unknown usernames. */
  constructor(
    private readonly store: AuthStore,
    private readonly freshness: AuthFreshness,
    private readonly throttle: LoginThrottle,
    private readonly dummyHash: string,
  ) {
    freshness.track(this.verified);
  }

  async authenticate(request: AuthRequest): Promise<AuthOutcome> {
    const credentials = parseBasic(request.header('authorization'));
    if (credentials === undefined) return { outcome: 'not-mine' };
    if (credentials === 'malformed') return { outcome: 'refused' };
    const { username, password } = credentials;
    const key = `${username}\u0000${createHmac('sha256', this.hmacKey).update(password).digest('base64')}`;
    const cached = this.verified.get(key);
    if (cached) return { outcome: 'proven', principal: cached };

    const wait = await this.throttle.retryAfterMs(username, request.clientAddress);
    if (wait > 0) return { outcome: 'throttled', retryAfterMs: wait };
    const epoch = this.freshness.epoch;
    const user = await this.store.getUser(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? this.dummyHash);
    if (!user || !ok) {
      await this.throttle.failed(username, request.clientAddress);
      return { outcome: 'refused' };
    }
    await this.throttle.succeeded(username);
    const principal: Principal = Object.freeze({ userId: user.id, username: user.username, isAdmin: user.isAdmin, via: 'basic' as const });
    if (this.freshness.isCurrent(epoch)) {
      if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
      this.verified.set(key, principal);
    }
    return { outcome: 'proven', principal };
  }
}

/** A password for the dummy hash (never a user's: random per process). */
export function dummyPassword(): string {
  return DUMMY_HASH_PASSWORD;
}
