import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sqliteBackend } from '@loupe/server/testing';
import { startCliServer, type CliServer } from '../cli-server.js';
import { describeWithChromium, launchTestBrowser, screenshot, type TestBrowser } from './chromium.js';

// The admin UI against the built CLI with `--app-name basic-auth`: Chromium signs in on Loupe's login
// page (a browser session with its CSRF token). What the UI does is checked through the API as the user
// it was done to.

const SQLITE = sqliteBackend;
const ADMIN = { username: 'root', password: 'root-password-for-ui-tests' };
const USER = { username: 'bo', password: 'bo-password-1234' };
const basic = (who: { username: string; password: string }) => ({
  authorization: `Basic ${Buffer.from(`${who.username}:${who.password}`).toString('base64')}`,
});

/** Signs in on Loupe's login page (any page shows it while signed out), then waits for the app. */
async function signIn(page: Page, url: string, who: { username: string; password: string }) {
  await page.goto(url);
  await page.getByRole('heading', { name: 'Sign in to Loupe' }).waitFor();
  await page.getByLabel('User name').fill(who.username);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Sign in to Loupe' }).waitFor({ state: 'detached' });
}

/** Picks a user in the share dialog: admins get a list of users once it has loaded (a text box until then). */
async function chooseUser(field: Locator, username: string) {
  await expect.poll(() => field.evaluate((el) => el.tagName)).toBe('SELECT');
  await field.selectOption({ label: username });
}

