import * as ai from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { z } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { useIntegrationSuite, type CapturedSpan, type FakeProvider, type Harness } from '@loupe/fake-providers';
import { chatTurn, installOpenAI, openaiError, responsesTurn } from '@loupe/fake-providers/openai';
import { loupeTelemetry, wrapAISDK } from './index.js';

let fake: FakeProvider;
let h: Harness;
let openai: ReturnType<typeof createOpenAI>;
let traced: ReturnType<typeof wrapAISDK<typeof ai>>;
const suite = useIntegrationSuite([installOpenAI]);
beforeAll(async () => {
  ({ fake, h } = suite);
  openai = createOpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'test-key', headers: { 'x-secret': 's3cret' } });
  traced = wrapAISDK(ai, { loupe: h.loupe });
});

const CHAT = '/v1/chat/completions';
const named = (spans: CapturedSpan[], name: string) => spans.filter((s) => s.name === name);
const one = (spans: CapturedSpan[], name: string) => {
  const found = named(spans, name);
  expect(found, name).toHaveLength(1);
  return found[0]!;
};
const weatherTool = () =>
  ai.tool({
    description: 'Weather of a city',
    inputSchema: z.object({ city: z.string() }),
    // A user span inside execute must nest under the TOOL span.
    execute: async ({ city }) => h.loupe.withSpan(() => ({ city, sky: 'sunny' }), { name: 'weather service', spanType: 'RETRIEVER' }),
  });

