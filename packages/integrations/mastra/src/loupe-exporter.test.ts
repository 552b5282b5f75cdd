import { createOpenAI } from '@ai-sdk/openai-v5';
import { Mastra } from '@mastra/core';
import { Agent } from '@mastra/core/agent';
import { createTool } from '@mastra/core/tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type FakeProvider, type CapturedSpan, type Harness, useIntegrationSuite } from '@loupe/fake-providers';
import { chatTurn, installOpenAI, openaiError } from '@loupe/fake-providers/openai';
import { LoupeExporter } from './index.js';

let fake: FakeProvider;
let h: Harness;
let exporter: LoupeExporter;
let mastra: Mastra;
let weather: ReturnType<typeof createTool>;

const suite = useIntegrationSuite([installOpenAI]);
beforeAll(async () => {
  ({ fake, h } = suite);
  exporter = new LoupeExporter({ loupe: h.loupe });
  weather = createTool({
    id: 'weather',
    description: 'Current weather of a city',
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ context, tracingContext }) =>
      exporter.runInSpan(tracingContext, () => h.loupe.withSpan(() => ({ forecast: `sunny in ${context.city}` }), { name: 'user-lookup' })),
  });
  const agent = new Agent({
    name: 'Weather Agent',
    instructions: 'You tell the weather.',
    // The AI SDK's OpenAI provider (Mastra's own dependency, @ai-sdk/openai 2.x) asks streams for usage.
    model: createOpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'k' }).chat('gpt-4o-mini'),
    tools: { weather },
  });
  const streamer = new Agent({
    name: 'Streamer',
    instructions: 'You answer.',
    model: createOpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'k' }).chat('gpt-4o-mini'),
  });
  // Mastra's model router with an OpenAI-compatible URL.
  const routed = new Agent({
    name: 'Routed',
    instructions: 'You answer.',
    model: { id: 'openai/gpt-4o-mini', url: `${fake.url}/v1`, apiKey: 'k' },
    tools: { weather },
  });
  mastra = new Mastra({
    agents: { weatherAgent: agent, streamer, routed },
    observability: { configs: { loupe: { serviceName: 'mastra-test', exporters: [exporter] } } },
    logger: false,
  });
});
afterAll(async () => {
  await mastra.shutdown?.();
});

const byName = (spans: CapturedSpan[], name: string) => {
  const s = spans.find((x) => x.name === name);
  if (!s) throw new Error(`no span ${name} in ${spans.map((x) => x.name).join(', ')}`);
  return s;
};

const toolThenAnswer = () =>
  fake.enqueue(
    'POST',
    '/v1/chat/completions',
    chatTurn({ toolCalls: [{ id: 'call_w', name: 'weather', arguments: { city: 'Paris' } }], usage: { prompt_tokens: 40, completion_tokens: 6 } }),
    chatTurn({ content: 'It is sunny in Paris.', usage: { prompt_tokens: 70, completion_tokens: 7, cached_tokens: 32 } }),
  );

