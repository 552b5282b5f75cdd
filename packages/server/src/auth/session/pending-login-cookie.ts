import { z } from 'zod';
import type { Clock } from '../../clock.js';
import { loginRefused } from '../oidc/oidc-errors.js';
import type { PendingLogin } from '../oidc/oidc-client.js';
import { cookieName, readCookie, serializeCookie } from './cookies.js';
import { SealedValues } from './sealed-value.js';

/** What {@link PendingLoginCookie} needs. */
export interface PendingLoginCookieOptions {
  /** The server's secret key (`--secret-key` / `LOUPE_SECRET_KEY`), the same on every server. */
  secretKey: string;
  clock: Clock;
  /** The server is reached over HTTPS: the cookie is Secure and named `__Host-loupe-login`. */
  secure: boolean;
  /** How long a started login may take (default 10 minutes, as the OIDC client's). */
  ttlMs?: number;
}

const token = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
const sealedSchema = z.object({
  exp: z.number(),
  pending: z.object({ state: token, nonce: token, codeVerifier: token, returnTo: z.string().startsWith('/'), createdAt: z.number() }),
});

/**
 * Carries a started OpenID Connect login (state, nonce, PKCE verifier, page to return to) in the
 * browser, in a short-lived cookie sealed with AES-256-GCM under the server's secret key: the
 * callback can land on any of several stateless servers, and the browser can neither read the
 * verifier nor alter anything. HttpOnly, SameSite=Lax (it must come back on the provider's top-level
 * redirect), Secure and `__Host-` over HTTPS. One login at a time per browser: a second tab's login
 * replaces the first's.
 *
 * @example
 * const loginCookie = new PendingLoginCookie({ secretKey, clock, secure: true });
 * c.header('set-cookie', loginCookie.seal(pending), { append: true }); // at /auth/login
 * const pending = loginCookie.open(c.req.header('cookie')); // at /auth/callback; throws a 401 when missing, forged or expired
 */
export class PendingLoginCookie {
  readonly cookieName: string;
  private readonly box: SealedValues;
  private readonly ttlMs: number;

  constructor(private readonly options: PendingLoginCookieOptions) {
    this.cookieName = cookieName('loupe-login', options.secure);
    this.box = new SealedValues(options.secretKey, 'loupe pending-login cookie');
    this.ttlMs = options.ttlMs ?? 10 * 60 * 1000;
  }

  /** The Set-Cookie header carrying `pending`. */
  seal(pending: PendingLogin): string {
    const value = this.box.seal(JSON.stringify({ exp: this.options.clock.now() + this.ttlMs, pending }), this.cookieName);
    return serializeCookie(this.cookieName, value, { secure: this.options.secure, maxAge: this.ttlMs / 1000 });
  }

  /** The pending login a Cookie header carries; a 401 ApiError when it is missing, not ours, or expired. */
  open(cookieHeader: string | null | undefined): PendingLogin {
    const value = readCookie(cookieHeader, this.cookieName);
    if (value === undefined) {
      throw loginRefused(
        'this browser has no login in progress (the login cookie is missing: it expired, cookies are blocked, or the login was started elsewhere); start the login again.',
      );
    }
    const text = this.box.open(value, this.cookieName);
    const parsed = text === undefined ? undefined : sealedSchema.safeParse(JSON.parse(text));
    if (!parsed?.success) throw loginRefused('the login cookie is not valid (altered, or sealed with another server key); start the login again.');
    if (this.options.clock.now() > parsed.data.exp) throw loginRefused('the login cookie has expired; start the login again.');
    return parsed.data.pending;
  }

  /** The Set-Cookie header that removes the cookie (once the callback has used it, successful or not). */
  clear(): string {
    return serializeCookie(this.cookieName, '', { secure: this.options.secure, maxAge: 0 });
  }
}
