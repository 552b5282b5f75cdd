import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { describe } from 'vitest';

/**
 * Debian's Chromium; override with LOUPE_TEST_CHROMIUM.
 *
 * @example
 * chromium.launch({ executablePath: CHROMIUM_PATH });
 */
export const CHROMIUM_PATH = process.env.LOUPE_TEST_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Where browser tests keep their screenshots (git-ignored).
 *
 * @example
 * path.join(ARTIFACTS_DIR, 'traces-table.png');
 */
export const ARTIFACTS_DIR = path.resolve(import.meta.dirname, '../../../test-artifacts/ui');

/**
 * Null when Chromium is there; otherwise why not. Under `CI=true` a missing Chromium is an error (CI
 * installs it in .ci/run); elsewhere browser suites report themselves skipped with the reason.
 *
 * @example
 * const problem = chromiumUnavailable();
 */
export function chromiumUnavailable(): string | null {
  if (fs.existsSync(CHROMIUM_PATH)) return null;
  const problem = `Chromium is not installed at ${CHROMIUM_PATH} (apt-get install -y chromium, or set LOUPE_TEST_CHROMIUM)`;
  if (process.env.CI === 'true') throw new Error(`${problem}. Browser tests are required under CI=true.`);
  return problem;
}

/**
 * `describe` for a browser suite: skipped, with the reason in its title, when Chromium is missing.
 *
 * @example
 * describeWithChromium('UI pages', () => { ... });
 */
export function describeWithChromium(title: string, fn: () => void): void {
  const problem = chromiumUnavailable();
  if (problem) describe.skip(`${title} (skipped: ${problem})`, fn);
  else describe(title, fn);
}

/** A headless Chromium with a fresh profile, and the errors its pages logged. */
export interface TestBrowser {
  /** A new page whose console errors, uncaught exceptions and Content-Security-Policy violations land in `errors`. */
  newPage(options?: { colorScheme?: 'light' | 'dark'; width?: number; height?: number }): Promise<Page>;
  /** Console errors, page errors and CSP violations seen so far, with the page URL. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * Launches Debian's Chromium through playwright-core (never a downloaded browser) with a fresh
 * user-data-dir; `args` adds command-line switches (`--host-resolver-rules=MAP evil.example 127.0.0.1`),
 * `httpCredentials` a user the browser signs in as with HTTP Basic on every request (a server started
 * with `--app-name basic-auth`, no login page needed).
 *
 * @example
 * const b = await launchTestBrowser({ httpCredentials: { username: 'root', password: 'a-long-password' } });
 * const page = await b.newPage();
 */
export async function launchTestBrowser(options: { args?: string[]; httpCredentials?: { username: string; password: string } } = {}): Promise<TestBrowser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      ...(options.args ?? []),
    ],
    viewport: { width: 1440, height: 900 },
    ...(options.httpCredentials ? { httpCredentials: { ...options.httpCredentials, send: 'always' as const } } : {}),
  });
  const errors: string[] = [];
  const pages: Page[] = [];
  for (const p of context.pages()) await p.close();
  return {
    errors,
    async newPage(options = {}) {
      const page = await context.newPage();
      pages.push(page);
      page.setDefaultTimeout(10_000);
      await page.setViewportSize({ width: options.width ?? 1440, height: options.height ?? 900 });
      if (options.colorScheme) await page.emulateMedia({ colorScheme: options.colorScheme });
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(`${page.url()}: console.error: ${msg.text()}`);
      });
      page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.message}`));
      // Every CSP violation, whether or not the browser also logs it: the UI must run under its policy.
      await page.exposeFunction('__loupeCspViolation', (text: string) => errors.push(`${page.url()}: CSP violation: ${text}`));
      await page.addInitScript({
        content: `document.addEventListener('securitypolicyviolation', (e) =>
          window.__loupeCspViolation(e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') + ' (' + e.sourceFile + ':' + e.lineNumber + ')'));`,
      });
      return page;
    },
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Saves a full-page screenshot under test-artifacts/ui/<name>.png and returns its path.
 *
 * @example
 * await screenshot(page, 'experiments-list');
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