describe('LoupeExporter', () => {
  it('records an agent run with a tool: AGENT > CHAT_MODEL > step > TOOL, the conversation, usage and cost, under the active span, and the server has it', async () => {
    toolThenAnswer();
    const result = await h.loupe.withSpan(() => mastra.getAgent('weatherAgent').generate('Weather in Paris?'), { name: 'user-request' });
    expect(result.text).toBe('It is sunny in Paris.');
    const spans = await h.spans();
    const user = byName(spans, 'user-request');
    const agent = byName(spans, 'Weather Agent');
    expect(agent.spanType).toBe('AGENT');
    expect(agent.parentId).toBe(user.spanId);
    expect(agent.inputs).toBe('Weather in Paris?');
    expect(agent.outputs).toMatchObject({ text: 'It is sunny in Paris.' });
    const llm = spans.find((s) => s.spanType === 'CHAT_MODEL')!;
    expect(llm.parentId).toBe(agent.spanId);
    expect(llm.attributes['mlflow.llm.model']).toBe('gpt-4o-mini');
    expect(llm.attributes['mlflow.llm.provider']).toBe('openai');
    expect(llm.attributes['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 110, output_tokens: 13, cache_read_input_tokens: 32, total_tokens: 123 });
    expect(llm.attributes['mlflow.llm.cost']).toMatchObject({ total_cost: expect.any(Number) });
    expect(llm.attributes['mlflow.chat.messages']).toEqual([
      { role: 'system', content: 'You tell the weather.' },
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_w', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_w', content: '{"forecast":"sunny in Paris"}' },
      { role: 'assistant', content: 'It is sunny in Paris.' },
    ]);
    // Mastra cuts the AI SDK provider's request object at depth, so the schema is not there to record.
    expect(llm.attributes['mlflow.chat.tools']).toEqual([
      { type: 'function', function: expect.objectContaining({ name: 'weather', description: 'Current weather of a city' }) },
    ]);
    const steps = spans.filter((s) => s.parentId === llm.spanId);
    expect(steps.map((s) => [s.name, s.spanType])).toEqual([
      ['step: 0', 'CHAIN'],
      ['step: 1', 'CHAIN'],
    ]);
    expect(steps.every((s) => s.attributes['mlflow.chat.tokenUsage'] === undefined)).toBe(true);
    const tool = byName(spans, 'weather');
    expect(tool.spanType).toBe('TOOL');
    expect(tool.parentId).toBe(steps[0]!.spanId);
    expect(tool.inputs).toEqual({ city: 'Paris' });
    expect(tool.outputs).toEqual({ forecast: 'sunny in Paris' });
    expect(byName(spans, 'user-lookup').parentId).toBe(tool.spanId);
    expect(spans.every((s) => s.status === 'OK')).toBe(true);

    const trace = await h.serverTrace(agent.traceId);
    expect(trace.spans).toHaveLength(spans.length);
    const serverTool = trace.spans.find((s) => s.name === 'weather')!;
    expect(trace.spans.find((s) => s.spanId === serverTool.parentId)?.name).toBe('step: 0');
    const serverLlm = trace.spans.find((s) => s.spanType === 'CHAT_MODEL')!;
    expect(serverLlm.attributes['mlflow.chat.messages']).toEqual(llm.attributes['mlflow.chat.messages']);
    const meta = trace.info.trace_metadata ?? {};
    expect(JSON.parse(meta['mlflow.trace.tokenUsage'] ?? '{}')).toMatchObject({ input_tokens: 110, output_tokens: 13 });
    expect(JSON.parse(meta['mlflow.trace.cost'] ?? '{}').total_cost).toBeCloseTo((llm.attributes['mlflow.llm.cost'] as { total_cost: number }).total_cost, 12);
  });

  it('records a stream: the first-chunk event, chunk count and the answer', async () => {
    fake.enqueue('POST', '/v1/chat/completions', chatTurn({ content: 'A streamed answer in several chunks.' }));
    const stream = await mastra.getAgent('streamer').stream('Tell me something.');
    let text = '';
    for await (const part of stream.textStream) text += part;
    expect(text).toBe('A streamed answer in several chunks.');
    await stream.text;
    const spans = await h.spans();
    const llm = spans.find((s) => s.spanType === 'CHAT_MODEL')!;
    expect(llm.events.map((e) => e.name)).toContain('loupe.stream.first_chunk');
    expect(llm.attributes['loupe.stream.chunks']).toBeGreaterThan(0);
    expect((llm.attributes['mlflow.chat.messages'] as { content: unknown }[]).at(-1)).toEqual({
      role: 'assistant',
      content: 'A streamed answer in several chunks.',
    });
    expect(llm.attributes['mlflow.chat.tokenUsage']).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
    expect(llm.attributes['mlflow.llm.provider']).toBe('openai');
    expect(byName(spans, 'Streamer').spanType).toBe('AGENT');
  });

  it('records a rate-limited call as ERROR model spans with the error, and the caller gets the AI SDK error', async () => {
    fake.enqueue('POST', '/v1/chat/completions', openaiError(429, 'Rate limit reached', 'rate_limit_exceeded'));
    await expect(mastra.getAgent('weatherAgent').generate('hi', { modelSettings: { maxRetries: 0 } })).rejects.toMatchObject({
      name: 'AI_APICallError',
      message: 'Rate limit reached',
    });
    expect(fake.requests).toHaveLength(1);
    const spans = await h.spans();
    const llm = spans.find((s) => s.spanType === 'CHAT_MODEL')!;
    expect(llm.status).toBe('ERROR');
    expect(llm.statusMessage).toBe('AI_APICallError: Rate limit reached');
    expect(llm.attributes['mlflow.llm.model']).toBe('gpt-4o-mini');
    expect(llm.events.map((e) => e.name)).toEqual(['exception']);
    expect(byName(spans, 'step: 0').status).toBe('ERROR');
    // Mastra 0.24 never ends a failed run's agent span; the exporter ends it with the generation's error.
    const agent = byName(spans, 'Weather Agent');
    expect(agent).toMatchObject({ spanType: 'AGENT', status: 'ERROR', statusMessage: 'AI_APICallError: Rate limit reached', parentId: undefined });
    expect(llm.parentId).toBe(agent.spanId);
    expect(agent.endMs).toBeGreaterThanOrEqual(llm.endMs);

    // The agent is the trace's root: the trace is complete on the server, failed, with every span's parent in it.
    const trace = await h.serverTrace(agent.traceId);
    expect(trace.info.state).toBe('ERROR');
    expect(trace.spans).toHaveLength(spans.length);
    const ids = new Set(trace.spans.map((s) => s.spanId));
    expect(trace.spans.filter((s) => s.parentId && !ids.has(s.parentId))).toEqual([]);
  });

  it('ignores a later end of an agent run it ended after a failed generation (a Mastra that ends it itself)', async () => {
    const local = new LoupeExporter({ loupe: h.loupe });
    const at = Date.now();
    const agentRun = {
      id: 'a1',
      traceId: 't1',
      type: 'agent_run',
      name: "agent run: 'support'",
      attributes: { agentId: 'support' },
      startTime: new Date(at),
      isRootSpan: true,
      isEvent: false,
    };
    const generation = {
      id: 'g1',
      traceId: 't1',
      parentSpanId: 'a1',
      type: 'model_generation',
      name: "llm: 'gpt-4o-mini'",
      attributes: { model: 'gpt-4o-mini' },
      startTime: new Date(at + 1),
      isRootSpan: false,
      isEvent: false,
    };
    const send = (type: string, span: object) => local.exportEvent({ type, exportedSpan: span } as unknown as Parameters<LoupeExporter['exportEvent']>[0]);
    await send('span_started', agentRun);
    await send('span_started', generation);
    await send('span_ended', { ...generation, endTime: new Date(at + 5), attributes: { model: 'gpt-4o-mini', finishReason: 'error' } });
    await send('span_ended', { ...agentRun, endTime: new Date(at + 6), errorInfo: { message: 'model call failed' } });
    const spans = await h.spans();
    expect(spans.map((x) => [x.name, x.spanType, x.status])).toEqual([
      ['support', 'AGENT', 'ERROR'],
      ["llm: 'gpt-4o-mini'", 'CHAT_MODEL', 'ERROR'],
    ]);
    expect(byName(spans, 'support').endMs).toBe(at + 5);
  });

  it("traces an agent on Mastra's model router with a custom URL", async () => {
    const result = await mastra.getAgent('routed').generate('Routed hello');
    expect(result.text).toBe('Echo: Routed hello');
    const spans = await h.spans();
    const agent = byName(spans, 'Routed');
    const llm = spans.find((s) => s.spanType === 'CHAT_MODEL')!;
    expect(llm.parentId).toBe(agent.spanId);
    expect(llm.attributes['mlflow.llm.model']).toBe('gpt-4o-mini');
    expect(llm.attributes['mlflow.llm.provider']).toBe('openai');
    expect(llm.attributes['mlflow.chat.messages']).toEqual([
      { role: 'system', content: 'You answer.' },
      { role: 'user', content: 'Routed hello' },
      { role: 'assistant', content: 'Echo: Routed hello' },
    ]);
    // The router sends its request body as JSON text, so the tool schemas arrive whole.
    expect(llm.attributes['mlflow.chat.tools']).toEqual([
      {
        type: 'function',
        function: {
          name: 'weather',
          description: 'Current weather of a city',
          parameters: expect.objectContaining({ properties: { city: { type: 'string' } } }),
        },
      },
    ]);
  });
});
