import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sqliteBackend } from '@loupe/server/testing';
import { startCliServer, type CliServer } from '../cli-server.js';
import { describeWithChromium, screenshot, type TestBrowser } from './chromium.js';
import { createSeeder, type Seeder } from './seed.js';
import { openUiPage, stopUiSession } from './ui-session.js';

describeWithChromium('UI: webhooks (built CLI, Chromium, a real receiver on loopback)', () => {
  let server: CliServer;
  let seed: Seeder;
  let browser: TestBrowser;
  let page: Page;
  let receiver: http.Server;
  let receiverUrl: string;
  const received: { url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ url: req.url ?? '', headers: req.headers, body });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    // The CLI server inherits the environment: allow plain HTTP to loopback, for this receiver.
    const saved = { schemes: process.env.MLFLOW_WEBHOOK_ALLOWED_SCHEMES, priv: process.env.MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS };
    process.env.MLFLOW_WEBHOOK_ALLOWED_SCHEMES = 'http,https';
    process.env.MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS = 'true';
    try {
      server = await startCliServer(sqliteBackend, 'loupe-ui-webhooks-');
    } finally {
      if (saved.schemes === undefined) delete process.env.MLFLOW_WEBHOOK_ALLOWED_SCHEMES;
      else process.env.MLFLOW_WEBHOOK_ALLOWED_SCHEMES = saved.schemes;
      if (saved.priv === undefined) delete process.env.MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS;
      else process.env.MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS = saved.priv;
    }
    seed = createSeeder(server.url);
    await seed.post('/api/2.0/mlflow/webhooks', { name: 'prompt-watch', url: receiverUrl, events: [{ entity: 'PROMPT_ALIAS', action: 'CREATED' }] });
    ({ browser, page } = await openUiPage());
  });

  afterAll(async () => {
    await stopUiSession({ seed, browser, server });
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('lists webhooks, creates one from the UI, and shows its deliveries as they happen', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
    const table = page.getByRole('table', { name: 'Webhooks' });
    await table
      .getByRole('row', { name: /prompt-watch/ })
      .getByText('prompt_alias.created')
      .waitFor();

    await page.getByRole('button', { name: 'New webhook' }).click();
    await page.getByLabel('Webhook name').fill('ci-deploy');
    await page.getByLabel('Webhook URL').fill(receiverUrl);
    await page.getByLabel('Webhook description').fill('Deploys new versions');
    await page.getByLabel('model_version.created').check();
    await screenshot(page, 'webhook-create');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await page.getByRole('heading', { name: 'ci-deploy' }).waitFor();
    await page.getByText('Nothing delivered yet').waitFor();
    const list = (await (await fetch(`${server.url}/api/2.0/mlflow/webhooks`)).json()) as { webhooks: { name: string; events: unknown[] }[] };
    expect(list.webhooks.find((w) => w.name === 'ci-deploy')?.events).toEqual([{ entity: 'MODEL_VERSION', action: 'CREATED' }]);

    // A version registered through the API is delivered to the receiver, and the log shows it.
    await seed.post('/api/2.0/mlflow/registered-models/create', { name: 'fraud-detector' });
    await seed.post('/api/2.0/mlflow/model-versions/create', { name: 'fraud-detector', source: 's3://bucket/model' });
    const row = page.getByRole('table', { name: 'Deliveries' }).getByRole('row', { name: /model_version\.created/ });
    await row.getByText('SUCCEEDED').waitFor({ timeout: 15_000 });
    await row.getByText('fraud-detector v1').waitFor();
    await row.getByText('HTTP 200').waitFor();
    expect(received.some((r) => r.headers['x-mlflow-delivery-id'] && JSON.parse(r.body).entity === 'model_version')).toBe(true);
    await screenshot(page, 'webhook-deliveries');

    // A bad URL is refused with the server's message, in the form.
    await page.goto(`${server.url}/webhooks`);
    await page.getByRole('button', { name: 'New webhook' }).click();
    await page.getByLabel('Webhook name').fill('bad');
    await page.getByLabel('Webhook URL').fill('ftp://example.com/x');
    await page.getByLabel('prompt.created').check();
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await page.getByRole('alert').getByText('Not created').waitFor();
    // The refusal is a 400 the page shows; the browser logs the failed request itself, nothing else.
    expect(browser.errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
  });

  it('edits a webhook in the create form, disables and enables it in one click, sends a test, and deletes it', async () => {
    const created = await seed.post<{ webhook: { webhook_id: string } }>('/api/2.0/mlflow/webhooks', {
      name: 'ops-alerts',
      url: receiverUrl,
      description: 'Pages on-call',
      events: [{ entity: 'PROMPT_ALIAS', action: 'CREATED' }],
    });
    const id = created.webhook.webhook_id;
    const readHook = async () =>
      (await (await fetch(`${server.url}/api/2.0/mlflow/webhooks/${id}`)).json()) as {
        webhook: { name: string; description?: string; url: string; status: string; events: unknown[] } & Record<string, unknown>;
      };

    // One click on the list disables it, another enables it again.
    await page.goto(`${server.url}/webhooks`);
    const row = page.getByRole('table', { name: 'Webhooks' }).getByRole('row', { name: /ops-alerts/ });
    await row.getByText('Active').waitFor();
    await row.getByRole('button', { name: 'Disable ops-alerts' }).click();
    await row.getByText('Disabled').waitFor();
    expect((await readHook()).webhook.status).toBe('DISABLED');
    await screenshot(page, 'webhooks-list-disabled');
    await row.getByRole('button', { name: 'Enable ops-alerts' }).click();
    await row.getByText('Active').waitFor();
    expect((await readHook()).webhook.status).toBe('ACTIVE');
    await row.getByRole('link', { name: 'ops-alerts' }).click();
    await page.getByRole('heading', { name: 'ops-alerts' }).waitFor();

    // The create form, filled in; a URL the server refuses keeps the dialog open with its message.
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit ops-alerts' });
    expect(await dialog.getByLabel('Webhook name').inputValue()).toBe('ops-alerts');
    expect(await dialog.getByLabel('Webhook secret').inputValue()).toBe('');
    expect(await dialog.getByLabel('prompt_alias.created').isChecked()).toBe(true);
    await dialog.getByLabel('Webhook URL').fill('ftp://example.com/x');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    const refusal = dialog.getByRole('alert');
    await refusal.getByText('Not saved').waitFor();
    await refusal.getByText('INVALID_PARAMETER_VALUE').waitFor();
    expect((await readHook()).webhook.url).toBe(receiverUrl);

    const editedUrl = receiverUrl.replace(/\/hook$/, '/hook-v2');
    await dialog.getByLabel('Webhook URL').fill(editedUrl);
    await dialog.getByLabel('Webhook description').fill('Pages on-call, loudly');
    await dialog.getByLabel('prompt_alias.deleted').check();
    await dialog.getByLabel('Webhook secret').fill('rotated-secret');
    await dialog.getByLabel('Webhook status').selectOption('DISABLED');
    await screenshot(page, 'webhook-edit');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('Pages on-call, loudly').waitFor();
    await page.getByText('prompt_alias.created, prompt_alias.deleted').waitFor();
    const edited = (await readHook()).webhook;
    expect(edited).toMatchObject({ name: 'ops-alerts', url: editedUrl, description: 'Pages on-call, loudly', status: 'DISABLED' });
    expect(edited.events).toEqual([
      { entity: 'PROMPT_ALIAS', action: 'CREATED' },
      { entity: 'PROMPT_ALIAS', action: 'DELETED' },
    ]);
    expect(JSON.stringify(edited)).not.toContain('rotated-secret');

    // A test goes out even while disabled, signed with the new secret, and the answer is shown.
    const before = received.length;
    await page.getByRole('button', { name: 'Send test' }).click();
    const result = page.getByRole('status', { name: 'Test result' });
    await result.getByText('Delivered').waitFor();
    await result.getByText('HTTP 200').waitFor();
    expect(await result.getByLabel('Response body').textContent()).toBe('ok');
    const sent = received.slice(before).find((r) => r.url === '/hook-v2');
    expect(sent).toBeDefined();
    const h = sent?.headers ?? {};
    const expected = `v1,${createHmac('sha256', 'rotated-secret')
      .update(`${String(h['x-mlflow-delivery-id'])}.${String(h['x-mlflow-timestamp'])}.${sent?.body}`)
      .digest('base64')}`;
    expect(h['x-mlflow-signature']).toBe(expected);
    expect(JSON.parse(sent?.body ?? '{}')).toMatchObject({ entity: 'prompt_alias', action: 'created' });
    await screenshot(page, 'webhook-edit-test');

    // One click on the page enables it again.
    await page.getByRole('button', { name: 'Enable ops-alerts' }).click();
    await page.getByRole('button', { name: 'Disable ops-alerts' }).waitFor();
    expect((await readHook()).webhook.status).toBe('ACTIVE');

    // A receiver that is not there: the test reports the failure instead of an answer.
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await dialog.getByLabel('Webhook URL').fill('http://127.0.0.1:9/nothing-here');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Send test' }).click();
    await result.getByText('Failed', { exact: true }).waitFor();
    await result.getByText(/Failed to test webhook/).waitFor();

    // Delete asks first; Cancel keeps it, confirming removes it and goes back to the list.
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete webhook' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect((await fetch(`${server.url}/api/2.0/mlflow/webhooks/${id}`)).status).toBe(200);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await confirm.getByRole('button', { name: 'Delete webhook' }).click();
    await page.waitForURL(/\/webhooks$/);
    await page
      .getByRole('table', { name: 'Webhooks' })
      .getByRole('row', { name: /prompt-watch/ })
      .waitFor();
    expect(
      await page
        .getByRole('table', { name: 'Webhooks' })
        .getByRole('row', { name: /ops-alerts/ })
        .count(),
    ).toBe(0);
    expect((await fetch(`${server.url}/api/2.0/mlflow/webhooks/${id}`)).status).toBe(404);
    // The refused edit is a 400 the dialog shows; the browser logs the failed request itself, nothing else.
    expect(browser.errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
  });
});