describe('wrapAISDK: generateText', () => {
  it('records the call as CHAIN and the model call as CHAT_MODEL under the active span: inputs, outputs, chat, model, usage, cost', async () => {
    fake.enqueue(
      'POST',
      CHAT,
      chatTurn({ content: 'Because of Rayleigh scattering.', usage: { prompt_tokens: 1000, completion_tokens: 50, cached_tokens: 400 } }),
    );
    const result = await h.loupe.withSpan(
      () =>
        traced.generateText({
          model: openai.chat('gpt-4o-mini'),
          system: 'Be brief.',
          prompt: 'Why is the sky blue?',
          temperature: 0.2,
          maxRetries: 0,
          headers: { authorization: 'Bearer user-key' },
        }),
      { name: 'ask', spanType: 'CHAIN' },
    );
    expect(result.text).toBe('Because of Rayleigh scattering.');
    const spans = await h.spans();
    const [ask, call, model] = [one(spans, 'ask'), one(spans, 'generateText'), one(spans, 'generateText.doGenerate')];
    expect([call.parentId, model.parentId]).toEqual([ask.spanId, call.spanId]);
    expect([call.spanType, model.spanType, call.status, model.status]).toEqual(['CHAIN', 'CHAT_MODEL', 'OK', 'OK']);
    expect(call.inputs).toEqual({ model: 'gpt-4o-mini', system: 'Be brief.', prompt: 'Why is the sky blue?', settings: { maxRetries: 0, temperature: 0.2 } });
    expect(call.outputs).toMatchObject({ text: 'Because of Rayleigh scattering.', finishReason: 'stop', usage: { input_tokens: 1000, output_tokens: 50 } });
    // Usage is on the model call only, so the trace's sums count it once.
    expect(call.attributes['mlflow.chat.tokenUsage']).toBeUndefined();
    expect(model.attributes['mlflow.llm.model']).toBe('gpt-4o-mini');
    expect(model.attributes['mlflow.llm.provider']).toBe('openai');
    expect(model.attributes['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 1000, output_tokens: 50, total_tokens: 1050, cache_read_input_tokens: 400 });
    expect(model.attributes['mlflow.chat.messages']).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Why is the sky blue?' },
      { role: 'assistant', content: 'Because of Rayleigh scattering.' },
    ]);
    // gpt-4o-mini: $0.15 / M uncached input, $0.075 / M cached, $0.60 / M output.
    expect((model.attributes['mlflow.llm.cost'] as { total_cost: number }).total_cost).toBeCloseTo((600 * 0.15 + 400 * 0.075 + 50 * 0.6) / 1e6, 12);
    expect(JSON.stringify(spans)).not.toMatch(/s3cret|user-key/);
  });

  it('records a multi-step tool loop: each step a CHAT_MODEL span, each execute a TOOL span holding the user’s spans', async () => {
    fake.enqueue(
      'POST',
      CHAT,
      chatTurn({ toolCalls: [{ id: 'call_1', name: 'weather', arguments: { city: 'Paris' } }] }),
      chatTurn({ content: 'Sunny in Paris.' }),
    );
    const result = await traced.generateText({
      model: openai.chat('gpt-4o-mini'),
      prompt: 'Weather in Paris?',
      tools: { weather: weatherTool() },
      stopWhen: ai.stepCountIs(3),
      maxRetries: 0,
    });
    expect(result.text).toBe('Sunny in Paris.');
    expect(result.steps).toHaveLength(2);
    const spans = await h.spans();
    const call = one(spans, 'generateText');
    const steps = named(spans, 'generateText.doGenerate');
    const tool = one(spans, 'weather');
    const inner = one(spans, 'weather service');
    expect(steps).toHaveLength(2);
    for (const s of [...steps, tool]) expect(s.parentId).toBe(call.spanId);
    expect(inner.parentId).toBe(tool.spanId);
    expect([tool.spanType, tool.inputs, tool.outputs]).toEqual(['TOOL', { city: 'Paris' }, { city: 'Paris', sky: 'sunny' }]);
    const [first, second] = steps.sort(
      (a, b) => (a.attributes['mlflow.chat.messages'] as unknown[]).length - (b.attributes['mlflow.chat.messages'] as unknown[]).length,
    );
    const toolCall = { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } };
    expect(first!.attributes['mlflow.chat.messages']).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [toolCall] },
    ]);
    expect(second!.attributes['mlflow.chat.messages']).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [toolCall] },
      { role: 'tool', tool_call_id: 'call_1', name: 'weather', content: '{"city":"Paris","sky":"sunny"}' },
      { role: 'assistant', content: 'Sunny in Paris.' },
    ]);
    expect(first!.attributes['mlflow.chat.tools']).toEqual([
      {
        type: 'function',
        function: {
          name: 'weather',
          description: 'Weather of a city',
          parameters: expect.objectContaining({ type: 'object', properties: { city: { type: 'string' } } }),
        },
      },
    ]);
  });

  it('records a provider 429 as ERROR spans with the status; the caller gets the AI SDK’s error unchanged', async () => {
    fake.enqueue('POST', CHAT, openaiError(429, 'Rate limit reached', 'rate_limit_exceeded'));
    const error = await traced.generateText({ model: openai.chat('gpt-4o-mini'), prompt: 'x', maxRetries: 0 }).catch((e: unknown) => e);
    expect(ai.APICallError.isInstance(error)).toBe(true);
    expect((error as ai.APICallError).statusCode).toBe(429);
    const spans = await h.spans();
    const [call, model] = [one(spans, 'generateText'), one(spans, 'generateText.doGenerate')];
    expect([call.status, model.status, model.attributes['http.response.status_code']]).toEqual(['ERROR', 'ERROR', 429]);
    expect(model.events.map((e) => e.name)).toContain('exception');
  });

  it('records each retry of the AI SDK as its own ERROR model span with the status', async () => {
    fake.enqueue('POST', CHAT, openaiError(429, 'Rate limit reached', 'rate_limit_exceeded'), openaiError(429, 'Rate limit reached', 'rate_limit_exceeded'));
    const error = await traced.generateText({ model: openai.chat('gpt-4o-mini'), prompt: 'x', maxRetries: 1 }).catch((e: unknown) => e);
    expect(ai.RetryError.isInstance(error)).toBe(true);
    const spans = await h.spans();
    expect(named(spans, 'generateText.doGenerate').map((s) => [s.status, s.attributes['http.response.status_code']])).toEqual([
      ['ERROR', 429],
      ['ERROR', 429],
    ]);
  });
});

