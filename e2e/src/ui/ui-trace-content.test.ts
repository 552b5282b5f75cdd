import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CliServer } from '../cli-server.js';
import { describeWithChromium, screenshot, type TestBrowser } from './chromium.js';
import type { Seeder, SpanSpec } from './seed.js';
import { openUiPage, startUiServer, stopUiSession } from './ui-session.js';

/** Documents as MLflow's Document schema has them: `page_content`, `metadata`, `id`. */
const DOCUMENTS = [
  {
    page_content: 'Refunds are accepted within 30 days of delivery.\nOpened items get a refund once inspected.',
    metadata: { source: 'kb/refunds.md', score: 0.92 },
    id: 'doc-17',
  },
  { page_content: 'Shipping labels are free for returns.', metadata: { source: 'kb/shipping.md', score: 0.81 }, id: 'doc-4' },
  { page_content: 'Gift cards cannot be refunded.', metadata: { source: 'kb/gift-cards.md', score: 0.4 } },
];
const LONG_REPLY = `Here is how to return an item. ${'Pack it in its box, print the free label and drop it at any post office. '.repeat(20)}`;

/** What each turn's root span returned, in the shapes providers and frameworks return them, and the text a reader expects. */
const REPLIES: { question: unknown; outputs: unknown; request: string; reply: string | RegExp }[] = [
  {
    // Anthropic Messages: content blocks; the question as content blocks too.
    question: { messages: [{ role: 'user', content: [{ type: 'text', text: 'Where is my refund?' }] }] },
    outputs: {
      id: 'msg_01',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4',
      content: [{ type: 'text', text: 'Your refund was approved yesterday.' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 12, output_tokens: 8 },
    },
    request: 'Where is my refund?',
    reply: 'Your refund was approved yesterday.',
  },
  {
    // OpenAI chat completion, longer than the 1,000-character preview: the JSON arrives cut.
    question: { messages: [{ role: 'user', content: 'How do I return an item?' }] },
    outputs: {
      id: 'chatcmpl-9',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gpt-4o',
      choices: [{ index: 0, message: { role: 'assistant', content: LONG_REPLY }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 20, completion_tokens: 300, total_tokens: 320 },
    },
    request: 'How do I return an item?',
    reply: /^Here is how to return an item\. Pack it in its box, .*…$/,
  },
  {
    // A list of chat messages, the reply last.
    question: { messages: [{ role: 'user', content: 'Can I change the address?' }] },
    outputs: [
      { role: 'user', content: 'Can I change the address?' },
      { role: 'assistant', content: 'Yes, until the parcel ships.' },
    ],
    request: 'Can I change the address?',
    reply: 'Yes, until the parcel ships.',
  },
  {
    // OpenAI Responses API.
    question: 'Please update it to 5 Main St.',
    outputs: {
      id: 'resp_1',
      object: 'response',
      output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Done: 5 Main St.' }] }],
    },
    request: 'Please update it to 5 Main St.',
    reply: 'Done: 5 Main St.',
  },
  {
    // A plain string.
    question: { messages: [{ role: 'user', content: 'Thanks!' }] },
    outputs: 'Anything else I can help with?',
    request: 'Thanks!',
    reply: 'Anything else I can help with?',
  },
];

/** A RAG agent: retrieval (documents out), a failing policy tool, and the model call. */
function ragTrace(question: string): SpanSpec {
  return {
    name: 'rag_agent',
    type: 'AGENT',
    start: 0,
    end: 900,
    inputs: { messages: [{ role: 'user', content: question }] },
    outputs: { answer: 'Refunds are accepted within 30 days.' },
    children: [
      { name: 'retrieve_docs', type: 'RETRIEVER', start: 5, end: 120, inputs: { query: question, k: 3 }, outputs: DOCUMENTS },
      { name: 'lookup_policy', type: 'TOOL', start: 130, end: 200, inputs: { policy: 'refunds' }, error: 'policy service unavailable' },
      {
        name: 'generate',
        type: 'CHAT_MODEL',
        start: 210,
        end: 880,
        inputs: { messages: [{ role: 'user', content: question }] },
        outputs: { choices: [{ message: { role: 'assistant', content: 'Refunds are accepted within 30 days.' } }] },
      },
    ],
  };
}

const columnIndex = (table: Locator, name: string) =>
  table.getByRole('columnheader').evaluateAll((hs, n) => hs.findIndex((h) => (h.textContent ?? '').replace(/[▲▼]/g, '').trim().toLowerCase() === n), name);

/** Whether everything inside the cell is visible: no text cut by an ellipsis, no chip past its right edge. */
const cellFits = (cell: Locator) =>
  cell.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const inner = [...el.querySelectorAll('*')];
    return inner.every((c) => c.getBoundingClientRect().right <= box.right + 0.5 && c.scrollWidth <= c.clientWidth + 0.5);
  });

