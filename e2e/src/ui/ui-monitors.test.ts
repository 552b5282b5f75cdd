import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sqliteBackend } from '@loupe/server/testing';
import { startCliServer, type CliServer } from '../cli-server.js';
import { describeWithChromium, screenshot, type TestBrowser } from './chromium.js';
import { createSeeder, type Seeder } from './seed.js';
import { openUiPage, stopUiSession } from './ui-session.js';

type Delivery = { entity: string; action: string; data: Record<string, unknown> };

describeWithChromium('UI: monitors (built CLI, Chromium, a real webhook receiver on loopback)', () => {
  let server: CliServer;
  let seed: Seeder;
  let browser: TestBrowser;
  let page: Page;
  let receiver: http.Server;
  let experimentId: string;
  const received: Delivery[] = [];

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body) as Delivery);
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    // The CLI server inherits the environment: allow plain HTTP to loopback, for this receiver.
    const saved = { schemes: process.env.MLFLOW_WEBHOOK_ALLOWED_SCHEMES, priv: process.env.MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS };
    process.env.MLFLOW_WEBHOOK_ALLOWED_SCHEMES = 'http,https';
    process.env.MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS = 'true';
    try {
      server = await startCliServer(sqliteBackend, 'loupe-ui-monitors-');
    } finally {
      if (saved.schemes === undefined) delete process.env.MLFLOW_WEBHOOK_ALLOWED_SCHEMES;
      else process.env.MLFLOW_WEBHOOK_ALLOWED_SCHEMES = saved.schemes;
      if (saved.priv === undefined) delete process.env.MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS;
      else process.env.MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS = saved.priv;
    }
    seed = createSeeder(server.url);
    await seed.post('/api/2.0/mlflow/webhooks', {
      name: 'pager',
      url: receiverUrl,
      events: [
        { entity: 'MONITOR', action: 'ALERTED' },
        { entity: 'MONITOR', action: 'RESOLVED' },
      ],
    });
    experimentId = (await seed.post<{ experiment_id: string }>('/api/2.0/mlflow/experiments/create', { name: 'support-bot' })).experiment_id;
    // Traffic of the last minutes: 4 of 10 traces failed; 5 judged, 2 of them helpful.
    const start = Date.now() - 60_000;
    for (let i = 0; i < 10; i++) {
      const traceId = `tr-${(i + 1).toString(16).padStart(32, '0')}`;
      await seed.post('/api/3.0/mlflow/traces', {
        trace: {
          trace_info: {
            trace_id: traceId,
            trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
            request_time: new Date(start + i * 1000).toISOString(),
            execution_duration: `${(200 + i * 100) / 1000}s`,
            state: i < 4 ? 'ERROR' : 'OK',
            tags: { env: 'prod' },
          },
        },
      });
      if (i >= 5) {
        await seed.post(`/api/3.0/mlflow/traces/${traceId}/assessments`, {
          assessment: {
            assessment_name: 'helpful',
            trace_id: traceId,
            source: { source_type: 'LLM_JUDGE', source_id: 'judge' },
            feedback: { value: i % 2 === 0 },
          },
        });
      }
    }
    ({ browser, page } = await openUiPage());
  });

  afterAll(async () => {
    await stopUiSession({ seed, browser, server });
    await new Promise((resolve) => receiver?.close(resolve));
  });

  const waitFor = async (what: () => boolean, label: string) => {
    await expect.poll(what, { timeout: 15_000, message: label }).toBe(true);
  };

  it('creates a monitor, shows it alerting against its threshold with its history, fires the webhook, and resolves after an edit', async () => {
    await page.goto(`${server.url}/experiments/${experimentId}/traces`);
    await page.getByRole('link', { name: 'Monitoring' }).click();
    await page.getByText('No monitors yet').waitFor();

    // A filter the server refuses: its message, naming the field, stays in the dialog.
    await page.getByRole('button', { name: 'New monitor' }).click();
    const dialog = page.getByRole('dialog', { name: 'New monitor' });
    await dialog.getByLabel('Monitor name').fill('Prod errors');
    await dialog.getByLabel('Trace filter').fill("tag.env === 'prod'");
    await dialog.getByLabel('Threshold').fill('0.25');
    await dialog.getByLabel('Minimum samples').fill('5');
    await dialog.getByLabel('Window').selectOption({ label: 'last 1 h' });
    await dialog.getByRole('button', { name: 'Create monitor' }).click();
    await dialog.getByRole('alert').getByText('Not created').waitFor();
    await dialog
      .getByRole('alert')
      .getByText(/Invalid 'filter_string'/)
      .waitFor();
    await dialog.getByLabel('Trace filter').fill("tag.env = 'prod'");
    await screenshot(page, 'monitor-create');
    await dialog.getByRole('button', { name: 'Create monitor' }).click();
    await dialog.waitFor({ state: 'detached' });

    // Created, selected (its history below), evaluated at once by the scheduler or by the button.
    const table = page.getByRole('table', { name: 'Monitors' });
    const row = table.getByRole('row', { name: /Prod errors/ });
    await row.getByText('Error rate > 25% over 1 h').waitFor();
    await row.getByRole('button', { name: 'Evaluate Prod errors now' }).click();
    await row.getByText('ALERT', { exact: true }).waitFor();
    await row.getByLabel('Value of Prod errors').getByText('40%').waitFor();
    await row.getByText('10 of min. 5 samples').waitFor();
    await page.getByText('1 alerting').waitFor();
    const history = page.getByRole('table', { name: 'Monitor history' });
    await history.getByRole('row', { name: /NO_DATA.*ALERT/ }).waitFor();
    await waitFor(() => received.some((d) => d.entity === 'monitor' && d.action === 'alerted'), 'monitor.alerted delivered');
    expect(received.find((d) => d.action === 'alerted')?.data).toMatchObject({
      name: 'Prod errors',
      metric: 'error_rate',
      to_state: 'ALERT',
      value: 0.4,
      sample_count: 10,
    });
    await screenshot(page, 'monitors-alert');

    // A judge monitor next to it.
    await page.getByRole('button', { name: 'New monitor' }).click();
    await dialog.getByLabel('Monitor name').fill('Helpfulness');
    await dialog.getByLabel('Metric').selectOption({ label: 'Judge pass rate' });
    await dialog.getByLabel('Assessment name').fill('helpful');
    await dialog.getByLabel('Comparator').selectOption('<');
    await dialog.getByLabel('Threshold').fill('0.3');
    await dialog.getByLabel('Minimum samples').fill('3');
    await dialog.getByLabel('Window').selectOption({ label: 'last 1 h' });
    await dialog.getByRole('button', { name: 'Create monitor' }).click();
    await dialog.waitFor({ state: 'detached' });
    const judge = table.getByRole('row', { name: /Helpfulness/ });
    await judge.getByRole('button', { name: 'Evaluate Helpfulness now' }).click();
    await judge.getByText('OK', { exact: true }).waitFor();
    await judge.getByLabel('Value of Helpfulness').getByText('40%').waitFor();

    // Raising the threshold resolves the error monitor: OK, a second history row, `monitor.resolved`.
    await row.getByRole('button', { name: 'Edit Prod errors' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Prod errors' });
    expect(await edit.getByLabel('Threshold').inputValue()).toBe('0.25');
    expect(await edit.getByLabel('Trace filter').inputValue()).toBe("tag.env = 'prod'");
    await edit.getByLabel('Threshold').fill('0.5');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await row.getByText('Error rate > 50% over 1 h').waitFor();
    await row.getByRole('button', { name: 'Evaluate Prod errors now' }).click();
    await row.getByText('OK', { exact: true }).waitFor();
    // The new judge monitor was selected when created; its name selects this one's history again.
    await row.getByRole('button', { name: 'Prod errors', exact: true }).click();
    await page.getByRole('heading', { name: 'History: Prod errors' }).waitFor();
    await page
      .getByRole('table', { name: 'Monitor history' })
      .getByRole('row', { name: /ALERT.*OK/ })
      .waitFor();
    await waitFor(() => received.some((d) => d.entity === 'monitor' && d.action === 'resolved'), 'monitor.resolved delivered');
    expect(received.filter((d) => d.entity === 'monitor').map((d) => d.action)).toEqual(['alerted', 'resolved']);
    await screenshot(page, 'monitors-resolved');

    // Delete asks first, then the row goes.
    await judge.getByRole('button', { name: 'Delete Helpfulness' }).click();
    await page.getByRole('dialog', { name: 'Delete monitor' }).getByRole('button', { name: 'Delete monitor' }).click();
    await judge.waitFor({ state: 'detached' });
    const list = (await (await fetch(`${server.url}/api/2.0/loupe/monitors?experiment_id=${experimentId}`)).json()) as { monitors: { name: string }[] };
    expect(list.monitors.map((m) => m.name)).toEqual(['Prod errors']);
    expect(browser.errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
  });
});