describe('wrapAISDK: streamText', () => {
  it('records a Responses API stream read through textStream: chunks, time to first chunk, re-assembled text, usage', async () => {
    fake.enqueue('POST', '/v1/responses', responsesTurn({ content: 'A streamed answer in pieces.', usage: { prompt_tokens: 30, completion_tokens: 7 } }));
    const result = traced.streamText({ model: openai('gpt-4o'), prompt: 'Stream please', maxRetries: 0 });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe('A streamed answer in pieces.');
    expect((await result.usage).inputTokens).toBe(30);
    const spans = await h.spans();
    const [call, model] = [one(spans, 'streamText'), one(spans, 'streamText.doStream')];
    expect(model.parentId).toBe(call.spanId);
    expect([model.spanType, model.status]).toEqual(['CHAT_MODEL', 'OK']);
    expect(model.attributes['loupe.stream.chunks']).toBeGreaterThan(3);
    expect(model.events.map((e) => e.name)).toContain('loupe.stream.first_chunk');
    expect(model.outputs).toMatchObject({ text: 'A streamed answer in pieces.', finishReason: 'stop' });
    expect(model.attributes['mlflow.llm.model']).toBe('gpt-4o');
    expect(model.attributes['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 30, output_tokens: 7, total_tokens: 37 });
    expect(call.outputs).toMatchObject({ text: 'A streamed answer in pieces.' });
  });

  it('records a streamed tool loop read through fullStream, and one sent as a UI message stream response', async () => {
    fake.enqueue(
      'POST',
      CHAT,
      chatTurn({ toolCalls: [{ id: 'call_9', name: 'weather', arguments: { city: 'Oslo' } }] }),
      chatTurn({ content: 'Sunny in Oslo.' }),
    );
    const parts: string[] = [];
    const result = traced.streamText({
      model: openai.chat('gpt-4o-mini'),
      prompt: 'Oslo?',
      tools: { weather: weatherTool() },
      stopWhen: ai.stepCountIs(3),
      maxRetries: 0,
    });
    for await (const part of result.fullStream) parts.push(part.type);
    expect(parts).toEqual(expect.arrayContaining(['tool-call', 'tool-result', 'text-delta', 'finish']));
    let spans = await h.spans();
    const call = one(spans, 'streamText');
    expect(named(spans, 'streamText.doStream').map((s) => [s.parentId, s.status])).toEqual([
      [call.spanId, 'OK'],
      [call.spanId, 'OK'],
    ]);
    expect(one(spans, 'weather service').parentId).toBe(one(spans, 'weather').spanId);

    h.clear();
    const response = traced.streamText({ model: openai.chat('gpt-4o-mini'), prompt: 'ui please', maxRetries: 0 }).toUIMessageStreamResponse();
    expect(response).toBeInstanceOf(Response);
    expect(await response.text()).toContain('"delta":"Echo: ui"');
    spans = await h.spans();
    expect(one(spans, 'streamText.doStream').outputs).toMatchObject({ text: 'Echo: ui please' });
  });

  it('a stream the reader stops early ends its spans OK and cancelled', async () => {
    fake.enqueue('POST', CHAT, chatTurn({ content: 'a long answer that the reader of the stream cuts short' }));
    const result = traced.streamText({ model: openai.chat('gpt-4o-mini'), prompt: 'x', maxRetries: 0 });
    for await (const _ of result.textStream) break;
    const spans = await h.spans();
    for (const s of [one(spans, 'streamText'), one(spans, 'streamText.doStream')])
      expect([s.status, s.attributes['loupe.stream.cancelled']]).toEqual(['OK', true]);
  });

  it('records a 429 as ERROR spans with the status; the error reaches onError', async () => {
    fake.enqueue('POST', CHAT, openaiError(429, 'Rate limit reached', 'rate_limit_exceeded'));
    const errors: unknown[] = [];
    const result = traced.streamText({ model: openai.chat('gpt-4o-mini'), prompt: 'x', maxRetries: 0, onError: ({ error }) => void errors.push(error) });
    await result.consumeStream();
    expect(errors.map((e) => (e as ai.APICallError).statusCode)).toEqual([429]);
    const spans = await h.spans();
    const model = one(spans, 'streamText.doStream');
    expect([one(spans, 'streamText').status, model.status, model.attributes['http.response.status_code']]).toEqual(['ERROR', 'ERROR', 429]);
  });
});

describe('wrapAISDK: structured output, embeddings, telemetry settings', () => {
  const person = z.object({ name: z.string(), born: z.number() });

  it('records generateObject: the schema in the inputs, the object in the outputs, the JSON answer in the chat', async () => {
    fake.enqueue('POST', CHAT, chatTurn({ content: '{"name":"Ada Lovelace","born":1815}' }));
    const { object } = await traced.generateObject({
      model: openai.chat('gpt-4o-mini'),
      schema: person,
      schemaName: 'person',
      prompt: 'Who wrote the first program?',
      maxRetries: 0,
    });
    expect(object).toEqual({ name: 'Ada Lovelace', born: 1815 });
    const spans = await h.spans();
    const [call, model] = [one(spans, 'generateObject'), one(spans, 'generateObject.doGenerate')];
    expect(call.inputs).toMatchObject({
      prompt: 'Who wrote the first program?',
      schemaName: 'person',
      schema: { type: 'object', properties: { name: { type: 'string' }, born: { type: 'number' } } },
    });
    expect(call.outputs).toMatchObject({ object: { name: 'Ada Lovelace', born: 1815 } });
    expect(model.spanType).toBe('CHAT_MODEL');
    expect((model.attributes['mlflow.chat.messages'] as unknown[]).at(-1)).toEqual({ role: 'assistant', content: '{"name":"Ada Lovelace","born":1815}' });
    expect(model.attributes['mlflow.chat.tokenUsage']).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
    expect(fake.requests[0]!.json).toMatchObject({ response_format: { type: 'json_schema' } });
  });

  it('records streamObject read through partialObjectStream', async () => {
    fake.enqueue('POST', CHAT, chatTurn({ content: '{"name":"Grace Hopper","born":1906}' }));
    const result = traced.streamObject({ model: openai.chat('gpt-4o-mini'), schema: person, prompt: 'Who found the first bug?', maxRetries: 0 });
    let last: unknown;
    for await (const partial of result.partialObjectStream) last = partial;
    expect(last).toEqual({ name: 'Grace Hopper', born: 1906 });
    const spans = await h.spans();
    const model = one(spans, 'streamObject.doStream');
    expect(one(spans, 'streamObject').outputs).toMatchObject({ object: { name: 'Grace Hopper', born: 1906 } });
    expect([model.spanType, model.status, model.attributes['mlflow.llm.model']]).toEqual(['CHAT_MODEL', 'OK', 'gpt-4o-mini']);
    expect(model.attributes['loupe.stream.chunks']).toBeGreaterThan(2);
  });

  it('records embed and embedMany as EMBEDDING spans with model and usage', async () => {
    const { embedding } = await traced.embed({ model: openai.embedding('text-embedding-3-small'), value: 'sunny day', maxRetries: 0 });
    const { embeddings } = await traced.embedMany({ model: openai.embedding('text-embedding-3-small'), values: ['a', 'b'], maxRetries: 0 });
    expect([embedding.length, embeddings.length]).toEqual([8, 2]);
    const spans = await h.spans();
    const doEmbeds = [...named(spans, 'embed.doEmbed'), ...named(spans, 'embedMany.doEmbed')];
    expect(doEmbeds.map((s) => [s.spanType, s.attributes['mlflow.llm.model']])).toEqual([
      ['EMBEDDING', 'text-embedding-3-small'],
      ['EMBEDDING', 'text-embedding-3-small'],
    ]);
    expect(doEmbeds[0]!.attributes['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 3, output_tokens: 0, total_tokens: 3 });
    expect(one(spans, 'embed').inputs).toMatchObject({ value: 'sunny day' });
  });

  it('keeps functionId and metadata, skips calls with telemetry turned off, and loupeTelemetry() records unwrapped calls', async () => {
    await traced.generateText({
      model: openai.chat('gpt-4o-mini'),
      prompt: 'named',
      maxRetries: 0,
      experimental_telemetry: { functionId: 'greeter', metadata: { tenant: 'acme' } },
    });
    await traced.generateText({ model: openai.chat('gpt-4o-mini'), prompt: 'off', maxRetries: 0, experimental_telemetry: { isEnabled: false } });
    await ai.generateText({ model: openai.chat('gpt-4o-mini'), prompt: 'direct', maxRetries: 0, experimental_telemetry: loupeTelemetry({ loupe: h.loupe }) });
    const spans = await h.spans();
    expect(spans.map((s) => s.name).sort()).toEqual(['generateText', 'generateText.doGenerate', 'generateText.doGenerate', 'greeter']);
    expect(one(spans, 'greeter').attributes['ai.telemetry.metadata.tenant']).toBe('acme');
    expect(JSON.stringify(spans)).not.toContain('"off"');
  });
});

describe('loupeTelemetry with an agent', () => {
  it("wrapAISDK's ToolLoopAgent: each generate an AGENT span named after the agent over its model calls and tools, with the model's HTTP status on failure", async () => {
    fake.enqueue(
      'POST',
      CHAT,
      chatTurn({ toolCalls: [{ id: 'call_a', name: 'weather', arguments: { city: 'Oslo' } }], usage: { prompt_tokens: 100, completion_tokens: 10 } }),
      chatTurn({ content: 'Cold in Oslo.', usage: { prompt_tokens: 150, completion_tokens: 5 } }),
    );
    const agent = new traced.ToolLoopAgent({
      id: 'weather-agent',
      model: openai.chat('gpt-4o-mini'),
      instructions: 'You tell the weather.',
      tools: { weather: weatherTool() },
      maxRetries: 0,
    });
    const result = await agent.generate({ prompt: 'Oslo?' });
    expect(result.text).toBe('Cold in Oslo.');
    const spans = await h.spans();
    const root = one(spans, 'weather-agent');
    expect([root.spanType, root.status, root.parentId]).toEqual(['AGENT', 'OK', undefined]);
    expect(root.inputs).toMatchObject({ system: 'You tell the weather.', prompt: 'Oslo?' });
    expect(root.outputs).toMatchObject({ text: 'Cold in Oslo.' });
    const models = named(spans, 'generateText.doGenerate');
    expect(models.map((s) => [s.parentId, s.spanType])).toEqual([
      [root.spanId, 'CHAT_MODEL'],
      [root.spanId, 'CHAT_MODEL'],
    ]);
    expect(models.map((s) => s.attributes['mlflow.chat.tokenUsage'])).toMatchObject([
      { input_tokens: 100, output_tokens: 10 },
      { input_tokens: 150, output_tokens: 5 },
    ]);
    expect(one(spans, 'weather').parentId).toBe(root.spanId);
    expect(one(spans, 'weather service').parentId).toBe(one(spans, 'weather').spanId);

    h.clear();
    fake.enqueue('POST', CHAT, openaiError(429, 'Rate limit reached', 'rate_limit_exceeded'));
    await expect(agent.generate({ prompt: 'Oslo again?' })).rejects.toThrow('Rate limit reached');
    const failed = await h.spans();
    expect(one(failed, 'weather-agent').status).toBe('ERROR');
    expect(one(failed, 'generateText.doGenerate').attributes['http.response.status_code']).toBe(429);
  });

  it("wrapAISDK's ToolLoopAgent: a stream its reader stops early ends cancelled; telemetry turned off stays off", async () => {
    fake.enqueue('POST', CHAT, chatTurn({ content: 'A long answer in several chunks, more than one at least.' }));
    const agent = new traced.ToolLoopAgent({ model: openai.chat('gpt-4o-mini'), maxRetries: 0 });
    const result = await agent.stream({ prompt: 'Talk.' });
    for await (const _ of result.textStream) break;
    const spans = await h.spans();
    // No id: the span is named after the call.
    for (const s of [one(spans, 'streamText'), one(spans, 'streamText.doStream')])
      expect([s.status, s.attributes['loupe.stream.cancelled']]).toEqual(['OK', true]);
    expect(one(spans, 'streamText').spanType).toBe('AGENT');

    h.clear();
    const quiet = new traced.ToolLoopAgent({ model: openai.chat('gpt-4o-mini'), maxRetries: 0, experimental_telemetry: { isEnabled: false } });
    expect((await quiet.generate({ prompt: 'Hush.' })).text).toBe('Echo: Hush.');
    expect(await h.spans()).toEqual([]);
  });

  it('records a ToolLoopAgent given loupeTelemetry(): its steps and tool executions', async () => {
    fake.enqueue(
      'POST',
      CHAT,
      chatTurn({ toolCalls: [{ id: 'call_a', name: 'weather', arguments: { city: 'Rome' } }] }),
      chatTurn({ content: 'Sunny in Rome.' }),
    );
    const agent = new ai.ToolLoopAgent({
      model: openai.chat('gpt-4o-mini'),
      tools: { weather: weatherTool() },
      maxRetries: 0,
      experimental_telemetry: loupeTelemetry({ loupe: h.loupe }),
    });
    const result = await agent.generate({ prompt: 'Rome?' });
    expect(result.text).toBe('Sunny in Rome.');
    const spans = await h.spans();
    const call = one(spans, 'generateText');
    expect(named(spans, 'generateText.doGenerate').map((s) => s.parentId)).toEqual([call.spanId, call.spanId]);
    expect(one(spans, 'weather service').parentId).toBe(one(spans, 'weather').spanId);
  });
});

describe('wrapAISDK end to end', () => {
  it('stores the trace on the Loupe server: span tree, chat, usage and the summed cost', async () => {
    fake.enqueue(
      'POST',
      CHAT,
      chatTurn({ toolCalls: [{ id: 'call_1', name: 'weather', arguments: { city: 'Paris' } }], usage: { prompt_tokens: 2000, completion_tokens: 100 } }),
      chatTurn({ content: 'Sunny in Paris.', usage: { prompt_tokens: 3000, completion_tokens: 200, cached_tokens: 2000 } }),
    );
    const traceId = await h.loupe.withSpan(
      async (span) => {
        await traced.generateText({
          model: openai.chat('gpt-4o-mini'),
          prompt: 'Weather in Paris?',
          tools: { weather: weatherTool() },
          stopWhen: ai.stepCountIs(3),
          maxRetries: 0,
        });
        return span.traceId;
      },
      { name: 'weather agent', spanType: 'AGENT' },
    );
    const trace = await h.serverTrace(traceId);
    const byName = (name: string) => trace.spans.filter((s) => s.name === name);
    expect(trace.spans.map((s) => s.name).sort()).toEqual([
      'generateText',
      'generateText.doGenerate',
      'generateText.doGenerate',
      'weather',
      'weather agent',
      'weather service',
    ]);
    const [root, call, tool, inner] = [byName('weather agent')[0]!, byName('generateText')[0]!, byName('weather')[0]!, byName('weather service')[0]!];
    expect([call.parentId, tool.parentId, inner.parentId]).toEqual([root.spanId, call.spanId, tool.spanId]);
    expect(byName('generateText.doGenerate').map((s) => [s.parentId, s.spanType])).toEqual([
      [call.spanId, 'CHAT_MODEL'],
      [call.spanId, 'CHAT_MODEL'],
    ]);
    const roles = byName('generateText.doGenerate').map((s) => (s.attributes['mlflow.chat.messages'] as { role: string }[]).map((m) => m.role).join(','));
    expect(roles.sort()).toEqual(['user,assistant', 'user,assistant,tool,assistant']);
    expect(JSON.parse(trace.info.trace_metadata['mlflow.trace.tokenUsage']!)).toEqual({
      input_tokens: 5000,
      output_tokens: 300,
      total_tokens: 5300,
      cache_read_input_tokens: 2000,
    });
    // gpt-4o-mini: 3000 uncached input at $0.15 / M, 2000 cached at $0.075 / M, 300 output at $0.60 / M.
    const cost = JSON.parse(trace.info.trace_metadata['mlflow.trace.cost']!) as { total_cost: number };
    expect(cost.total_cost).toBeCloseTo((3000 * 0.15 + 2000 * 0.075 + 300 * 0.6) / 1e6, 10);
  });
});
