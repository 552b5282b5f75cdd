import type { Page } from 'playwright-core';
import { sqliteBackend } from '@loupe/server/testing';
import { startCliServer, type CliServer } from '../cli-server.js';
import { launchTestBrowser, type TestBrowser } from './chromium.js';
import { createSeeder, type Seeder } from './seed.js';

/**
 * What a UI browser test runs against: the built CLI's server on a fresh SQLite database, a seeder for
 * it, and Chromium with one page. Each `describe` starts its own in `beforeAll` and stops it in `afterAll`.
 */
export interface UiSession {
  server: CliServer;
  seed: Seeder;
  browser: TestBrowser;
  page: Page;
}

/**
 * Starts `loupe server` (the built CLI) on a fresh SQLite database, its working folder named after
 * `prefix`, and a seeder for it.
 *
 * @example
 * ({ server, seed } = await startUiServer('loupe-ui-datasets-'));
 */
export async function startUiServer(prefix: string): Promise<Pick<UiSession, 'server' | 'seed'>> {
  const server = await startCliServer(sqliteBackend, prefix);
  return { server, seed: createSeeder(server.url) };
}

/**
 * Launches Chromium (with extra command-line `args`, if any) and opens one page (dark with
 * `colorScheme: 'dark'`).
 *
 * @example
 * ({ browser, page } = await openUiPage());
 */
export async function openUiPage(options: { args?: string[]; colorScheme?: 'light' | 'dark' } = {}): Promise<Pick<UiSession, 'browser' | 'page'>> {
  const browser = await launchTestBrowser(options.args ? { args: options.args } : {});
  const page = await browser.newPage(options.colorScheme ? { colorScheme: options.colorScheme } : {});
  return { browser, page };
}

/**
 * Stops a session's parts in order (the seeder's SDK instances, the browser, the server), skipping
 * those a failed `beforeAll` never started.
 *
 * @example
 * afterAll(() => stopUiSession({ seed, browser, server }));
 */
export async function stopUiSession({ seed, browser, server }: Partial<Omit<UiSession, 'page'>>): Promise<void> {
  await seed?.close();
  await browser?.close();
  await server?.stop();
}
