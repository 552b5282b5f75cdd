import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CliServer } from '../cli-server.js';
import { supportAgentTrace } from './agent-traces.js';
import { describeWithChromium, screenshot, type TestBrowser } from './chromium.js';
import type { Seeder } from './seed.js';
import { openUiPage, startUiServer, stopUiSession } from './ui-session.js';

describeWithChromium('UI: serving and the experiments list (built CLI, Chromium)', () => {
  let server: CliServer;
  let seed: Seeder;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    ({ server, seed } = await startUiServer('loupe-ui-e2e-'));
    await seed.createExperiment('support-bot');
    await seed.createExperiment('rag-eval');
    ({ browser, page } = await openUiPage());
  });

  afterAll(() => stopUiSession({ seed, browser, server }));

  it('serves the UI at / with index.html revalidated and hashed assets immutable', async () => {
    const index = await fetch(`${server.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const js = await fetch(`${server.url}${asset}`);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const deep = await fetch(`${server.url}/experiments/1/traces/tr-0123`);
    expect(await deep.text()).toBe(html);
    const unknownApi = await fetch(`${server.url}/api/2.0/mlflow/not-a-route`);
    expect(unknownApi.status).toBe(404);
    expect(await unknownApi.text()).toBe('');
  });

  it('lists, searches, creates, renames, deletes and restores experiments', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { name: 'Experiments' }).waitFor();
    await page.getByRole('link', { name: 'support-bot' }).waitFor();
    await page.getByRole('link', { name: 'rag-eval' }).waitFor();
    await screenshot(page, 'experiments-list');

    await page.getByLabel('Search experiments').fill('rag');
    await page.getByRole('link', { name: 'support-bot' }).waitFor({ state: 'detached' });
    expect(await page.getByRole('link', { name: 'rag-eval' }).count()).toBe(1);
    await page.getByLabel('Search experiments').fill('');

    await page.getByRole('button', { name: 'New experiment' }).click();
    await page.getByLabel('Experiment name').fill('created-in-ui');
    await page.getByRole('button', { name: 'Save' }).click();
    // A new experiment has nothing to show yet: it says how to fill it, on no tab in particular.
    await page.waitForURL(/\/experiments\/\d+$/);
    await page.getByRole('heading', { name: /created-in-ui/ }).waitFor();
    await page.getByRole('region', { name: 'This experiment is empty' }).waitFor();
    await screenshot(page, 'experiment-empty');

    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: 'Rename rag-eval' }).click();
    await page.getByLabel('Experiment name').fill('rag-eval-v2');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('link', { name: 'rag-eval-v2' }).waitFor();

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete support-bot' }).click();
    await page.getByRole('link', { name: 'support-bot' }).waitFor({ state: 'detached' });
    // click(), not check(): the box follows the URL, which the router updates on its next render;
    // what counts is the list it shows.
    await page.getByLabel('Deleted').click();
    await page.getByRole('button', { name: 'Restore support-bot' }).click();
    await page.getByText('No deleted experiments').waitFor();
    await page.getByLabel('Deleted').click();
    await page.getByRole('link', { name: 'support-bot' }).waitFor();
    expect(await page.getByLabel('Deleted').isChecked()).toBe(false);

    await page.getByRole('button', { name: 'Switch to dark mode' }).click();
    await screenshot(page, 'experiments-list-dark');
    await page.getByRole('button', { name: 'Switch to light mode' }).click();
    expect(browser.errors).toEqual([]);
  });

  it('opens an experiment where its data is: runs, traces, the experiment kind tag, or how to start', async () => {
    const tabOf = async (experimentId: string) => {
      await page.goto(`${server.url}/experiments/${experimentId}`);
      await page.getByRole('navigation', { name: 'Experiment views' }).waitFor();
      await page.waitForLoadState('networkidle');
      return new URL(page.url()).pathname.slice(`/experiments/${experimentId}`.length);
    };
    const setKind = (experimentId: string, kind: string) =>
      seed.post('/api/2.0/mlflow/experiments/set-experiment-tag', { experiment_id: experimentId, key: 'mlflow.experimentKind', value: kind });
    const trace = (experimentId: string) => seed.sendTrace(experimentId, supportAgentTrace(0), { startMs: Date.now() });

    // The README's quickstart: runs and no traces open on Runs, as MLflow opens ML experiments.
    const quickstart = await seed.createExperiment('quickstart');
    await seed.post('/api/2.0/mlflow/runs/create', { experiment_id: quickstart, run_name: 'first' });
    expect(await tabOf(quickstart)).toBe('/runs');
    await page.getByRole('link', { name: 'Runs' }).and(page.locator('[aria-current="page"]')).waitFor();
    await page.getByRole('table', { name: 'Runs' }).getByText('first').waitFor();
    await screenshot(page, 'experiment-landing-runs');

    // Traces (with or without runs) open on the overview, as MLflow does for GenAI experiments.
    const agent = await seed.createExperiment('agent');
    await trace(agent);
    expect(await tabOf(agent)).toBe('/overview');
    const both = await seed.createExperiment('agent-with-training');
    await trace(both);
    await seed.createRun(both, 'fine-tune', { metrics: { loss: [0.5] } });
    expect(await tabOf(both)).toBe('/overview');

    // The experiment kind tag, when set, decides: ML experiments open on Runs even with traces,
    // GenAI ones on Traces even before the first trace.
    await setKind(both, 'custom_model_development');
    expect(await tabOf(both)).toBe('/runs');
    const genai = await seed.createExperiment('genai-to-be');
    await seed.createRun(genai, 'eval-0', {});
    await setKind(genai, 'genai_development');
    expect(await tabOf(genai)).toBe('/traces');

    // Nothing yet: a page saying how to send traces or log runs, with this experiment's id in it.
    const empty = await seed.createExperiment('empty');
    expect(await tabOf(empty)).toBe('');
    const start = page.getByRole('region', { name: 'This experiment is empty' });
    await start.getByText(`x-mlflow-experiment-id: ${empty}`).waitFor();
    await start.getByText(/mlflow\.set_experiment\("empty"\)/).waitFor();
    await screenshot(page, 'experiment-landing-empty');

    // A tab in the URL always wins, and the landing leaves no extra history entry behind.
    for (const tab of ['/traces', '/overview', '/sessions']) {
      await page.goto(`${server.url}/experiments/${quickstart}${tab}`);
      await page.waitForLoadState('networkidle');
      expect(new URL(page.url()).pathname).toBe(`/experiments/${quickstart}${tab}`);
    }
    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: 'quickstart', exact: true }).click();
    await page.waitForURL(/\/runs$/);
    await page.goBack();
    await page.waitForURL(`${server.url}/`);
    expect(browser.errors).toEqual([]);
  });

  it("shows the app's not-found page for unknown paths outside the API, and keeps bare 404s inside it", async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    for (const p of ['/nope', '/nope/deeper', '/runs']) {
      const res = await fetch(`${server.url}${p}`);
      expect(res.status, p).toBe(404);
      expect(res.headers.get('content-type'), p).toMatch(/^text\/html/);
      expect(await res.text(), p).toBe(html);
    }
    for (const p of [
      '/api/2.0/mlflow/nope',
      '/ajax-api/2.0/mlflow/nope',
      '/ajax-api/3.0/mlflow/traces/tr-1/nope',
      '/assets/missing-0000.js',
      '/v1/nope',
      '/favicon.ico',
    ]) {
      const res = await fetch(`${server.url}${p}`);
      expect(res.status, p).toBe(404);
      expect(await res.text(), p).toBe('');
    }
    await page.goto(`${server.url}/nope`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await screenshot(page, 'not-found');
    // MLflow's UI routes after a '#': its links open the same page here, and unknown ones say so.
    await page.goto(`${server.url}/#/nope`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/nope');
    const experiment = await seed.createExperiment('hash-link');
    await page.goto(`${server.url}/#/experiments/${experiment}/runs`);
    await page.waitForURL(`${server.url}/experiments/${experiment}/runs`);
    await page.getByRole('heading', { name: /hash-link/ }).waitFor();
    await page.getByRole('link', { name: 'Go to experiments' }).waitFor({ state: 'detached' });
    expect(browser.errors.filter((e) => !/404 \(Not Found\)/.test(e))).toEqual([]);
    browser.errors.length = 0;
  });
});
