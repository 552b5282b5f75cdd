import { context, trace, type Attributes } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CliServer } from '../cli-server.js';
import { describeWithChromium, screenshot, type TestBrowser } from './chromium.js';
import type { Seeder } from './seed.js';
import { openUiPage, startUiServer, stopUiSession } from './ui-session.js';

/** One model call under the trace's root, as an OpenTelemetry GenAI instrumentation (not MLflow's) records it. */
interface Call {
  name: string;
  attributes: Attributes;
}

/**
 * A trace from a non-MLflow producer: a root span (`gen_ai.operation.name = invoke_agent`, the
 * conversation id as the session) and its model calls, made by the OpenTelemetry JS SDK and sent over
 * OTLP protobuf as they are. No span carries a cost: the server prices them.
 */
function genAiTrace(root: string, session: string, calls: Call[], startMs: number): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('genai-instrumentation', '1.0.0');
  const agent = tracer.startSpan(root, { startTime: startMs, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.conversation.id': session } });
  calls.forEach((call, i) => {
    tracer.startSpan(call.name, { startTime: startMs + 10 * i, attributes: call.attributes }, trace.setSpan(context.active(), agent)).end(startMs + 10 * i + 5);
  });
  agent.end(startMs + 100);
  return exporter.getFinishedSpans();
}

const chat = (model: string, input: number, output: number): Call => ({
  name: `chat ${model}`,
  attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': model, 'gen_ai.usage.input_tokens': input, 'gen_ai.usage.output_tokens': output },
});
const embeddings = (model: string, input: number): Call => ({
  name: `embeddings ${model}`,
  attributes: { 'gen_ai.operation.name': 'embeddings', 'gen_ai.request.model': model, 'gen_ai.usage.input_tokens': input },
});

/** A table row's cells by column header. */
async function rowCells(table: Locator, rowText: string): Promise<Record<string, string>> {
  const row = table.getByRole('row').filter({ hasText: rowText });
  await row.first().waitFor();
  const headers = await table.getByRole('columnheader').allTextContents();
  const cells = await row.first().getByRole('cell').allTextContents();
  return Object.fromEntries(headers.map((h, i) => [h.replace(/[↑↓]/g, '').trim(), (cells[i] ?? '').trim()]));
}

/** The value of a labelled fact in the trace view's header (`<dt>label</dt><dd>value</dd>`). */
const fact = (page: Page, label: string) =>
  page
    .locator('header')
    .filter({ has: page.getByRole('button', { name: 'Copy trace id' }) })
    .locator('dl > div')
    .filter({ has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) })
    .locator('dd');

