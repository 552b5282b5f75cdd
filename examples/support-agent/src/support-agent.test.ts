import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '@loupe/fake-providers';
import type { FakeProvider } from '@loupe/fake-providers/fake-server';
import { decideTurn, startOfflineModel } from './offline-model.js';
import { ProductDatabase } from './product-db.js';
import { createSupportAgent } from './support-agent.js';

let h: Harness;
let model: FakeProvider;
beforeAll(async () => {
  h = await startHarness();
  model = await startOfflineModel();
});
afterAll(async () => {
  await model?.close();
  await h?.close();
});

describe('support agent, offline', () => {
  it('answers from its tools, and its trace shows each decision: model call, tool, model call', async () => {
    const agent = createSupportAgent({
      openai: new OpenAI({ baseURL: `${model.url}/v1`, apiKey: 'offline', maxRetries: 0 }),
      db: new ProductDatabase(),
      loupe: h.loupe,
    });
    const order = await agent.ask('Where is my order A1001?', { sessionId: 'chat-7', userId: 'dana' });
    expect(order.answer).toBe('Order A1001 shipped on 2026-12-01 with UPS; the tracking number is 1Z999AA10123456784.');
    expect(order.toolCalls).toEqual(['get_order_status']);

    const trace = await h.serverTrace(order.traceId as string);
    const root = trace.spans.find((s) => s.parentId === null)!;
    expect(root).toMatchObject({ name: 'support-agent', spanType: 'AGENT' });
    // In start order, as the trace view lists them (the SDK's span clock keeps sub-millisecond starts).
    const children = trace.spans.filter((s) => s.parentId === root.spanId).map((s) => `${s.spanType}:${s.spanType === 'TOOL' ? s.name : ''}`);
    expect(children).toEqual(['CHAT_MODEL:', 'TOOL:get_order_status', 'CHAT_MODEL:']);
    const [decide, answer] = trace.spans.filter((s) => s.spanType === 'CHAT_MODEL');
    // The first call's chat ends in the model's decision to call the tool; the second sees the tool result.
    const decided = (decide!.attributes['mlflow.chat.messages'] as { role: string; tool_calls?: { function: { name: string } }[] }[]).at(-1);
    expect(decided?.tool_calls?.[0]?.function.name).toBe('get_order_status');
    expect((answer!.attributes['mlflow.chat.messages'] as { role: string }[]).map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant']);
    expect(answer!.attributes['mlflow.chat.tools']).toHaveLength(3);
    expect(trace.info.trace_metadata['mlflow.trace.session']).toBe('chat-7');
    expect(trace.info.tags.agent).toBe('support-agent');
    expect(JSON.parse(trace.info.trace_metadata['mlflow.trace.cost'] ?? '{}').total_cost).toBeGreaterThan(0);
    expect(JSON.parse(trace.info.trace_metadata['mlflow.trace.tokenUsage'] ?? '{}').total_tokens).toBeGreaterThan(0);
  });

  it('searches policies through a retriever span, and products through its tool', async () => {
    const agent = createSupportAgent({
      openai: new OpenAI({ baseURL: `${model.url}/v1`, apiKey: 'offline', maxRetries: 0 }),
      db: new ProductDatabase(),
      loupe: h.loupe,
    });
    const refund = await agent.ask('Can I return opened earbuds for a refund?');
    expect(refund.answer).toContain('Returns and refunds policy');
    const trace = await h.serverTrace(refund.traceId as string);
    const tool = trace.spans.find((s) => s.name === 'search_policies')!;
    const retriever = trace.spans.find((s) => s.parentId === tool.spanId)!;
    expect(retriever.spanType).toBe('RETRIEVER');
    expect((retriever.outputs as { id: string }[])[0]!.id).toBe('returns');
    const products = await agent.ask('Do you have noise cancelling headphones in stock?');
    expect(products.answer).toContain('Quiet Comfort Headphones (AUD-200) costs $249 and is in stock');
  });

  it('the offline model greets without tools and reports unknown orders', () => {
    const request = (messages: unknown[]) => ({
      method: 'POST',
      path: '/v1/chat/completions',
      query: new URLSearchParams(),
      headers: {},
      body: Buffer.alloc(0),
      json: { messages },
      params: {},
    });
    expect(decideTurn(request([{ role: 'user', content: 'hello' }]))).toEqual({ content: 'Hello! I can help with orders, products and store policies.' });
    const unknown = decideTurn(
      request([
        { role: 'user', content: 'order Z9999?' },
        { role: 'assistant', tool_calls: [{ id: 'c1', function: { name: 'get_order_status', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: '{"error":"no order Z9999"}' },
      ]),
    );
    expect(unknown.content).toContain('no order Z9999');
  });
});

describe('npm start (the README command), as a separate process', () => {
  it('runs the three sample questions offline and sends their traces to the Loupe server', async () => {
    const dir = fileURLToPath(new URL('..', import.meta.url));
    const experiment = `support-example-${Date.now()}`;
    const { stdout } = await promisify(execFile)('npm', ['start', '--silent'], {
      cwd: dir,
      env: { ...process.env, LOUPE_TRACKING_URI: h.server.url, SUPPORT_EXPERIMENT: experiment, OPENAI_API_KEY: '' },
      timeout: 60_000,
    });
    expect(stdout).toContain('Model: offline');
    expect(stdout).toContain('A: Order A1001 shipped on 2026-12-01');
    expect(stdout).toMatch(/Traces: http:\/\/127\.0\.0\.1:\d+\/experiments\/\d+\/traces/);
    const exp = await h.loupe.client.getExperimentByName(experiment);
    const traces = await h.loupe.client.searchTraces({ experimentIds: [exp!.experiment_id] });
    expect(traces.items).toHaveLength(3);
  }, 90_000);
});
