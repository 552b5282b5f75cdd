import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sqliteBackend } from '@loupe/server/testing';
import { startOidcTestProvider, type OidcTestProvider } from '@loupe/server/testing/oidc';
import { startCliServer, type CliServer } from '../cli-server.js';
import { describeWithChromium, launchTestBrowser, screenshot, type TestBrowser } from './chromium.js';

/**
 * Signing in to the UI in a real browser against the built CLI (`--app-name basic-auth` with
 * OpenID Connect flags) and a real OpenID Provider (oidc-provider): Loupe's login page, the provider's
 * login and consent, back to the page asked for, signed in; a write from the UI (with its CSRF token);
 * a forged same-site POST carrying the session cookie refused; sign out; password sign-in.
 */

const ADMIN_PASSWORD = 'e2e-admin-password-1';
const basicAdmin = { authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}` };

/** A free loopback port: the provider must know Loupe's callback URL before Loupe starts. */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describeWithChromium('UI sign-in: SSO through an OpenID Provider, password, sign out, CSRF (built CLI, Chromium)', () => {
  let idp: OidcTestProvider;
  let server: CliServer;
  let browser: TestBrowser;
  let page: Page;
  let attacker: http.Server;
  let attackerHtml = '';
  let attackerPort: number;
  let experimentId: string;

  /** What Loupe's pages logged, less the 401 of `GET /auth/session` that a signed-out page gets by design, and the provider's own pages. */
  const loupeErrors = () => browser.errors.filter((e) => e.startsWith(server.url) && !/status of 401/.test(e) && !e.startsWith(`${server.url}/auth/`));

  beforeAll(async () => {
    const port = await freePort();
    const redirect = `http://127.0.0.1:${port}/auth/callback`;
    idp = await startOidcTestProvider({ redirectUri: redirect, accounts: { 'carol-sub': { preferred_username: 'carol', groups: ['loupe-admins'] } } });
    server = await startCliServer(sqliteBackend, 'loupe-ui-login-', {
      args: [
        '--port',
        String(port),
        '--app-name',
        'basic-auth',
        '--oidc-issuer',
        idp.issuer,
        '--oidc-client-id',
        idp.basicClient.clientId,
        '--oidc-redirect-url',
        redirect,
        '--oidc-scopes',
        'openid,profile,groups',
        '--oidc-admin-group',
        'loupe-admins',
      ],
      env: { LOUPE_OIDC_CLIENT_SECRET: idp.basicClient.clientSecret as string, LOUPE_AUTH_ADMIN_PASSWORD: ADMIN_PASSWORD },
    });
    const created = await server.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'sso-target' }, basicAdmin);
    expect(created.status).toBe(200);
    experimentId = created.body.experiment_id as string;
    attacker = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(attackerHtml));
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerPort = (attacker.address() as AddressInfo).port;
    browser = await launchTestBrowser();
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => attacker?.close(resolve));
    await server?.stop();
    await idp?.close();
  });

  it('shows the login page, signs in with SSO at the provider, and comes back to the page asked for, signed in', async () => {
    expect(server.output()).not.toMatch(/error/i);
    await page.goto(`${server.url}/experiments/${experimentId}/runs`);
    await page.getByRole('heading', { name: 'Sign in to Loupe' }).waitFor();
    const sso = page.getByRole('link', { name: 'Sign in with SSO' });
    expect(await sso.getAttribute('href')).toBe(`/auth/login?return_to=${encodeURIComponent(`/experiments/${experimentId}/runs`)}`);
    await screenshot(page, 'login-page');

    await sso.click();
    await page.waitForURL(`${idp.issuer}/**`);
    await page.locator('input[name="login"]').fill('carol-sub');
    await page.locator('input[name="password"]').fill('any');
    await screenshot(page, 'login-provider');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.waitForURL(`${server.url}/experiments/${experimentId}/runs`);
    await page.getByRole('heading', { name: /sso-target/ }).waitFor();
    await page.getByRole('button', { name: 'Signed in as carol (admin)' }).waitFor();
    const cookies = await page.context().cookies(server.url);
    expect(cookies.find((c) => c.name === 'loupe-session')).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    await screenshot(page, 'login-signed-in-sso');
    expect(loupeErrors()).toEqual([]);
  });

  it('writes from the UI with its CSRF token; a same-site page posting with the session cookie is refused', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: 'New experiment' }).click();
    await page.getByLabel('Experiment name').fill('made-by-carol');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/experiments\/\d+$/);
    await page.getByRole('heading', { name: /made-by-carol/ }).waitFor();
    expect((await server.call('GET', '/api/2.0/mlflow/experiments/get-by-name?experiment_name=made-by-carol', undefined, basicAdmin)).status).toBe(200);

    // 127.0.0.1 on another port: the same site, so the SameSite=Lax cookie goes along, and the
    // loopback origin passes the cross-origin check; the CSRF check is what refuses it.
    const target = `${server.url}/ajax-api/2.0/mlflow/experiments/create`;
    attackerHtml = `<form method="POST" enctype="text/plain" action="${target}"><input name='{"name":"forged","x":"' value='"}'></form>`;
    await page.goto(`http://127.0.0.1:${attackerPort}/`);
    const fetched = await page.evaluate(
      `fetch('${target}', { method: 'POST', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: '{"name":"forged-fetch"}' }).then((r) => r.status, () => 'blocked')`,
    );
    expect([403, 'blocked']).toContain(fetched);
    const [reply] = await Promise.all([page.waitForNavigation(), page.evaluate('document.forms[0].submit()')]);
    expect(reply?.status()).toBe(403);
    expect(await page.textContent('body')).toContain('Cross-site request forgery check failed');
    for (const name of ['forged', 'forged-fetch']) {
      expect((await server.call('GET', `/api/2.0/mlflow/experiments/get-by-name?experiment_name=${name}`, undefined, basicAdmin)).status).toBe(404);
    }
    browser.errors.length = 0;
  });

  it('signs out from the user menu, then signs in with a password', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: 'Signed in as carol (admin)' }).click();
    await screenshot(page, 'login-user-menu');
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Loupe' }).waitFor();
    expect((await page.context().cookies(server.url)).some((c) => c.name === 'loupe-session')).toBe(false);
    // A failed SSO round trip comes back with a code; the page says a fixed sentence for it.
    await page.goto(`${server.url}/?login_error=PERMISSION_DENIED`);
    await page.getByRole('alert').filter({ hasText: 'its user name belongs to another Loupe user' }).waitFor();

    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong user name or password.' }).waitFor();
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('link', { name: 'sso-target' }).waitFor();
    await page.getByRole('button', { name: 'Signed in as admin (admin)' }).waitFor();
    await screenshot(page, 'login-signed-in-password');
    expect(loupeErrors()).toEqual([]);
  });
});
