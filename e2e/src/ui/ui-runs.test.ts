import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSqliteDatabase } from '@loupe/server/testing';
import { startCliServer, type CliServer } from '../cli-server.js';
import { describeWithChromium, launchTestBrowser, screenshot, type TestBrowser } from './chromium.js';
import { createSeeder, type Seeder } from './seed.js';

// A 2x2 PNG (red, green / blue, white).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==', 'base64');
const rowCount = (page: Page) => page.getByRole('table', { name: 'Runs' }).getByRole('row').count();

describeWithChromium('UI: runs, comparison, run page and artifacts (built CLI, Chromium)', () => {
  let server: CliServer;
  let seed: Seeder | undefined;
  let browser: TestBrowser;
  let page: Page;
  let exp: string;
  const runIds: string[] = [];

  beforeAll(async () => {
    server = await startCliServer({ name: 'sqlite', unavailable: null, create: createSqliteDatabase }, 'loupe-ui-runs-');
    seed = createSeeder(server.url);
    exp = await seed.createExperiment('classifier');
    for (let i = 0; i < 6; i++) {
      const lr = ['0.1', '0.01', '0.001'][i % 3]!;
      const loss = Array.from({ length: 20 }, (_, s) => 1 / (s + 1 + i));
      runIds.push(
        await seed.createRun(exp, `run-${i}`, {
          params: { lr, epochs: '20', optimizer: i < 3 ? 'adam' : 'sgd' },
          metrics: { loss, accuracy: loss.map((l) => 1 - l / 2) },
          tags: { team: i % 2 ? 'vision' : 'nlp' },
          startMs: Date.now() - (10 - i) * 60_000,
        }),
      );
    }
    await seed.uploadArtifact(runIds[0]!, 'notes/readme.md', '# Notes\nTrained on the small split.');
    await seed.uploadArtifact(runIds[0]!, 'metrics.json', JSON.stringify({ f1: 0.87, classes: ['a', 'b'] }));
    await seed.uploadArtifact(runIds[0]!, 'plots/confusion.png', PNG);
    browser = await launchTestBrowser();
    page = await browser.newPage();
  });

  afterAll(async () => {
    await seed?.close();
    await browser?.close();
    await server?.stop();
  });

  it('lists runs with metric, param and tag columns; the filter narrows; headers sort', async () => {
    await page.goto(`${server.url}/experiments/${exp}/runs`);
    await page.getByRole('table', { name: 'Runs' }).waitFor();
    expect(await rowCount(page)).toBe(7);
    for (const h of ['accuracy', 'loss', 'lr', 'optimizer', 'team']) await page.getByRole('columnheader', { name: h }).waitFor();
    await screenshot(page, 'runs-table');
    const filter = page.getByRole('combobox', { name: 'Filter runs' });
    await filter.fill("params.optimizer = 'sgd' AND metrics.loss < 0.2");
    await filter.press('Enter');
    await expect.poll(() => rowCount(page)).toBe(4);
    await page.getByRole('columnheader', { name: 'loss' }).getByRole('button').click();
    await page.waitForURL(/order=metrics\.loss/);
    // Highest loss first (DESC): run-3 (1/23 at its last step), then run-4, run-5; the new order replaces the old one when it arrives.
    await expect.poll(() => page.getByRole('table', { name: 'Runs' }).getByRole('row').nth(1).getByRole('link').textContent()).toBe('run-3');
    await page.getByRole('columnheader', { name: 'loss' }).getByRole('button').click();
    await expect.poll(() => page.getByRole('table', { name: 'Runs' }).getByRole('row').nth(1).getByRole('link').textContent()).toBe('run-5');
    expect(browser.errors).toEqual([]);
  });

  it('compares selected runs: param differences and overlaid metric charts', async () => {
    await page.goto(`${server.url}/experiments/${exp}/runs`);
    await page.getByLabel('Select run-0').check();
    await page.getByLabel('Select run-4').check();
    await page.getByRole('button', { name: 'Compare (2)' }).click();
    await page.waitForURL(/runs\/compare\?runs=/);
    const params = page.getByRole('region', { name: 'Param differences' });
    await params.getByRole('rowheader', { name: 'lr' }).waitFor();
    await params.getByRole('rowheader', { name: 'optimizer' }).waitFor();
    expect(await params.getByRole('rowheader', { name: 'epochs' }).count()).toBe(0);
    await page.getByRole('img', { name: 'Chart: loss' }).locator('canvas').first().waitFor();
    await page.getByRole('img', { name: 'Chart: accuracy' }).locator('canvas').first().waitFor();
    await screenshot(page, 'runs-compare');
    expect(browser.errors).toEqual([]);
  });

  it('shows a run: overview, params, metric charts, artifacts (text, JSON, image) and editable tags', async () => {
    await page.goto(`${server.url}/experiments/${exp}/runs/${runIds[0]}`);
    await page.getByRole('heading', { name: 'run-0' }).waitFor();
    await page.getByRole('table', { name: 'Latest metrics' }).getByText('loss').waitFor();
    await page.getByRole('button', { name: '+ Add tag' }).click();
    await page.getByLabel('New tag key').fill('stage');
    await page.getByLabel('New tag value').fill('review');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('button', { name: 'Edit tag stage' }).click();
    await page.getByLabel('Value of tag stage').fill('approved');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('approved').waitFor();
    const run = await fetch(`${server.url}/api/2.0/mlflow/runs/get?run_id=${runIds[0]}`).then(
      (r) => r.json() as Promise<{ run: { data: { tags: { key: string; value: string }[] } } }>,
    );
    expect(run.run.data.tags.find((t) => t.key === 'stage')?.value).toBe('approved');
    await screenshot(page, 'run-overview');

    await page.getByRole('tab', { name: /Params/ }).click();
    await page.getByRole('table', { name: 'Params' }).getByText('optimizer').waitFor();
    await page.getByRole('tab', { name: /Metrics/ }).click();
    await page.getByRole('img', { name: 'Chart: loss' }).locator('canvas').first().waitFor();
    await page.getByLabel('X axis').selectOption('time');
    await page.getByRole('img', { name: 'Chart: loss' }).locator('canvas').first().waitFor();
    await screenshot(page, 'run-metrics');

    await page.getByRole('tab', { name: 'Artifacts' }).click();
    const tree = page.getByRole('tree', { name: 'Artifacts' });
    await tree.getByRole('button', { name: /metrics\.json/ }).click();
    await page.getByRole('region', { name: 'File' }).getByText('"f1"').waitFor();
    await tree.getByRole('button', { name: /notes/ }).click();
    await tree.getByRole('button', { name: /readme\.md/ }).click();
    await page.getByLabel('File').getByText('Trained on the small split.').waitFor();
    await tree.getByRole('button', { name: /plots/ }).click();
    await tree.getByRole('button', { name: /confusion\.png/ }).click();
    const img = page.getByRole('img', { name: 'plots/confusion.png' });
    await img.waitFor();
    await expect.poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBe(2);
    await screenshot(page, 'run-artifacts');
    expect(browser.errors).toEqual([]);
  });
});
