import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CliServer } from '../cli-server.js';
import { supportAgentTrace } from './agent-traces.js';
import { describeWithChromium, screenshot, type TestBrowser } from './chromium.js';
import type { Seeder } from './seed.js';
import { openUiPage, startUiServer, stopUiSession } from './ui-session.js';

const rowCount = (page: Page) => page.getByRole('table', { name: 'Traces' }).getByRole('row').count();

describeWithChromium('UI: traces, the trace view and feedback (built CLI, Chromium)', () => {
  let server: CliServer;
  let seed: Seeder;
  let browser: TestBrowser;
  let page: Page;
  let exp: string;
  let failedTrace: string;

  beforeAll(async () => {
    ({ server, seed } = await startUiServer('loupe-ui-traces-'));
    exp = await seed.createExperiment('support-bot');
    const now = Date.now();
    for (let n = 0; n < 12; n++) {
      const { traceId } = await seed.sendTrace(exp, supportAgentTrace(n, { fail: n % 4 === 3 }), {
        startMs: now - n * 600_000,
        session: `s-${n % 3}`,
        user: `user-${n % 2}`,
        tags: { env: n % 2 ? 'prod' : 'staging' },
      });
      if (n === 3) failedTrace = traceId;
    }
    ({ browser, page } = await openUiPage());
  });

  afterAll(() => stopUiSession({ seed, browser, server }));

  it('lists traces; the filter, the quick filters and full text narrow the table', async () => {
    await page.goto(`${server.url}/experiments/${exp}/traces`);
    await page.getByRole('table', { name: 'Traces' }).waitFor();
    expect(await rowCount(page)).toBe(13);
    await screenshot(page, 'traces-table');

    const filter = page.getByRole('combobox', { name: 'Filter traces' });
    await filter.click();
    await filter.pressSequentially('tag.en');
    await page.getByRole('option', { name: /tag\.env/ }).waitFor();
    await screenshot(page, 'traces-filter-autocomplete');
    await page.keyboard.press('Tab');
    await page.keyboard.type('= ');
    await page.getByRole('option', { name: /^prod/ }).click();
    expect(await filter.inputValue()).toBe("tag.env = 'prod' ");
    await page.keyboard.press('Enter');
    await page.waitForURL(/filter=tag\.env/);
    await expect.poll(() => rowCount(page)).toBe(7);

    // Errors are traces 3, 7 and 11: all in prod.
    await page.getByLabel('Status').selectOption('ERROR');
    await expect.poll(() => rowCount(page)).toBe(4);
    await page.getByLabel('Status').selectOption('');
    await filter.fill('');
    await page.keyboard.press('Enter');
    await expect.poll(() => rowCount(page)).toBe(13);

    await page.getByLabel('Tag filter').fill('env=staging');
    await page.getByLabel('Tag filter').press('Enter');
    await page.waitForURL(/tag=env%3Dstaging/);
    await expect.poll(() => rowCount(page)).toBe(7);
    await page.getByLabel('Tag filter').fill('');
    await page.getByLabel('Tag filter').press('Enter');
    await expect.poll(() => rowCount(page)).toBe(13);

    await page.getByLabel('Time range').selectOption('1h');
    // Traces 0 to 5 started in the last hour (one every ten minutes).
    await expect.poll(() => rowCount(page)).toBe(7);
    await page.getByLabel('Time range').selectOption('');

    await page.getByLabel('Full-text search').fill('order 1005');
    await page.getByLabel('Full-text search').press('Enter');
    await expect.poll(() => rowCount(page)).toBe(2);
    await page.getByLabel('Full-text search').fill('');
    await page.getByLabel('Full-text search').press('Enter');

    await filter.fill("span.type = 'LLM' AND");
    await filter.press('Enter');
    await page.getByRole('alert').first().waitFor();
    expect(page.url()).not.toMatch(/filter=/);
    expect(browser.errors).toEqual([]);
  });

  it('keeps every row in line with the header, whatever the length of its request', async () => {
    const aligned = await seed.createExperiment('long-requests');
    for (const question of ['Hi?', 'Can I return opened earbuds for a refund if the box is damaged and I lost the receipt?']) {
      await seed.sendTrace(aligned, supportAgentTrace(0, { question }), { startMs: Date.now() });
    }
    await page.goto(`${server.url}/experiments/${aligned}/traces`);
    const table = page.getByRole('table', { name: 'Traces' });
    await expect.poll(() => rowCount(page)).toBe(3);
    const header = await table.getByRole('columnheader', { name: /status/i }).boundingBox();
    // The status column wherever it stands (a selection checkbox column comes first).
    const statusColumn = (await table.getByRole('columnheader').allTextContents()).findIndex((t) => /status/i.test(t)) + 1;
    const statusCells = table.getByRole('row').locator(`[role="cell"]:nth-child(${statusColumn})`);
    const lefts = await statusCells.evaluateAll((cells) => cells.map((c) => c.getBoundingClientRect().left));
    expect(lefts).toHaveLength(2);
    for (const left of lefts) expect(left).toBeCloseTo(header!.x, 0);
  });

  it('opens a trace: tree, timeline, span details, chat view, exceptions; keyboard moves through the tree', async () => {
    await page.goto(`${server.url}/experiments/${exp}/traces/${failedTrace}`);
    const tree = page.getByRole('tree', { name: 'Span tree' });
    await tree.getByRole('treeitem').nth(3).waitFor();
    expect(await tree.getByRole('treeitem').count()).toBe(4);
    await page.getByRole('heading', { name: 'support_agent' }).first().waitFor();
    await tree.getByRole('treeitem', { name: /^plan/ }).click();
    await page.getByRole('list', { name: 'Conversation' }).getByText('You are a support agent.').waitFor();
    await page.getByText('Tool call').first().waitFor();
    expect(page.url()).toMatch(/span=[0-9a-f]{16}/);
    await screenshot(page, 'trace-view-chat');

    await tree.focus();
    await page.keyboard.press('ArrowDown');
    await page.getByRole('heading', { name: 'lookup_order' }).waitFor();
    await page.getByRole('tab', { name: /Events/ }).click();
    await page
      .getByRole('alert')
      .getByText(/order service timed out/)
      .first()
      .waitFor();
    await tree.focus();
    await page.keyboard.press('Home');
    await tree.getByRole('treeitem', { name: /^support_agent/, selected: true }).waitFor();
    await page.keyboard.press('ArrowLeft');
    expect(await tree.getByRole('treeitem').count()).toBe(1);
    await page.keyboard.press('ArrowRight');
    expect(await tree.getByRole('treeitem').count()).toBe(4);

    // The details pane is resizable from the keyboard (and by dragging), and stays so.
    const splitter = page.getByRole('separator', { name: 'Resize the details pane' });
    const before = Number(await splitter.getAttribute('aria-valuenow'));
    await splitter.focus();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    expect(Number(await splitter.getAttribute('aria-valuenow'))).toBe(before + 80);

    // Every span has a URL: reloading lands on the same span.
    await page.getByRole('treeitem', { name: /^answer/ }).click();
    const url = page.url();
    await page.reload();
    await page.getByRole('heading', { name: 'answer' }).waitFor();
    expect(page.url()).toBe(url);
    expect(Number(await splitter.getAttribute('aria-valuenow'))).toBe(before + 80);
    expect(browser.errors).toEqual([]);
  });

  it('adds, edits and removes trace tags', async () => {
    await page.goto(`${server.url}/experiments/${exp}/traces/${failedTrace}`);
    await page.getByRole('button', { name: '+ Add tag' }).click();
    await page.getByLabel('Tag key').fill('reviewed');
    await page.getByLabel('Tag value').fill('no');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('button', { name: 'Edit tag reviewed' }).click();
    await page.getByLabel('Tag value').fill('yes');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('button', { name: 'Edit tag reviewed' }).getByText('yes').waitFor();
    const info = await fetch(`${server.url}/api/3.0/mlflow/traces/${failedTrace}`).then(
      (r) => r.json() as Promise<{ trace: { trace_info: { tags: Record<string, string> } } }>,
    );
    expect(info.trace.trace_info.tags.reviewed).toBe('yes');
    await page.getByRole('button', { name: 'Remove tag reviewed' }).click();
    await page.getByRole('button', { name: 'Edit tag reviewed' }).waitFor({ state: 'detached' });
    expect(browser.errors).toEqual([]);
  });

  it('saves feedback (thumbs down with a comment) as a HUMAN assessment and shows it', async () => {
    await page.goto(`${server.url}/experiments/${exp}/traces/${failedTrace}?panel=assessments`);
    await page.getByRole('button', { name: 'Bad' }).click();
    await page.getByLabel('Feedback comment').fill('The tool failed and the answer did not say when to retry.');
    await page.getByLabel('Your name').fill('reviewer-1');
    await page.getByRole('button', { name: 'Save feedback' }).click();
    await page.getByRole('tab', { name: 'Assessments (1)' }).waitFor();
    await page.getByText('The tool failed and the answer did not say when to retry.').waitFor();
    await screenshot(page, 'trace-view-feedback');
    const info = await fetch(`${server.url}/api/3.0/mlflow/traces/${failedTrace}`).then(
      (r) =>
        r.json() as Promise<{
          trace: {
            trace_info: {
              assessments: { assessment_name: string; feedback: { value: unknown }; source: { source_type: string; source_id: string }; rationale: string }[];
            };
          };
        }>,
    );
    expect(info.trace.trace_info.assessments).toMatchObject([
      {
        assessment_name: 'user_feedback',
        feedback: { value: false },
        source: { source_type: 'HUMAN', source_id: 'reviewer-1' },
        rationale: 'The tool failed and the answer did not say when to retry.',
      },
    ]);
    // The table shows it too, and the grammar finds it.
    await page.goto(`${server.url}/experiments/${exp}/traces?filter=${encodeURIComponent("feedback.user_feedback = 'false'")}`);
    await expect.poll(() => rowCount(page)).toBe(2);
    await page.getByRole('table', { name: 'Traces' }).getByText('user_feedback: false').waitFor();
    expect(browser.errors).toEqual([]);
  });

  it('lists sessions and shows one as a conversation', async () => {
    await page.goto(`${server.url}/experiments/${exp}/sessions`);
    const table = page.getByRole('table', { name: 'Sessions' });
    await table.getByRole('link', { name: 's-1' }).waitFor();
    expect(await table.getByRole('row').count()).toBe(4);
    await screenshot(page, 'sessions');
    await table.getByRole('link', { name: 's-1' }).click();
    await page.getByRole('heading', { name: 'Session s-1' }).waitFor();
    const turns = page.getByRole('list', { name: 'Conversation' }).getByRole('listitem');
    await expect.poll(() => turns.count()).toBe(4);
    // Oldest first: trace 10 (100 minutes ago), then 7, 4, 1.
    await turns.first().getByText('Where is my order 1010?').waitFor();
    await turns.last().getByText('Order 1001 has shipped.').waitFor();
    await screenshot(page, 'session-conversation');
    await turns.first().getByRole('link', { name: 'Open trace' }).click();
    await page.getByRole('tree', { name: 'Span tree' }).waitFor();
    expect(browser.errors).toEqual([]);
  });

  it('charts trace volume, latency, errors, tokens and cost on the overview', async () => {
    await page.goto(`${server.url}/experiments/${exp}/overview?range=24h`);
    for (const chart of ['Trace volume', 'Latency (p50, p95)', 'Error rate', 'Tokens', 'Cost'])
      await page
        .getByRole('img', { name: `Chart: ${chart}` })
        .locator('canvas')
        .first()
        .waitFor();
    // 12 traces over the last two hours (13 once the in-progress one of a later test exists), 3 of them errors.
    await expect.poll(() => page.getByRole('group', { name: 'Traces' }).textContent()).toMatch(/^Traces1[23]$/);
    await expect.poll(() => page.getByRole('group', { name: 'Error rate' }).textContent()).toMatch(/^Error rate2[35](\.\d)?%3 errors$/);
    await screenshot(page, 'overview');
    expect(browser.errors).toEqual([]);
  });

  it('loads every page in dark mode with no console errors', async () => {
    const dark = await browser.newPage({ colorScheme: 'dark' });
    const first = await fetch(`${server.url}/api/3.0/mlflow/traces/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ experiment_ids: [exp], max_results: 1 }),
    }).then((r) => r.json() as Promise<{ traces: { trace_id: string }[] }>);
    const pages: [string, string][] = [
      ['/', 'dark-experiments'],
      [`/experiments/${exp}/overview`, 'dark-overview'],
      [`/experiments/${exp}/traces`, 'dark-traces'],
      [`/experiments/${exp}/traces/${failedTrace}`, 'dark-trace-view'],
      [`/experiments/${exp}/traces/${first.traces[0]!.trace_id}?panel=assessments`, 'dark-trace-assessments'],
      [`/experiments/${exp}/sessions`, 'dark-sessions'],
      [`/experiments/${exp}/sessions/s-0`, 'dark-session'],
      [`/experiments/${exp}/runs`, 'dark-runs'],
      [`/experiments/${exp}/no-such-tab`, 'dark-not-found'],
    ];
    for (const [path, name] of pages) {
      await dark.goto(`${server.url}${path}`);
      await dark.waitForLoadState('networkidle');
      expect((await dark.locator('html').getAttribute('class'))?.split(' ')).toContain('dark');
      await screenshot(dark, name);
    }
    await dark.close();
    expect(browser.errors).toEqual([]);
  });

  it('shows an in-progress trace and refreshes it when its root span arrives', async () => {
    const pending = await seed.sendTrace(exp, supportAgentTrace(99, { question: 'Still thinking?' }), { startMs: Date.now(), leaveOpen: true });
    await page.goto(`${server.url}/experiments/${exp}/traces/${pending.traceId}`);
    await page.getByText('In progress').first().waitFor();
    await screenshot(page, 'trace-view-in-progress');
    await pending.finish();
    await page.getByRole('heading', { name: 'support_agent' }).first().waitFor({ timeout: 15_000 });
    await page.getByText('In progress').first().waitFor({ state: 'detached', timeout: 15_000 });
    await page
      .getByRole('tree', { name: 'Span tree' })
      .getByRole('treeitem', { name: /^support_agent/ })
      .waitFor({ timeout: 15_000 });
    expect(browser.errors).toEqual([]);
  });
});