describeWithChromium('UI: cost and tokens for traces from any producer, "—" vs "$0" (built CLI, Chromium)', () => {
  let server: CliServer;
  let seed: Seeder;
  let browser: TestBrowser;
  let page: Page;
  let exp: string;
  let unpricedExp: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    ({ server, seed } = await startUiServer('loupe-ui-cost-'));
    exp = await seed.createExperiment('cost-and-tokens');
    unpricedExp = await seed.createExperiment('unpriced-only');
    const now = Date.now() - 60_000;
    const traces: [string, string, Call[], string][] = [
      // gpt-4o-mini: 1,000 in / 200 out = $0.00027; text-embedding-3-small: 50,000 in = $0.001.
      ['agent-priced', 'sess-priced', [chat('gpt-4o-mini', 1000, 200), embeddings('text-embedding-3-small', 50_000)], exp],
      // text-embedding-004 has a known price of zero: $0, and 1,325 in / 0 out.
      ['agent-free', 'sess-free', [embeddings('text-embedding-004', 1325)], exp],
      // No catalog knows this model: tokens, but no cost ("—", not "$0").
      ['agent-unknown', 'sess-unpriced', [chat('my-own-model', 10, 5)], exp],
      ['unpriced elsewhere', 'sess-elsewhere', [chat('my-own-model', 7, 3)], unpricedExp],
    ];
    for (const [i, [root, session, calls, experiment]] of traces.entries()) {
      const spans = genAiTrace(root, session, calls, now + i * 1000);
      ids[root] = `tr-${spans[0]!.spanContext().traceId}`;
      await seed.sendSpans(experiment, spans);
    }
    ({ browser, page } = await openUiPage());
  });

  afterAll(() => stopUiSession({ seed, browser, server }));

  it('shows tokens and cost in the traces table: a sum that adds up, $0 for a known zero, — for unknown', async () => {
    await page.goto(`${server.url}/experiments/${exp}/traces`);
    const table = page.getByRole('table', { name: 'Traces' });
    await expect.poll(() => table.getByRole('row').count()).toBe(4);
    expect(await rowCells(table, 'agent-priced')).toMatchObject({ Tokens: '51,200', Cost: '$0.00127' });
    expect(await rowCells(table, 'agent-free')).toMatchObject({ Tokens: '1,325', Cost: '$0' });
    expect(await rowCells(table, 'agent-unknown')).toMatchObject({ Tokens: '15', Cost: '—' });
    expect(
      await table.getByRole('row').filter({ hasText: 'agent-free' }).getByRole('cell').filter({ hasText: '1,325' }).locator('span').getAttribute('title'),
    ).toBe('1,325 in / 0 out');
    await screenshot(page, 'cost-traces-table');
    expect(browser.errors).toEqual([]);
  });

  it('shows them the same way in the trace view and the span details', async () => {
    await page.goto(`${server.url}/experiments/${exp}/traces/${ids['agent-free']}`);
    await expect.poll(() => fact(page, 'Cost').textContent()).toBe('$0');
    expect(await fact(page, 'Tokens').textContent()).toBe('1,325 (1.3k in / 0 out)');

    await page.goto(`${server.url}/experiments/${exp}/traces/${ids['agent-unknown']}`);
    await expect.poll(() => fact(page, 'Tokens').textContent()).toBe('15 (10 in / 5 out)');
    expect(await fact(page, 'Cost').textContent()).toBe('—');

    await page.goto(`${server.url}/experiments/${exp}/traces/${ids['agent-priced']}`);
    await expect.poll(() => fact(page, 'Cost').textContent()).toBe('$0.00127');
    expect(await fact(page, 'Tokens').textContent()).toBe('51,200 (51k in / 200 out)');
    expect(await fact(page, 'Tokens').locator('span').getAttribute('title')).toBe('51,000 in / 200 out');
    await page
      .getByRole('tree', { name: 'Span tree' })
      .getByRole('treeitem', { name: /^embeddings/ })
      .click();
    const details = page.getByRole('region', { name: 'Span details' });
    await details.getByRole('heading', { name: 'embeddings text-embedding-3-small' }).waitFor();
    await expect.poll(() => details.getByText('Tokens: 50,000 in / 0 out').count()).toBe(1);
    expect(
      await details
        .locator('dl > div', { has: page.locator('dt', { hasText: /^Cost$/ }) })
        .locator('dd')
        .textContent(),
    ).toBe('$0.001');
    await page
      .getByRole('tree', { name: 'Span tree' })
      .getByRole('treeitem', { name: /^agent-priced/ })
      .click();
    await details.getByRole('heading', { name: 'agent-priced' }).waitFor();
    expect(
      await details
        .locator('dl > div', { has: page.locator('dt', { hasText: /^Cost$/ }) })
        .locator('dd')
        .textContent(),
    ).toBe('—');
    await screenshot(page, 'cost-trace-view');
    expect(browser.errors).toEqual([]);
  });

  it('sums sessions and the overview the same way: unknown stays —', async () => {
    await page.goto(`${server.url}/experiments/${exp}/sessions`);
    const sessions = page.getByRole('table', { name: 'Sessions' });
    expect(await rowCells(sessions, 'sess-free')).toMatchObject({ Tokens: '1,325', Cost: '$0' });
    expect(await rowCells(sessions, 'sess-unpriced')).toMatchObject({ Tokens: '15', Cost: '—' });

    await page.goto(`${server.url}/experiments/${exp}/overview?range=24h`);
    await expect.poll(() => page.getByRole('group', { name: 'Cost' }).textContent()).toBe('Cost$0.00127');
    await expect.poll(() => page.getByRole('group', { name: 'Tokens' }).textContent()).toBe('Tokens53k52k in / 205 out');
    await page.goto(`${server.url}/experiments/${unpricedExp}/overview?range=24h`);
    await expect.poll(() => page.getByRole('group', { name: 'Tokens' }).textContent()).toBe('Tokens107 in / 3 out');
    expect(await page.getByRole('group', { name: 'Cost' }).textContent()).toBe('Cost—');
    expect(browser.errors).toEqual([]);
  });

  it("suggests the span types the traces really have, and says why span.type = 'LLM' finds no chat call", async () => {
    await page.goto(`${server.url}/experiments/${exp}/traces`);
    const filter = page.getByRole('combobox', { name: 'Filter traces' });
    await filter.click();
    await filter.pressSequentially('span.type = ');
    const options = page.getByRole('listbox', { name: 'Filter traces suggestions' }).getByRole('option');
    await expect.poll(() => options.first().textContent()).toMatch(/^(AGENT|CHAT_MODEL|EMBEDDING)\d span/);
    const offered = await options.allTextContents();
    expect(offered.slice(0, 3).sort()).toEqual(['AGENT3 spans recently', 'CHAT_MODEL2 spans recently', 'EMBEDDING2 spans recently']);
    expect(offered).toContain('LLMnone recently');
    await screenshot(page, 'span-type-autocomplete');

    await filter.fill("span.type = 'LLM'");
    await page.keyboard.press('Enter');
    await page.getByText("span.type IN ('LLM', 'CHAT_MODEL') finds both").waitFor();
    await page.getByText(/No recent span has type LLM; recent traces have /).waitFor();

    await filter.fill("span.type IN ('LLM', 'CHAT_MODEL')");
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('table', { name: 'Traces' }).getByRole('row').count()).toBe(3);
    expect(browser.errors).toEqual([]);
  });
});
