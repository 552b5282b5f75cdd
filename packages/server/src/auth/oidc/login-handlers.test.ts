import { ApiError } from '@loupe/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../testing/test-clock.js';
import { BrowserSessions } from '../session/browser-sessions.js';
import { MemorySessionStore } from '../session/memory-session-store.js';
import { PendingLoginCookie } from '../session/pending-login-cookie.js';
import { createSessionAuthenticator } from '../session/session-authenticator.js';
import { createOidcLoginHandlers, type OidcLoginHandlersOptions } from './login-handlers.js';
import { OidcClient } from './oidc-client.js';
import { resolveOidcConfig } from './oidc-config.js';
import { startOidcTestProvider, type OidcTestProvider } from '../../testing/oidc-test-provider.js';

const LOUPE = 'http://127.0.0.1:5999';
const SECRET_KEY = 'the-secret-key-every-loupe-server-shares';

/** The browser's cookies for Loupe's origin. */
class Browser {
  readonly cookies = new Map<string, string>();
  take(response: Response): Response {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      if (/Max-Age=0/.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }
  get header(): string {
    return [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  }
  request(path: string, init: RequestInit = {}): Request {
    return new Request(new URL(path, LOUPE), { ...init, headers: { cookie: this.header, ...init.headers } });
  }
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(ApiError.is(err), `expected an ApiError, got ${String(err)}`).toBe(true);
  return err as ApiError;
}

describe('the UI login flow over two stateless servers', () => {
  let idp: OidcTestProvider;
  const store = new MemorySessionStore();
  const clock = new TestClock(Date.now());

  beforeAll(async () => {
    idp = await startOidcTestProvider({
      redirectUri: `${LOUPE}/auth/callback`,
      accounts: { alice: { preferred_username: 'alice', groups: ['loupe-admins'] }, mallory: { preferred_username: 'mallory' } },
    });
  });
  afterAll(() => idp.close());

  /** One Loupe server: its own OIDC client and caches; the session store and the secret key are shared. */
  const server = (extra: Partial<OidcLoginHandlersOptions> = {}) => {
    const config = resolveOidcConfig({
      issuer: idp.issuer,
      ...idp.basicClient,
      redirectUrl: `${LOUPE}/auth/callback`,
      scopes: ['openid', 'profile', 'groups'],
      adminGroup: 'loupe-admins',
    });
    const sessions = new BrowserSessions({ store, clock, secure: false });
    const handlers = createOidcLoginHandlers({
      oidc: new OidcClient(config, { clock }),
      sessions,
      loginCookie: new PendingLoginCookie({ secretKey: SECRET_KEY, clock, secure: false }),
      ...extra,
    });
    return { ...handlers, authenticate: createSessionAuthenticator(sessions) };
  };

  /** Starts a login on `a`, signs in at the provider; returns the callback URL (not yet visited). */
  const startLogin = async (browser: Browser, a: ReturnType<typeof server>, login: string, returnTo = '/experiments/7') => {
    const started = browser.take(await a.login(browser.request(`/auth/login?return_to=${encodeURIComponent(returnTo)}`)));
    expect(started.status).toBe(302);
    return idp.signIn(started.headers.get('location')!, login);
  };

  it('logs in on one server, is recognised on another, writes with the CSRF token, logs out', async () => {
    const [a, b] = [server(), server()];
    const browser = new Browser();
    const callbackUrl = await startLogin(browser, a, 'alice');
    expect([...browser.cookies.keys()]).toEqual(['loupe-login']);

    const back = browser.take(await b.callback(browser.request(callbackUrl)));
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe('/experiments/7');
    expect([...browser.cookies.keys()]).toEqual(['loupe-session']);

    const me = await a.session(browser.request('/auth/session'));
    const body = (await me.json()) as { username: string; is_admin: boolean; csrf_token: string };
    expect(body).toMatchObject({ username: 'alice', is_admin: true });

    const write = (headers: Record<string, string>) =>
      browser.request('/ajax-api/2.0/mlflow/experiments/create', { method: 'POST', headers: { origin: LOUPE, ...headers } });
    expect(await b.authenticate(write({ 'x-csrf-token': body.csrf_token }))).toMatchObject({ username: 'alice', isAdmin: true });
    expect((await failure(b.authenticate(write({})))).code).toBe('PERMISSION_DENIED');
    expect((await failure(b.authenticate(write({ 'x-csrf-token': body.csrf_token, origin: 'https://evil.example' })))).message).toMatch(/another origin/);

    expect((await failure(a.logout(browser.request('/auth/logout', { method: 'POST', headers: { origin: LOUPE } })))).code).toBe('PERMISSION_DENIED');
    const out = browser.take(await a.logout(browser.request('/auth/logout', { method: 'POST', headers: { origin: LOUPE, 'x-csrf-token': body.csrf_token } })));
    expect(out.status).toBe(204);
    expect(browser.cookies.size).toBe(0);
    expect((await failure(b.session(browser.request('/auth/session')))).code).toBe('UNAUTHENTICATED');
  });

  it('refuses a callback without the login cookie, and another login’s callback (login CSRF)', async () => {
    const a = server();
    const attacker = new Browser();
    const attackersCallback = await startLogin(attacker, a, 'mallory');
    const victim = new Browser();
    expect((await failure(a.callback(victim.request(attackersCallback)))).message).toMatch(/no login in progress/);
    await startLogin(victim, a, 'alice');
    expect((await failure(a.callback(victim.request(attackersCallback)))).message).toMatch(/state mismatch/);
    expect(victim.cookies.has('loupe-session')).toBe(false);
  });

  it('sends the browser only to pages of this server after login', async () => {
    const a = server();
    const browser = new Browser();
    const callbackUrl = await startLogin(browser, a, 'alice', '//evil.example/phish');
    const back = await a.callback(browser.request(callbackUrl));
    expect(back.headers.get('location')).toBe('/');
  });

  it('lets the auth core refuse a user, and starts no session then', async () => {
    const before = store.size;
    const a = server({
      onLogin: (identity) => {
        throw new ApiError('PERMISSION_DENIED', `${identity.username} may not use Loupe`);
      },
    });
    const browser = new Browser();
    const callbackUrl = await startLogin(browser, a, 'mallory');
    expect((await failure(a.callback(browser.request(callbackUrl)))).message).toBe('mallory may not use Loupe');
    expect(store.size).toBe(before);
  });
});
