import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSqliteDatabase } from '@loupe/server/testing';
import { startCliServer, type CliServer } from '../cli-server.js';
import { describeWithChromium, launchTestBrowser, screenshot, type TestBrowser } from './chromium.js';
import { createSeeder, type Seeder } from './seed.js';

describeWithChromium('UI: serving and the experiments list (built CLI, Chromium)', () => {
  let server: CliServer;
  let seed: Seeder;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    server = await startCliServer({ name: 'sqlite', unavailable: null, create: createSqliteDatabase }, 'loupe-ui-e2e-');
    seed = createSeeder(server.url);
    await seed.createExperiment('support-bot');
    await seed.createExperiment('rag-eval');
    browser = await launchTestBrowser();
    page = await browser.newPage();
  });

  afterAll(async () => {
    await seed?.close();
    await browser?.close();
    await server?.stop();
  });

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
    await page.waitForURL(/\/experiments\/\d+\/overview$/);
    await page.getByRole('heading', { name: /created-in-ui/ }).waitFor();
    await page.getByText(/No traces in this time range/).waitFor();
    await screenshot(page, 'overview-empty');

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
});
