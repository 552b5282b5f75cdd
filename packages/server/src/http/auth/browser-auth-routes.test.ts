import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeOnBackend, testBackends, type TestBackend } from '../../testing/backends.js';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';
import { ADMIN, basic, createAuthLoupe, okAs } from './auth-fixtures.js';

/**
 * The UI's sign-in routes (docs/adr/0013-auth.md §7) over HTTP, on SQLite and PostgreSQL: the password
 * form, the session cookie's attributes, CSRF on cookie-authenticated writes (and not on Basic), the
 * session following its user (deleted, password changed, admin flag), logout, and no Basic challenge
 * anywhere under /auth/.
 */

const ALICE = { username: 'alice', password: 'alice-password-1' };
const JSON_HEADERS = { 'content-type': 'application/json' };

/** `name=value` of a Set-Cookie header, for the next request's Cookie header. */
const cookiePair = (setCookie: string | null) => (setCookie ?? '').split(';', 1)[0] as string;

async function passwordLogin(loupe: TestLoupe, who: { username: string; password: string }, headers: Record<string, string> = {}) {
  const res = await loupe.app.request('/auth/login/password', { method: 'POST', headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(who) });
  return { res, body: (await res.json()) as Record<string, unknown>, cookie: cookiePair(res.headers.get('set-cookie')) };
}

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'browser sign-in', () => suite(backend));
}

