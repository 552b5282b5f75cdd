import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CliServer } from '../cli-server.js';
import { canvasText, recordCanvasText } from './canvas-text.js';
import { describeWithChromium, screenshot, type TestBrowser } from './chromium.js';
import type { Seeder } from './seed.js';
import { openUiPage, startUiServer, stopUiSession } from './ui-session.js';

// A 2x2 PNG (red, green / blue, white).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==', 'base64');
const rowCount = (page: Page) => page.getByRole('table', { name: 'Runs' }).getByRole('row').count();
// The README's quickstart point: acc = 0.91 at step 1, logged at 2023-11-14T22:13:20Z.
const POINT_MS = 1_700_000_000_000;

describeWithChromium('UI: runs, comparison, run page and artifacts (built CLI, Chromium)', () => {
  let server: CliServer;
  let seed: Seeder | undefined;
  let browser: TestBrowser;
  let page: Page;
  let exp: string;
  const runIds: string[] = [];

  beforeAll(async () => {
    ({ server, seed } = await startUiServer('loupe-ui-runs-'));
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
    ({ browser, page } = await openUiPage());
    await recordCanvasText(page);
  });

  afterAll(() => stopUiSession({ seed, browser, server }));

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

  it('shows the user from the mlflow.user tag (or user_id) in the runs table and on the run page, and sorts by it', async () => {
    const users = await seed!.createExperiment('users');
    // As MLflow's Python client creates runs: the user in the `mlflow.user` tag (user_id left out here).
    const tagged = await seed!.post<{ run: { info: { run_id: string } } }>('/api/2.0/mlflow/runs/create', {
      experiment_id: users,
      run_name: 'tagged',
      start_time: Date.now() - 2000,
      tags: [{ key: 'mlflow.user', value: 'alice' }],
    });
    // A client that only fills the (deprecated) user_id attribute.
    await seed!.post('/api/2.0/mlflow/runs/create', { experiment_id: users, run_name: 'attribute', start_time: Date.now() - 1000, user_id: 'bob' });
    await page.goto(`${server.url}/experiments/${users}/runs`);
    const table = page.getByRole('table', { name: 'Runs' });
    await table.getByRole('row', { name: /tagged/ }).waitFor();
    const userCell = async (run: string) => {
      const row = table.getByRole('row', { name: new RegExp(run) });
      const index = await table
        .getByRole('columnheader')
        .evaluateAll((hs) => hs.findIndex((h) => (h.textContent ?? '').replace(/[▲▼]/g, '').trim() === 'User'));
      return row.getByRole('cell').nth(index).textContent();
    };
    expect(await userCell('tagged')).toBe('alice');
    expect(await userCell('attribute')).toBe('bob');
    await table.getByRole('columnheader', { name: 'User' }).getByRole('button').click();
    await page.waitForURL(/order=tags\.%60mlflow\.user%60\+DESC|order=tags\.%60mlflow\.user%60%20DESC/);
    // The server sorts by the tag (as MLflow's UI asks it to): the search answers, no error.
    await expect.poll(() => page.getByText(/^2 runs/).count()).toBe(1);
    expect(await page.getByRole('alert').count()).toBe(0);
    await screenshot(page, 'runs-table-user');

    await page.goto(`${server.url}/experiments/${users}/runs/${tagged.run.info.run_id}`);
    const facts = page.getByRole('table', { name: 'Run facts' });
    await facts.getByRole('rowheader', { name: 'User' }).waitFor();
    expect(await facts.getByRole('row', { name: /^User/ }).getByRole('cell').textContent()).toBe('alice');
    expect(browser.errors).toEqual([]);
  });

  it('charts a metric with one point on sane axes: step, wall time (the same day) and relative time', async () => {
    // The README's quickstart, as written: a run, then one metric point through log-batch.
    const quick = await seed!.createExperiment('quickstart');
    const run = await seed!.post<{ run: { info: { run_id: string } } }>('/api/2.0/mlflow/runs/create', { experiment_id: quick, run_name: 'first' });
    await seed!.post('/api/2.0/mlflow/runs/log-batch', {
      run_id: run.run.info.run_id,
      metrics: [{ key: 'acc', value: 0.91, timestamp: POINT_MS, step: 1 }],
      params: [{ key: 'lr', value: '0.01' }],
    });
    await page.goto(`${server.url}/experiments/${quick}/runs/${run.run.info.run_id}?tab=metrics`);
    const chart = page.getByRole('img', { name: 'Chart: acc' });
    await chart.locator('canvas').first().waitFor();
    const numbers = (labels: string[]) => labels.map((l) => Number(l.replace(/,/g, '')));
    const ticks = async (align: 'x' | 'y') => {
      let labels: string[] = [];
      await expect
        .poll(async () => {
          labels = (await canvasText(page, 'Chart: acc'))
            .filter((t) => (align === 'x' ? t.align === 'center' : t.align !== 'center'))
            .map((t) => t.text)
            .filter(Boolean);
          return labels.length;
        })
        .toBeGreaterThan(1);
      return labels;
    };

    // Steps are whole numbers around step 1; the values around 0.91.
    const steps = numbers(await ticks('x'));
    for (const s of steps) {
      expect(Number.isInteger(s), `step tick ${s}`).toBe(true);
      expect(Math.abs(s - 1), `step tick ${s}`).toBeLessThanOrEqual(2);
    }
    for (const v of numbers(await ticks('y'))) expect(Math.abs(v - 0.91), `value tick ${v}`).toBeLessThan(0.5);
    await screenshot(page, 'run-metric-one-point-step');

    // Wall time: every tick within minutes of the point, on its day (no axis spanning years).
    await canvasText(page, 'Chart: acc', true);
    await page.getByLabel('X axis').selectOption('time');
    const times = await ticks('x');
    const day = await page.evaluate((ms) => {
      const d = new Date(ms);
      return `${d.getMonth() + 1}/${d.getDate()}/${String(d.getFullYear()).slice(2)}`;
    }, POINT_MS);
    expect(
      times.some((t) => /\d:\d\d/.test(t)),
      times.join(' | '),
    ).toBe(true);
    for (const t of times) {
      expect(t, times.join(' | ')).not.toMatch(/^\d{4}$/);
      if (t.includes('/')) expect(t, times.join(' | ')).toContain(day);
    }
    await screenshot(page, 'run-metric-one-point-time');

    // Relative time: the point is at 0 s; the axis stays within seconds of it.
    await canvasText(page, 'Chart: acc', true);
    await page.getByLabel('X axis').selectOption('relative');
    for (const s of numbers(await ticks('x'))) expect(Math.abs(s), `relative tick ${s}`).toBeLessThanOrEqual(5);
    expect(browser.errors).toEqual([]);
  });

  it('keeps the chosen artifact in the URL: deep links open it, back returns to the previous one', async () => {
    const base = `${server.url}/experiments/${exp}/runs/${runIds[0]}`;
    await page.goto(`${base}?tab=artifacts&artifact=${encodeURIComponent('plots/confusion.png')}`);
    const tree = page.getByRole('tree', { name: 'Artifacts' });
    // The folder holding it is open and the file is selected and shown.
    await tree.getByRole('treeitem', { name: /confusion\.png/, selected: true }).waitFor();
    const img = page.getByRole('img', { name: 'plots/confusion.png' });
    await expect.poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBe(2);
    await screenshot(page, 'run-artifact-deep-link');

    await tree.getByRole('button', { name: /metrics\.json/ }).click();
    await page.waitForURL(/artifact=metrics\.json/);
    await page.getByRole('region', { name: 'File' }).getByText('"f1"').waitFor();
    await page.goBack();
    await page.waitForURL(/artifact=plots%2Fconfusion\.png/);
    await tree.getByRole('treeitem', { name: /confusion\.png/, selected: true }).waitFor();
    await img.waitFor();
    // A path that is not there says so.
    await page.goto(`${base}?tab=artifacts&artifact=${encodeURIComponent('plots/nope.png')}`);
    await page.getByText(/plots\/nope\.png is not among this run's artifacts/).waitFor();
    expect(browser.errors).toEqual([]);
  });
});