describeWithChromium('UI: users, sharing, API tokens and the audit log (built CLI with --app-name basic-auth, Chromium signed in on the login page)', () => {
  let server: CliServer;
  let browser: TestBrowser;
  let page: Page;
  let experimentId: string;
  const asAdmin = (method: string, p: string, body?: unknown) => server.call(method, p, body, basic(ADMIN));
  const asUser = (method: string, p: string, body?: unknown) => server.call(method, p, body, basic(USER));
  /** Errors the admin's browser logged, less the 401 of `GET /auth/session` a signed-out page gets by design (the login page's cue). */
  const unexpectedErrors = () => browser.errors.filter((e) => !/status of 401/.test(e));

  beforeAll(async () => {
    server = await startCliServer(SQLITE, 'loupe-ui-admin-', {
      args: ['--app-name', 'basic-auth'],
      env: { LOUPE_AUTH_ADMIN_USERNAME: ADMIN.username, LOUPE_AUTH_ADMIN_PASSWORD: ADMIN.password },
    });
    const created = await asAdmin('POST', '/api/2.0/mlflow/experiments/create', { name: 'support-bot' });
    expect(created.status).toBe(200);
    experimentId = created.body.experiment_id as string;
    browser = await launchTestBrowser();
    page = await browser.newPage();
    await signIn(page, `${server.url}/`, ADMIN);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('creates a user from the users page (passwords under 12 characters refused in the form)', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.waitForURL(/\/settings\/users$/);
    await page.getByRole('navigation', { name: 'Settings pages' }).getByRole('link', { name: 'Audit log' }).waitFor();
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel('Username').fill(USER.username);
    await dialog.getByLabel('Password').fill('too-short');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.getByText('at least 12 characters').first().waitFor();
    await dialog.getByLabel('Password').fill(USER.password);
    await screenshot(page, 'admin-new-user');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.waitFor({ state: 'detached' });
    const got = await asAdmin('GET', `/api/2.0/mlflow/users/get?username=${USER.username}`);
    expect(got.body.user).toMatchObject({ username: USER.username, is_admin: false });
    // The new user signs in with the password set here.
    expect((await asUser('GET', `/api/2.0/mlflow/users/get?username=${USER.username}`)).status).toBe(200);
    await page.getByRole('table', { name: 'Users' }).getByRole('row', { name: /bo/ }).waitFor();
    await screenshot(page, 'admin-users');
    expect(unexpectedErrors()).toEqual([]);
  });

  it('shares the experiment with the user as EDIT (the user can write), then NO_PERMISSIONS (refused), then removes the grant', async () => {
    const writeRun = () => asUser('POST', '/api/2.0/mlflow/runs/create', { experiment_id: experimentId });
    await page.goto(`${server.url}/experiments/${experimentId}/runs`);
    await page.getByRole('heading', { name: 'support-bot' }).waitFor();
    await page.getByRole('button', { name: 'Share' }).click();
    const dialog = page.getByRole('dialog', { name: 'Share experiment' });
    await chooseUser(dialog.getByLabel('User to share with'), USER.username);
    await dialog.getByLabel('Permission to grant').selectOption('EDIT');
    await dialog.getByRole('button', { name: 'Share', exact: true }).click();
    await dialog.getByText('bo: Edit, saved.').waitFor();
    await expect.poll(async () => (await writeRun()).status).toBe(200);
    expect((await asAdmin('GET', `/api/2.0/mlflow/experiments/permissions/get?experiment_id=${experimentId}&username=${USER.username}`)).body).toMatchObject({
      experiment_permission: { permission: 'EDIT' },
    });

    const row = dialog.getByRole('table', { name: 'Permissions' }).getByRole('row', { name: /bo/ });
    await expect.poll(() => row.getByLabel(`Permission of ${USER.username}`).inputValue()).toBe('EDIT');
    await screenshot(page, 'admin-share-dialog');
    await row.getByLabel(`Permission of ${USER.username}`).selectOption('NO_PERMISSIONS');
    await expect.poll(async () => (await writeRun()).status).toBe(403);
    expect((await asUser('GET', `/api/2.0/mlflow/experiments/get?experiment_id=${experimentId}`)).body.error_code).toBe('PERMISSION_DENIED');

    await dialog.getByRole('button', { name: `Remove ${USER.username}` }).click();
    await dialog.getByRole('table', { name: 'Permissions' }).getByRole('row', { name: /bo/ }).waitFor({ state: 'detached' });
    const gone = await asAdmin('GET', `/api/2.0/mlflow/experiments/permissions/get?experiment_id=${experimentId}&username=${USER.username}`);
    expect(gone.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    await dialog.getByRole('button', { name: 'Close' }).click();
    expect(unexpectedErrors()).toEqual([]);
  });

  it('shares a registered model and a prompt from their pages', async () => {
    const permissionOf = async (name: string) =>
      (await asAdmin('GET', `/api/2.0/mlflow/registered-models/permissions/get?name=${name}&username=${USER.username}`)).body.registered_model_permission
        ?.permission;
    expect((await asAdmin('POST', '/api/2.0/mlflow/registered-models/create', { name: 'fraud-detector' })).status).toBe(200);
    const prompt = await asAdmin('POST', '/api/2.0/mlflow/registered-models/create', {
      name: 'support-prompt',
      tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }],
    });
    expect(prompt.status).toBe(200);
    for (const [path, title, name] of [
      ['/models/fraud-detector', 'Share model fraud-detector', 'fraud-detector'],
      ['/prompts/support-prompt', 'Share prompt support-prompt', 'support-prompt'],
    ] as const) {
      await page.goto(`${server.url}${path}`);
      await page.getByRole('heading', { name }).waitFor();
      await page.getByRole('button', { name: 'Share' }).click();
      const dialog = page.getByRole('dialog', { name: title });
      await chooseUser(dialog.getByLabel('User to share with'), USER.username);
      await dialog.getByLabel('Permission to grant').selectOption('READ');
      await dialog.getByRole('button', { name: 'Share', exact: true }).click();
      await dialog.getByText('bo: Read, saved.').waitFor();
      expect(await permissionOf(name)).toBe('READ');
      expect((await asUser('GET', `/api/2.0/mlflow/registered-models/get?name=${name}`)).status).toBe(200);
      await dialog.getByRole('button', { name: 'Close' }).click();
    }
    expect(unexpectedErrors()).toEqual([]);
  });

  it('hides Share and the admin pages from a user without MANAGE', async () => {
    const userBrowser = await launchTestBrowser();
    try {
      // The grant left by the sharing case (still there when the dialog could not list it), then EDIT.
      await asAdmin('DELETE', '/api/2.0/mlflow/experiments/permissions/delete', { experiment_id: experimentId, username: USER.username });
      const granted = await asAdmin('POST', '/api/2.0/mlflow/experiments/permissions/create', {
        experiment_id: experimentId,
        username: USER.username,
        permission: 'EDIT',
      });
      expect(granted.status).toBe(200);
      const userPage = await userBrowser.newPage();
      await signIn(userPage, `${server.url}/experiments/${experimentId}/runs`, USER);
      await userPage.getByRole('heading', { name: 'support-bot' }).waitFor();
      // Settings leads a non-admin to its tokens; the users and audit pages are not offered.
      await userPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).waitFor();
      expect(await userPage.getByRole('button', { name: 'Share' }).count()).toBe(0);
      await userPage.goto(`${server.url}/settings/users`);
      await userPage.getByText('Users can be seen by admins only.').waitFor();
      expect(await userPage.getByRole('navigation', { name: 'Settings pages' }).getByRole('link', { name: 'Users' }).count()).toBe(0);
      await screenshot(userPage, 'admin-non-admin-users-page');
      // The user's browser logs the 403 of the permission list (how the UI learns it may not share) and the
      // 401 of the session read before signing in; nothing else.
      expect(userBrowser.errors.filter((e) => !/status of 40[13]/.test(e))).toEqual([]);
    } finally {
      await asAdmin('DELETE', '/api/2.0/mlflow/experiments/permissions/delete', { experiment_id: experimentId, username: USER.username });
      await userBrowser.close();
    }
  });

  it("creates an API token (secret shown once), uses and revokes it; an admin sees another user's tokens", async () => {
    await page.goto(`${server.url}/settings/tokens`);
    await page.getByRole('button', { name: 'New token' }).click();
    const dialog = page.getByRole('dialog', { name: 'New API token' });
    await dialog.getByLabel('Token name').fill('ci-pipeline');
    await dialog.getByLabel('Expires in').selectOption('30 days');
    await dialog.getByRole('button', { name: 'Create token' }).click();
    const done = page.getByRole('dialog', { name: 'Token created' });
    const secret = (await done.getByLabel('New token secret').textContent()) ?? '';
    expect(secret).toMatch(/^lpt_/);
    await done.getByText('cannot be shown again').waitFor();
    await done.getByRole('button', { name: 'Copy token' }).waitFor();
    await screenshot(page, 'admin-token-created');
    await done.getByRole('button', { name: 'Done' }).click();
    const row = page.getByRole('table', { name: 'API tokens' }).getByRole('row', { name: /ci-pipeline/ });
    await row.getByText('active').waitFor();
    expect(await page.getByText(secret).count()).toBe(0);
    const bearer = { authorization: `Bearer ${secret}` };
    expect((await server.call('GET', `/api/2.0/mlflow/experiments/get?experiment_id=${experimentId}`, undefined, bearer)).status).toBe(200);

    await row.getByRole('button', { name: 'Revoke ci-pipeline' }).click();
    await page.getByRole('dialog', { name: 'Revoke ci-pipeline?' }).getByRole('button', { name: 'Revoke token' }).click();
    await row.getByText('revoked').waitFor();
    await expect
      .poll(async () => (await server.call('GET', `/api/2.0/mlflow/experiments/get?experiment_id=${experimentId}`, undefined, bearer)).status)
      .toBe(401);

    const theirs = await asAdmin('POST', '/api/2.0/loupe/tokens/create', { name: 'bo-notebook', username: USER.username });
    expect(theirs.status).toBe(200);
    await page.getByLabel('Tokens of user').selectOption(USER.username);
    await page
      .getByRole('table', { name: 'API tokens' })
      .getByRole('row', { name: /bo-notebook/ })
      .waitFor();
    expect(
      await page
        .getByRole('table', { name: 'API tokens' })
        .getByRole('row', { name: /ci-pipeline/ })
        .count(),
    ).toBe(0);
    await screenshot(page, 'admin-tokens-other-user');
    expect(unexpectedErrors()).toEqual([]);
  });

  it('shows the audit log newest first, filtered by actor, action and resource type, paged', async () => {
    // More events than a page: 55 permission changes on the experiment.
    for (let i = 0; i < 55; i++) {
      await asAdmin('POST', '/api/2.0/mlflow/experiments/permissions/create', { experiment_id: experimentId, username: USER.username, permission: 'READ' });
      await asAdmin('DELETE', '/api/2.0/mlflow/experiments/permissions/delete', { experiment_id: experimentId, username: USER.username });
    }
    await page.goto(`${server.url}/settings/audit`);
    const table = page.getByRole('table', { name: 'Audit events' });
    await table.getByRole('row').nth(1).getByText('permission.delete').waitFor();
    await screenshot(page, 'admin-audit');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => page.url()).toMatch(/page=/);
    await page.getByLabel('Action').selectOption('user.create');
    await table
      .getByRole('row', { name: /user\.create/ })
      .first()
      .waitFor();
    expect(await table.getByRole('row', { name: /permission\./ }).count()).toBe(0);
    await page.getByLabel('Actor').fill('nobody-at-all');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('Nothing matches these filters.').waitFor();
    await page.getByLabel('Actor').fill(ADMIN.username);
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByLabel('Resource type').selectOption('user');
    await table.getByRole('row', { name: /user\.create.*bo/ }).waitFor();
    expect(unexpectedErrors()).toEqual([]);
  });

  it('makes the user an admin and back, resets its password, and deletes it after a confirmation', async () => {
    const isAdmin = async () => (await asAdmin('GET', `/api/2.0/mlflow/users/get?username=${USER.username}`)).body.user?.is_admin;
    await page.goto(`${server.url}/settings/users`);
    const row = page.getByRole('table', { name: 'Users' }).getByRole('row', { name: /bo/ });
    // The box shows the server's answer: it turns once the change is saved, so click and wait for it.
    const box = row.getByLabel(`Admin: ${USER.username}`);
    await box.click();
    await expect.poll(isAdmin).toBe(true);
    await expect.poll(() => box.isChecked()).toBe(true);
    await box.click();
    await expect.poll(isAdmin).toBe(false);
    await expect.poll(() => box.isChecked()).toBe(false);
    // Your own row cannot drop its admin flag or be deleted here.
    const own = page.getByRole('table', { name: 'Users' }).getByRole('row', { name: /root/ });
    expect(await own.getByLabel(`Admin: ${ADMIN.username}`).isDisabled()).toBe(true);
    expect(await own.getByRole('button', { name: `Delete ${ADMIN.username}` }).isDisabled()).toBe(true);

    await row.getByRole('button', { name: `Reset password of ${USER.username}` }).click();
    const reset = page.getByRole('dialog', { name: `Reset the password of ${USER.username}` });
    await reset.getByLabel('New password').fill('bo-new-password-5678');
    await reset.getByRole('button', { name: 'Set password' }).click();
    await reset.waitFor({ state: 'detached' });
    await expect.poll(async () => (await asUser('GET', `/api/2.0/mlflow/users/get?username=${USER.username}`)).status).toBe(401);

    await row.getByRole('button', { name: `Delete ${USER.username}` }).click();
    const confirm = page.getByRole('dialog', { name: `Delete ${USER.username}?` });
    await screenshot(page, 'admin-delete-user');
    await confirm.getByRole('button', { name: 'Delete user' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await asAdmin('GET', `/api/2.0/mlflow/users/get?username=${USER.username}`)).body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(unexpectedErrors()).toEqual([]);
  });
});

describeWithChromium('UI: with auth off there is nothing to share or administer (built CLI, Chromium)', () => {
  let server: CliServer;
  let browser: TestBrowser;

  beforeAll(async () => {
    server = await startCliServer(SQLITE, 'loupe-ui-admin-off-');
    browser = await launchTestBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows no Share button and no Settings link; the settings pages say auth is off', async () => {
    const created = await server.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'solo' });
    const page = await browser.newPage();
    await page.goto(`${server.url}/experiments/${created.body.experiment_id as string}/runs`);
    await page.getByRole('heading', { name: 'solo' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.getByRole('button', { name: 'Share' }).count()).toBe(0);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).count()).toBe(0);
    await page.goto(`${server.url}/settings/tokens`);
    await page.getByText('Authentication is off').waitFor();
    await screenshot(page, 'admin-auth-off');
    expect(browser.errors).toEqual([]);
  });
});