function suite(backend: TestBackend) {
  let loupe: TestLoupe;
  beforeEach(async () => {
    loupe = await createAuthLoupe(backend.name === 'sqlite' ? {} : { database: await backend.create() });
    await okAs(loupe, basic(ADMIN.username, ADMIN.password), 'POST', '/api/2.0/mlflow/users/create', ALICE);
  });
  afterEach(async () => {
    await loupe.dispose();
  });

  it('signs in with a password: an HttpOnly, SameSite=Lax session cookie and the session for the UI; never a Basic challenge under /auth/', async () => {
    const anonymous = await loupe.app.request('/auth/session');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBeNull();
    expect(((await anonymous.json()) as { error_code: string }).error_code).toBe('UNAUTHENTICATED');

    const wrong = await passwordLogin(loupe, { ...ALICE, password: 'not-the-password' });
    expect(wrong.res.status).toBe(401);
    expect(wrong.res.headers.get('www-authenticate')).toBeNull();
    expect(wrong.res.headers.get('set-cookie')).toBeNull();

    const { res, body, cookie } = await passwordLogin(loupe, ALICE);
    expect(res.status).toBe(200);
    expect(body).toEqual({ username: 'alice', is_admin: false, csrf_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const setCookie = res.headers.get('set-cookie') as string;
    expect(setCookie).toMatch(/^loupe-session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=604800; HttpOnly; SameSite=Lax$/);
    expect(res.headers.get('cache-control')).toBe('no-store');

    const session = await loupe.app.request('/auth/session', { headers: { cookie } });
    expect(await session.json()).toEqual({ username: 'alice', is_admin: false, csrf_token: body.csrf_token, auth: 'basic-auth', sso: false });
    // The UI shell loads for anyone (its login page); the API does not.
    expect((await loupe.app.request('/')).status).not.toBe(401);
    expect((await loupe.app.request('/auth/login')).status).toBe(404); // no OpenID Connect configured
    expect((await loupe.app.request('/auth/login/password', { method: 'POST', body: 'x', headers: JSON_HEADERS })).status).toBe(400);
    const huge = await loupe.app.request('/auth/login/password', { method: 'POST', body: 'x'.repeat(100_000), headers: JSON_HEADERS });
    expect(huge.status).toBe(413);
  });

  it('checks CSRF on cookie-authenticated writes: X-CSRF-Token must match, and the request must come from the same origin', async () => {
    const { body, cookie } = await passwordLogin(loupe, ALICE);
    const token = body.csrf_token as string;
    const create = (headers: Record<string, string>, name: string) =>
      loupe.call('POST', '/ajax-api/2.0/mlflow/experiments/create', { name }, { cookie, ...headers });

    expect((await loupe.call('GET', '/ajax-api/2.0/mlflow/experiments/search?max_results=5', undefined, { cookie })).status).toBe(200);
    for (const [headers, why] of [
      [{}, /X-CSRF-Token header is missing/],
      [{ 'x-csrf-token': 'forged' }, /does not match/],
      [{ 'x-csrf-token': token, 'sec-fetch-site': 'same-site' }, /another site/],
      [{ 'x-csrf-token': token, origin: 'http://evil.example' }, /./],
    ] as const) {
      const refused = await create(headers, 'forged');
      expect(refused.status, JSON.stringify(headers)).toBe(403);
      expect(refused.body.error_code).toBe('PERMISSION_DENIED');
      expect(refused.body.message).toMatch(why);
    }
    expect(
      (await loupe.call('GET', '/api/2.0/mlflow/experiments/get-by-name?experiment_name=forged', undefined, basic(ADMIN.username, ADMIN.password))).status,
    ).toBe(404);
    const made = await create({ 'x-csrf-token': token, 'sec-fetch-site': 'same-origin', origin: 'http://localhost' }, 'from-the-ui');
    expect(made.status, made.text).toBe(200);

    // Basic needs no token, and an Authorization header means the cookie is not looked at.
    expect((await loupe.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'by-basic' }, basic(ALICE.username, ALICE.password))).status).toBe(200);
    const mixed = await loupe.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'mixed' }, { cookie, ...basic('alice', 'wrong-password-1') });
    expect(mixed.status).toBe(401);
    expect(mixed.headers.get('www-authenticate')).toMatch(/^Basic /);
  });

  it('refuses a password login posted by another site (login CSRF) and throttles failures as Basic does, counting both', async () => {
    expect((await passwordLogin(loupe, ALICE, { 'sec-fetch-site': 'cross-site' })).res.status).toBe(403);
    expect((await passwordLogin(loupe, ALICE, { origin: 'http://evil.example' })).res.status).toBe(403);
    for (let i = 0; i < 5; i++)
      expect((await loupe.call('GET', '/api/2.0/mlflow/users/get?username=alice', undefined, basic('alice', `wrong-${i}`))).status).toBe(401);
    for (let i = 0; i < 5; i++) expect((await passwordLogin(loupe, { ...ALICE, password: `wrong-${i}` })).res.status).toBe(401);
    const throttled = await passwordLogin(loupe, ALICE);
    expect(throttled.res.status).toBe(429);
    expect(Number(throttled.res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(throttled.body.error_code).toBe('REQUEST_LIMIT_EXCEEDED');
    loupe.clock.advance(15 * 60_000);
    expect((await passwordLogin(loupe, ALICE)).res.status).toBe(200);
  });

  it("follows its user: the admin flag at once, a changed password or a deleted user ends it; a dead session's cookie is cleared, without a challenge", async () => {
    const admin = basic(ADMIN.username, ADMIN.password);
    const { cookie } = await passwordLogin(loupe, ALICE);
    const session = async () => loupe.app.request('/auth/session', { headers: { cookie } });

    await okAs(loupe, admin, 'PATCH', '/api/2.0/mlflow/users/update-admin', { username: 'alice', is_admin: true });
    expect(((await (await session()).json()) as { is_admin: boolean }).is_admin).toBe(true);
    expect((await loupe.call('GET', '/ajax-api/2.0/mlflow/users/get?username=admin', undefined, { cookie })).status).toBe(200);

    await okAs(loupe, admin, 'PATCH', '/api/2.0/mlflow/users/update-password', { username: 'alice', password: 'a-new-password-2' });
    const ended = await loupe.call('GET', '/ajax-api/2.0/mlflow/experiments/search', undefined, { cookie });
    expect(ended.status).toBe(401);
    expect(ended.headers.get('www-authenticate')).toBeNull();
    expect(ended.headers.get('set-cookie')).toMatch(/^loupe-session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Lax$/);
    expect((await session()).status).toBe(401);

    const again = await passwordLogin(loupe, { ...ALICE, password: 'a-new-password-2' });
    expect((await loupe.app.request('/auth/session', { headers: { cookie: again.cookie } })).status).toBe(200);
    await okAs(loupe, admin, 'DELETE', '/api/2.0/mlflow/users/delete', { username: 'alice' });
    const gone = await loupe.app.request('/auth/session', { headers: { cookie: again.cookie } });
    expect(gone.status).toBe(401);
    expect(gone.headers.get('set-cookie')).toMatch(/Max-Age=0/);
  });

  it('signs out (CSRF-checked), and ends an idle session', async () => {
    const { body, cookie } = await passwordLogin(loupe, ALICE);
    const logout = (headers: Record<string, string>) => loupe.app.request('/auth/logout', { method: 'POST', headers: { cookie, ...headers } });
    const forged = await logout({ 'sec-fetch-site': 'cross-site' });
    expect(forged.status).toBe(403);
    expect((await loupe.app.request('/auth/session', { headers: { cookie } })).status).toBe(200);
    const out = await logout({ 'x-csrf-token': body.csrf_token as string });
    expect(out.status).toBe(200);
    expect(await out.json()).toEqual({});
    expect(out.headers.get('set-cookie')).toMatch(/^loupe-session=; Path=\/; Max-Age=0/);
    expect((await loupe.app.request('/auth/session', { headers: { cookie } })).status).toBe(401);

    const idle = await passwordLogin(loupe, ALICE);
    loupe.clock.advance(8 * 60 * 60_000);
    expect((await loupe.app.request('/auth/session', { headers: { cookie: idle.cookie } })).status).toBe(401);
  });
}

it('answers {auth: "none"} when auth is off, and names the cookie __Host- with Secure behind HTTPS', async () => {
  const open = await createTestLoupe({ uiRoot: null });
  try {
    const res = await open.app.request('/auth/session');
    expect(await res.json()).toEqual({ username: 'local', is_admin: true, csrf_token: '', auth: 'none', sso: false });
  } finally {
    await open.dispose();
  }
  const secure = await createTestLoupe({
    appName: 'basic-auth',
    authAdminUsername: ADMIN.username,
    authAdminPassword: ADMIN.password,
    sessionCookieSecure: true,
    uiRoot: null,
  });
  try {
    const { res } = await passwordLogin(secure, ADMIN);
    expect(res.headers.get('set-cookie')).toMatch(/^__Host-loupe-session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=604800; HttpOnly; Secure; SameSite=Lax$/);
  } finally {
    await secure.dispose();
  }
});
