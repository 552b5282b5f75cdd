import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSqliteDatabase } from '@loupe/server/testing';
import { startCliServer, type CliServer } from '../cli-server.js';
import { describeWithChromium, launchTestBrowser, screenshot, type TestBrowser } from './chromium.js';
import { createSeeder, type Seeder } from './seed.js';

describeWithChromium('UI: webhooks (built CLI, Chromium, a real receiver on loopback)', () => {
  let server: CliServer;
  let seed: Seeder;
  let browser: TestBrowser;
  let page: Page;
  let receiver: http.Server;
  let receiverUrl: string;
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
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
      server = await startCliServer({ name: 'sqlite', unavailable: null, create: createSqliteDatabase }, 'loupe-ui-webhooks-');
    } finally {
      if (saved.schemes === undefined) delete process.env.MLFLOW_WEBHOOK_ALLOWED_SCHEMES;
      else process.env.MLFLOW_WEBHOOK_ALLOWED_SCHEMES = saved.schemes;
      if (saved.priv === undefined) delete process.env.MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS;
      else process.env.MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS = saved.priv;
    }
    seed = createSeeder(server.url);
    await seed.post('/api/2.0/mlflow/webhooks', { name: 'prompt-watch', url: receiverUrl, events: [{ entity: 'PROMPT_ALIAS', action: 'CREATED' }] });
    browser = await launchTestBrowser();
    page = await browser.newPage();
  });

  afterAll(async () => {
    await seed?.close();
    await browser?.close();
    await server?.stop();
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
});
