import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CliServer } from '../cli-server.js';
import { describeWithChromium, type TestBrowser } from './chromium.js';
import type { Seeder } from './seed.js';
import { openUiPage, startUiServer, stopUiSession } from './ui-session.js';

/**
 * The attacks of issue 15 in a real browser against the built CLI: a page on another site that
 * posts to a local Loupe, the same page after DNS rebinding (Chromium's `--host-resolver-rules` maps
 * `evil.example` and `attacker.example` to 127.0.0.1, as a rebinding DNS server would), framing;
 * and the UI's own pages under their Content-Security-Policy.
 */
describeWithChromium('UI and browsers: CSP, framing, DNS rebinding, cross-site writes (built CLI, Chromium)', () => {
  let server: CliServer;
  let seed: Seeder;
  let browser: TestBrowser;
  let page: Page;
  let attacker: http.Server;
  let attackerPort: number;
  let port: number;
  let exp: string;
  let runId: string;
  /** The attacker's page: whatever HTML the test sets. */
  let attackerHtml = '';

  beforeAll(async () => {
    ({ server, seed } = await startUiServer('loupe-ui-security-'));
    port = Number(new URL(server.url).port);
    exp = await seed.createExperiment('security');
    runId = await seed.createRun(exp, 'target', { params: { lr: '0.1' } });
    attacker = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(attackerHtml));
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerPort = (attacker.address() as AddressInfo).port;
    ({ browser, page } = await openUiPage({ args: ['--host-resolver-rules=MAP evil.example 127.0.0.1, MAP attacker.example 127.0.0.1'], colorScheme: 'dark' }));
  });

  afterAll(async () => {
    await stopUiSession({ seed, browser, server });
    await new Promise((resolve) => attacker?.close(resolve));
  });

  const artifacts = async () => (await server.call('GET', `/api/2.0/mlflow/artifacts/list?run_id=${runId}`)).body.files ?? [];

  it('serves the built UI with no inline script, under a CSP that the browser enforces, and the pages run without a violation', async () => {
    const index = await fetch(`${server.url}/`);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self';");
    const html = await index.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);

    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: 'security' }).waitFor();
    // The theme script is a file now, and still runs before the app: dark mode from the system.
    expect(await page.evaluate('document.documentElement.classList.contains("dark")')).toBe(true);
    for (const path of [`/experiments/${exp}/runs`, `/experiments/${exp}/runs/${runId}`, `/experiments/${exp}/traces`, `/experiments/${exp}/overview`]) {
      await page.goto(`${server.url}${path}`);
      await page
        .getByRole('heading', { name: /security|target/ })
        .first()
        .waitFor();
    }
    expect(browser.errors).toEqual([]);

    // Text that slipped into the page as a script would not run.
    await page.evaluate(`{ const s = document.createElement('script'); s.textContent = 'window.injected = 1'; document.head.append(s); }`);
    expect(await page.evaluate('window.injected')).toBeUndefined();
    await expect.poll(() => browser.errors.some((e) => e.includes('CSP violation: script-src-elem blocked inline'))).toBe(true);
    browser.errors.length = 0;
  });

  it('refuses to be framed by another site (frame-ancestors, X-Frame-Options)', async () => {
    attackerHtml = `<iframe src="${server.url}/" width="800" height="600"></iframe>`;
    await page.goto(`http://attacker.example:${attackerPort}/`);
    await expect.poll(() => browser.errors.some((e) => e.includes("frame-ancestors 'self'"))).toBe(true);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    expect(await frame?.evaluate('document.getElementById("root")').catch(() => null)).toBeFalsy();
    browser.errors.length = 0;
  });

  it('answers nothing to a DNS-rebound page: its own reads and writes get 403 and create nothing', async () => {
    const res = await page.goto(`http://evil.example:${port}/`);
    expect(res?.status()).toBe(403);
    expect(await page.textContent('body')).toContain('PERMISSION_DENIED');
    // The rebound page is same-origin with "its" server: what it would do next.
    const status = await page.evaluate(`fetch('/ajax-api/2.0/mlflow/experiments/create', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'rebound' }),
    }).then((r) => r.status)`);
    expect(status).toBe(403);
    expect((await server.call('GET', '/api/2.0/mlflow/experiments/get-by-name?experiment_name=rebound')).status).toBe(404);
    browser.errors.length = 0;
  });

  it("refuses another site's writes to upload-artifact, as a text/plain fetch or a form post, and writes no file", async () => {
    const upload = (file: string) => `${server.url}/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=${file}`;
    attackerHtml = `<form method="POST" enctype="text/plain" action="${upload('form.html')}"><input name="<script>x" value="</script>"></form>`;
    await page.goto(`http://attacker.example:${attackerPort}/`);
    await page.evaluate(
      `fetch('${upload('fetch.html')}', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '<script>alert(1)</script>' })`,
    );
    const [formReply] = await Promise.all([page.waitForNavigation(), page.evaluate('document.forms[0].submit()')]);
    expect(formReply?.status()).toBe(403);
    expect(await artifacts()).toEqual([]);
    browser.errors.length = 0;
  });
});