describeWithChromium('UI: trace content — table columns, span details, retrieved documents, session replies (built CLI, Chromium)', () => {
  let server: CliServer;
  let seed: Seeder;
  let browser: TestBrowser;
  let page: Page;
  let exp: string;
  let ragTraceId: string;

  beforeAll(async () => {
    ({ server, seed } = await startUiServer('loupe-ui-content-'));
    exp = await seed.createExperiment('rag-bot');
    const now = Date.now();
    const rag = await seed.sendTrace(exp, ragTrace('Can I get a refund for opened earbuds?'), {
      startMs: now - 3_600_000,
      session: 'checkout-session-2024-11',
      // Not an e-mail address: the SDK redacts those.
      user: 'maria.gonzalez-4711',
      tags: { env: 'production', team: 'payments' },
    });
    ragTraceId = rag.traceId;
    for (const [i, turn] of REPLIES.entries()) {
      await seed.sendTrace(
        exp,
        { name: 'support_chat', type: 'AGENT', start: 0, end: 500, inputs: turn.question, outputs: turn.outputs },
        { startMs: now - 600_000 + i * 60_000, session: 'returns-chat', user: 'maria.gonzalez-4711', tags: { env: 'production' } },
      );
    }
    ({ browser, page } = await openUiPage());
  });

  afterAll(() => stopUiSession({ seed, browser, server }));

  it('gives Tags, Session and User the room when no trace has assessments, and shows Assessments once one has', async () => {
    await page.goto(`${server.url}/experiments/${exp}/traces`);
    const table = page.getByRole('table', { name: 'Traces' });
    await table
      .getByRole('row')
      .nth(REPLIES.length + 1)
      .waitFor();
    expect(await table.getByRole('columnheader', { name: 'Assessments' }).count()).toBe(0);
    const row = table.getByRole('row', { name: /rag_agent/ });
    for (const column of ['tags', 'session', 'user']) {
      const cell = row.getByRole('cell').nth(await columnIndex(table, column));
      expect(await cell.textContent(), column).not.toBe('');
      expect(await cellFits(cell), `${column}: ${await cell.textContent()}`).toBe(true);
    }
    // Every row still lines up with the header.
    const header = await table.getByRole('columnheader', { name: 'User' }).boundingBox();
    const userCells = await table
      .getByRole('row')
      .locator(`[role="cell"]:nth-child(${(await columnIndex(table, 'user')) + 1})`)
      .evaluateAll((cells) => cells.map((c) => c.getBoundingClientRect().left));
    for (const left of userCells) expect(left).toBeCloseTo(header!.x, 0);
    await screenshot(page, 'traces-table-no-assessments');

    await seed.post(`/api/3.0/mlflow/traces/${ragTraceId}/assessments`, {
      assessment: {
        trace_id: ragTraceId,
        assessment_name: 'relevance',
        feedback: { value: 'yes' },
        source: { source_type: 'LLM_JUDGE', source_id: 'judge' },
      },
    });
    // Four columns sized to content need a wider window than 1440 px for all of it (on a narrower
    // one they share what the fixed columns leave, down to a floor each).
    await page.setViewportSize({ width: 1700, height: 900 });
    await page.reload();
    await table.getByRole('columnheader', { name: 'Assessments' }).waitFor();
    const assessed = table.getByRole('row', { name: /rag_agent/ });
    const cell = assessed.getByRole('cell').nth(await columnIndex(table, 'assessments'));
    await cell.getByText('relevance: yes').waitFor();
    expect(await cellFits(cell)).toBe(true);
    for (const column of ['tags', 'session', 'user'])
      expect(await cellFits(assessed.getByRole('cell').nth(await columnIndex(table, column))), column).toBe(true);
    await screenshot(page, 'traces-table-assessments');
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(browser.errors).toEqual([]);
  });

  it('keeps the span tab while the next span has its content, and falls back to the default when it has none', async () => {
    await page.goto(`${server.url}/experiments/${exp}/traces/${ragTraceId}`);
    const tree = page.getByRole('tree', { name: 'Span tree' });
    const tabs = page.getByRole('tablist', { name: 'Span views' });
    const details = page.getByRole('region', { name: 'Span details' });
    await tree.getByRole('treeitem', { name: /^lookup_policy/ }).click();
    await tabs.getByRole('tab', { name: /Events/ }).click();
    await page
      .getByRole('alert')
      .getByText(/policy service unavailable/)
      .first()
      .waitFor();

    // The model call has no events: its conversation shows, not an empty Events tab.
    await tree.getByRole('treeitem', { name: /^generate/ }).click();
    await details.getByRole('heading', { name: 'generate' }).waitFor();
    await tabs.getByRole('tab', { name: 'Chat', selected: true }).waitFor();
    await page.getByRole('list', { name: 'Conversation' }).waitFor();
    await screenshot(page, 'trace-view-tab-falls-back');

    // Inputs / Outputs chosen on one span stays chosen on the next that has inputs or outputs.
    await tabs.getByRole('tab', { name: 'Inputs / Outputs' }).click();
    await tree.getByRole('treeitem', { name: /^rag_agent/ }).click();
    await details.getByRole('heading', { name: 'rag_agent' }).waitFor();
    await tabs.getByRole('tab', { name: 'Inputs / Outputs', selected: true }).waitFor();
    await page
      .getByRole('region', { name: 'Outputs' })
      .getByText(/Refunds are accepted/)
      .waitFor();

    // Attributes chosen on the agent: the tool has attributes too, so they stay.
    await tabs.getByRole('tab', { name: /Attributes/ }).click();
    await tree.getByRole('treeitem', { name: /^lookup_policy/ }).click();
    await details.getByRole('heading', { name: 'lookup_policy' }).waitFor();
    await tabs.getByRole('tab', { name: /Attributes/, selected: true }).waitFor();
    expect(await page.getByText('No attributes').count()).toBe(0);
    expect(browser.errors).toEqual([]);
  });

  it('shows a retriever span’s documents as documents, with the raw JSON one tab away', async () => {
    await page.goto(`${server.url}/experiments/${exp}/traces/${ragTraceId}`);
    const tree = page.getByRole('tree', { name: 'Span tree' });
    const details = page.getByRole('region', { name: 'Span details' });
    await tree.getByRole('treeitem', { name: /^retrieve_docs/ }).click();
    await details.getByRole('heading', { name: 'retrieve_docs' }).waitFor();
    const tabs = page.getByRole('tablist', { name: 'Span views' });
    await tabs.getByRole('tab', { name: 'Documents (3)', selected: true }).waitFor();
    const docs = page.getByRole('list', { name: 'Retrieved documents' });
    expect(await docs.getByRole('listitem').count()).toBe(3);
    const first = docs.getByRole('listitem').first();
    // The content as text (its line break kept), its id, source and metadata.
    await first.getByText('Refunds are accepted within 30 days of delivery.', { exact: false }).waitFor();
    const style = (el: unknown) => (globalThis as unknown as { getComputedStyle(e: unknown): { whiteSpace: string } }).getComputedStyle(el).whiteSpace;
    expect(await first.getByText(/Refunds are accepted/).evaluate(style)).toBe('pre-wrap');
    await first.getByText('doc-17').waitFor();
    await first.getByText('kb/refunds.md').waitFor();
    await first.getByText('0.92').waitFor();
    expect(await first.textContent()).not.toContain('page_content');
    // The query it was asked.
    await page.getByRole('region', { name: 'Query' }).getByText('Can I get a refund for opened earbuds?').waitFor();
    await screenshot(page, 'trace-view-retriever-documents');

    await tabs.getByRole('tab', { name: 'Inputs / Outputs' }).click();
    await page.getByRole('region', { name: 'Outputs' }).getByText('"page_content"').first().waitFor();

    const dark = await browser.newPage({ colorScheme: 'dark' });
    await dark.goto(page.url().replace(/\?.*$/, `?span=${new URL(page.url()).searchParams.get('span')}`));
    await dark.getByRole('list', { name: 'Retrieved documents' }).waitFor();
    await screenshot(dark, 'dark-trace-view-retriever-documents');
    await dark.close();
    expect(browser.errors).toEqual([]);
  });

  it('shows session replies (and questions) as text, whatever shape the app returned', async () => {
    await page.goto(`${server.url}/experiments/${exp}/sessions`);
    const sessions = page.getByRole('table', { name: 'Sessions' });
    const firstMessage = sessions
      .getByRole('row', { name: /returns-chat/ })
      .getByRole('cell')
      .nth(1);
    await expect.poll(() => firstMessage.textContent()).toBe('Where is my refund?');
    await page.goto(`${server.url}/experiments/${exp}/sessions/returns-chat`);
    const turns = page.getByRole('list', { name: 'Conversation' }).getByRole('listitem');
    await expect.poll(() => turns.count()).toBe(REPLIES.length);
    for (const [i, turn] of REPLIES.entries()) {
      const item = turns.nth(i);
      await item.getByText(turn.request, { exact: true }).waitFor();
      await item.getByText(turn.reply, typeof turn.reply === 'string' ? { exact: true } : {}).waitFor();
      const text = (await item.textContent()) ?? '';
      expect(text, `turn ${i + 1}`).not.toMatch(/[{[]"|"role"|"content"/);
    }
    await screenshot(page, 'session-replies-as-text');
    expect(browser.errors).toEqual([]);
  });
});
