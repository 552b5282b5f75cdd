import { startFakeProvider, type FakeProvider } from '@loupe/fake-providers';
import { chatTurn, installOpenAI, openaiError } from '@loupe/fake-providers/openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLlmEngine } from '../engine/llm-engine.js';
import { assemble, singleModelEndpoint, WEATHER_TOOL } from '../testing/endpoints.js';
import { collect, globalFetch, ManualClock } from '../testing/test-kit.js';

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
  installOpenAI(fake);
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const engine = () => createLlmEngine({ fetch: globalFetch, clock: new ManualClock() });
const endpoint = () => singleModelEndpoint({ provider: 'openai', modelName: 'gpt-4o-mini', credentials: { api_key: 'sk-test' }, baseUrl: `${fake.url}/v1` });

describe('openai adapter', () => {
  it('sends the request with the endpoint model and key, and reads a tool call and usage', async () => {
    fake.enqueue(
      'POST',
      '/v1/chat/completions',
      chatTurn({ toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }], usage: { prompt_tokens: 1000, completion_tokens: 200 } }),
    );
    const result = await engine().chat(endpoint(), {
      model: 'ignored',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Paris?' },
      ],
      tools: [WEATHER_TOOL],
      tool_choice: 'auto',
      temperature: 0.3,
      max_tokens: 50,
    });
    const sent = fake.requests[0]!;
    expect(sent.headers.authorization).toBe('Bearer sk-test');
    expect(sent.json).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.3, max_tokens: 50, tool_choice: 'auto', tools: [WEATHER_TOOL] });
    expect(sent.json).not.toHaveProperty('stream');
    const choice = result.completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.tool_calls).toEqual([{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
    expect(result.usage).toEqual({ prompt_tokens: 1000, completion_tokens: 200, total_tokens: 1200 });
    // gpt-4o-mini: $0.15 in, $0.60 out per 1M tokens.
    expect(result.cost).toEqual({ input_cost: 0.00015, output_cost: 0.00012, total_cost: 0.00027 });
    expect(result.servedBy).toEqual({ provider: 'openai', modelName: 'gpt-4o-mini', linkage: 'PRIMARY' });
  });

  it('streams text and tool calls as chunks, asks for usage and ends with it', async () => {
    fake.enqueue(
      'POST',
      '/v1/chat/completions',
      chatTurn({
        content: 'Let me check the weather.',
        toolCalls: [{ id: 'call_9', name: 'get_weather', arguments: { city: 'Lyon' } }],
        usage: { prompt_tokens: 40, completion_tokens: 12, cached_tokens: 8 },
      }),
    );
    const stream = await engine().chatStream(endpoint(), { messages: [{ role: 'user', content: 'Weather?' }], tools: [WEATHER_TOOL] });
    const chunks = await collect(stream.chunks);
    expect(fake.requests[0]!.json).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    const answer = assemble(chunks);
    expect(answer.text).toBe('Let me check the weather.');
    expect(answer.toolCalls).toEqual([{ id: 'call_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lyon"}' } }]);
    expect(answer.finish).toBe('tool_calls');
    expect(chunks.at(-1)!.usage).toEqual({ prompt_tokens: 40, completion_tokens: 12, total_tokens: 52, prompt_tokens_details: { cached_tokens: 8 } });
    const summary = await stream.summary;
    expect(summary.usage?.total_tokens).toBe(52);
    expect(summary.cost?.total_cost).toBeGreaterThan(0);
    expect(summary.error).toBeUndefined();
  });

  it('passes a 400 through with the provider status and message', async () => {
    fake.enqueue('POST', '/v1/chat/completions', openaiError(400, "Unsupported parameter: 'foo'"));
    await expect(engine().chat(endpoint(), { messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      kind: 'client',
      status: 400,
      message: expect.stringContaining("Unsupported parameter: 'foo'") as unknown,
    });
  });
});
