import { afterAll, beforeAll, expect, it } from 'vitest';
import { startOidcTestProvider, type OidcTestProvider, type TestAccount } from '../../testing/oidc-test-provider.js';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';
import { TestClock } from '../../testing/test-clock.js';
import { ADMIN, basic, okAs, TEST_SCRYPT } from './auth-fixtures.js';

/**
 * "Sign in with SSO" against a real OpenID Provider (oidc-provider on a loopback port): /auth/login,
 * the provider's login and consent, /auth/callback, the session; users linked by (issuer, subject),
 * admins by group, a name held by a password user refused; start-up errors for bad settings.
 */

const REDIRECT = 'http://localhost/auth/callback';
const accounts: Record<string, TestAccount> = {
  'sub-alice': { preferred_username: 'alice', groups: ['loupe-admins'] },
  'sub-bob': { preferred_username: 'bob' },
};
let idp: OidcTestProvider;
let loupe: TestLoupe;

const oidcSettings = () => ({
  oidcIssuer: idp.issuer,
  oidcClientId: idp.basicClient.clientId,
  oidcClientSecret: idp.basicClient.clientSecret as string,
  oidcRedirectUrl: REDIRECT,
  oidcScopes: ['openid', 'profile', 'groups'],
  oidcAdminGroup: 'loupe-admins',
});

beforeAll(async () => {
  idp = await startOidcTestProvider({ redirectUri: REDIRECT, accounts });
  loupe = await createTestLoupe({
    appName: 'basic-auth',
    authAdminUsername: ADMIN.username,
    authAdminPassword: ADMIN.password,
    ...oidcSettings(),
    uiRoot: null,
    // The provider signs with the real time.
    clock: new TestClock(Date.now()),
    deps: { scryptCost: TEST_SCRYPT },
  });
});
afterAll(async () => {
  await loupe?.dispose();
  await idp?.close();
});

/** Signs `login` in at the provider from `/auth/login?return_to=...`; the callback's answer and the session cookie it set. */
async function ssoLogin(login: string, returnTo = '/experiments/1') {
  const start = await loupe.app.request(`http://localhost/auth/login?return_to=${encodeURIComponent(returnTo)}`);
  expect(start.status).toBe(302);
  const loginCookie = (start.headers.get('set-cookie') ?? '').split(';', 1)[0] as string;
  expect(start.headers.get('set-cookie')).toMatch(/^loupe-login=v1\.[^;]+; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax$/);
  const callbackUrl = await idp.signIn(start.headers.get('location') as string, login);
  const callback = await loupe.app.request(callbackUrl, { headers: { cookie: loginCookie } });
  const session = callback.headers.getSetCookie().find((c) => c.startsWith('loupe-session='));
  return { callback, cookie: session ? (session.split(';', 1)[0] as string) : undefined };
}

it('signs in through the provider, back to the page asked for, as a user linked to the account; admin from the group', async () => {
  expect(await (await loupe.app.request('/auth/session')).json()).toMatchObject({ error_code: 'UNAUTHENTICATED', sso: true });
  const { callback, cookie } = await ssoLogin('sub-alice');
  expect(callback.status).toBe(303);
  expect(callback.headers.get('location')).toBe('/experiments/1');
  expect(callback.headers.getSetCookie().some((c) => /^loupe-login=; .*Max-Age=0/.test(c))).toBe(true);
  const session = await loupe.app.request('/auth/session', { headers: { cookie: cookie as string } });
  expect(await session.json()).toMatchObject({ username: 'alice', is_admin: true, auth: 'basic-auth', sso: true });

  // The user exists for permissions, but has no password to sign in with.
  const admin = basic(ADMIN.username, ADMIN.password);
  expect(((await okAs(loupe, admin, 'GET', '/api/2.0/mlflow/users/get?username=alice')).user as { is_admin: boolean }).is_admin).toBe(true);
  expect((await loupe.call('GET', '/api/2.0/mlflow/experiments/search', undefined, basic('alice', '!sso-only'))).status).toBe(401);

  // Out of the admin group at the provider: no longer an admin at the next sign-in, same user.
  accounts['sub-alice'] = { preferred_username: 'alice', groups: [] };
  const again = await ssoLogin('sub-alice', '/');
  const second = await loupe.app.request('/auth/session', { headers: { cookie: again.cookie as string } });
  expect(await second.json()).toMatchObject({ username: 'alice', is_admin: false, sso: true });

  // Both changes are in the audit log, by the person who signed in.
  const events = (await okAs(loupe, admin, 'GET', '/api/2.0/loupe/audit/search?resource_type=user')).events as Record<string, unknown>[];
  expect(events.filter((e) => e.resource_id === 'alice').map((e) => [e.action, e.actor, e.via])).toEqual([
    ['user.update_admin', 'alice', 'session'],
    ['user.create', 'alice', 'session'],
  ]);
});

it("refuses an account whose name belongs to a password user not linked to it, and a login that is not this browser's", async () => {
  await okAs(loupe, basic(ADMIN.username, ADMIN.password), 'POST', '/api/2.0/mlflow/users/create', { username: 'bob', password: 'bob-password-12' });
  const { callback, cookie } = await ssoLogin('sub-bob');
  expect(callback.status).toBe(303);
  expect(callback.headers.get('location')).toBe('/?login_error=PERMISSION_DENIED');
  expect(cookie).toBeUndefined();
  expect(callback.headers.getSetCookie()).toEqual([expect.stringMatching(/^loupe-login=; Path=\/; Max-Age=0/)]);

  // A callback without the login cookie (another browser's code): refused, no session.
  const start = await loupe.app.request('http://localhost/auth/login');
  const callbackUrl = await idp.signIn(start.headers.get('location') as string, 'sub-alice');
  const stolen = await loupe.app.request(callbackUrl);
  expect(stolen.headers.get('location')).toBe('/?login_error=UNAUTHENTICATED');
  expect(stolen.headers.getSetCookie().some((c) => c.startsWith('loupe-session='))).toBe(false);
});

it('stops the start with a message naming the setting: an unreachable provider, a missing flag, no basic-auth', async () => {
  const base = { appName: 'basic-auth' as const, authAdminPassword: ADMIN.password, uiRoot: null, deps: { scryptCost: TEST_SCRYPT } };
  await expect(createTestLoupe({ ...base, ...oidcSettings(), oidcIssuer: 'http://127.0.0.1:9/realm' })).rejects.toThrow(
    /^cannot use the OpenID Connect provider http:\/\/127\.0\.0\.1:9\/realm: .*check --oidc-issuer \(LOUPE_OIDC_ISSUER\)/,
  );
  await expect(createTestLoupe({ ...base, oidcIssuer: idp.issuer })).rejects.toThrow(/--oidc-client-id \(LOUPE_OIDC_CLIENT_ID\) is required/);
  await expect(createTestLoupe({ ...oidcSettings(), uiRoot: null })).rejects.toThrow(/start the server with --app-name basic-auth/);
});
