import { startFakeProvider, type FakeProvider } from '@loupe/fake-providers';
import { anthropicError, anthropicReply, anthropicStreamError, installAnthropic } from '@loupe/fake-providers/anthropic';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLlmEngine } from '../engine/llm-engine.js';
import { LlmError } from '../errors.js';
import { assemble, singleModelEndpoint, WEATHER_TOOL } from '../testing/endpoints.js';
import { collect, globalFetch, rejectionOf, ManualClock } from '../testing/test-kit.js';
import type { ChatRequest } from '../types.js';

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
  installAnthropic(fake);
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const engine = () => createLlmEngine({ fetch: globalFetch, clock: new ManualClock() });
const endpoint = () =>
  singleModelEndpoint({ provider: 'anthropic', modelName: 'claude-sonnet-4-5', credentials: { api_key: 'sk-ant' }, baseUrl: `${fake.url}/v1` });

/** A conversation after a tool call: the assistant's call, then the tool's result. */
const toolConversation: ChatRequest = {
  messages: [
    { role: 'system', content: 'You report weather.' },
    { role: 'user', content: 'Weather in Paris and Lyon?' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lyon"}' } },
      ],
    },
    { role: 'tool', tool_call_id: 'toolu_1', content: 'sunny' },
    { role: 'tool', tool_call_id: 'toolu_2', content: 'rain' },
  ],
  tools: [WEATHER_TOOL],
  tool_choice: 'required',
  temperature: 1,
  stop: 'END',
};

describe('anthropic adapter', () => {
  it('converts system, tool calls and tool results to the Messages shape', async () => {
    await engine().chat(endpoint(), toolConversation);
    const sent = fake.requests[0]!;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe('sk-ant');
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.json).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      system: 'You report weather.',
      // OpenAI's 0-2 temperature on Anthropic's 0-1 scale, as MLflow's gateway does.
      temperature: 0.5,
      stop_sequences: ['END'],
      tools: [{ name: 'get_weather', description: 'Weather of a city', input_schema: WEATHER_TOOL.function.parameters }],
      tool_choice: { type: 'any' },
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Lyon?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Lyon' } },
          ],
        },
        // Both results in one user turn: the API wants roles alternating.
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: 'rain' },
          ],
        },
      ],
    });
  });

  it('reads tool use, stop reason and usage with cache tokens into a chat.completion', async () => {
    fake.enqueue('POST', '/v1/messages', (req) =>
      anthropicReply(req, {
        text: 'Checking.',
        toolUses: [{ id: 'toolu_9', name: 'get_weather', input: { city: 'Oslo' } }],
        usage: { input_tokens: 100, output_tokens: 20, cache_read_input_tokens: 300, cache_creation_input_tokens: 50 },
      }),
    );
    const { completion, usage } = await engine().chat(endpoint(), { messages: [{ role: 'user', content: 'Oslo?' }], tools: [WEATHER_TOOL] });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [{ id: 'toolu_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }],
      },
      finish_reason: 'tool_calls',
    });
    expect(usage).toEqual({
      prompt_tokens: 450,
      completion_tokens: 20,
      total_tokens: 470,
      prompt_tokens_details: { cached_tokens: 300, cache_creation_tokens: 50 },
    });
  });

  it('maps max_tokens to length', async () => {
    fake.enqueue('POST', '/v1/messages', (req) => anthropicReply(req, { text: 'cut', stopReason: 'max_tokens' }));
    const { completion } = await engine().chat(endpoint(), { messages: [{ role: 'user', content: 'long' }], max_tokens: 1 });
    expect(fake.requests[0]!.json).toMatchObject({ max_tokens: 1 });
    expect(completion.choices[0]!.finish_reason).toBe('length');
  });

  it('streams text and tool input as chunks, usage in the last', async () => {
    fake.enqueue('POST', '/v1/messages', (req) =>
      anthropicReply(req, {
        thinking: 'hmm',
        text: 'Looking it up now.',
        toolUses: [{ id: 'toolu_s', name: 'get_weather', input: { city: 'Rome', unit: 'C' } }],
        usage: { input_tokens: 30, output_tokens: 15 },
      }),
    );
    const stream = await engine().chatStream(endpoint(), { messages: [{ role: 'user', content: 'Rome?' }], tools: [WEATHER_TOOL] });
    const chunks = await collect(stream.chunks);
    expect(fake.requests[0]!.json).toMatchObject({ stream: true });
    const answer = assemble(chunks);
    expect(answer.text).toBe('Looking it up now.');
    expect(answer.toolCalls).toEqual([{ id: 'toolu_s', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome","unit":"C"}' } }]);
    expect(answer.finish).toBe('tool_calls');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 30, completion_tokens: 15, total_tokens: 45 } });
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
  });

  it('ends a stream with an error when the API sends an error event after the answer began', async () => {
    fake.enqueue('POST', '/v1/messages', (req) => anthropicStreamError(req, { text: 'partial answer here' }, 4));
    const stream = await engine().chatStream(endpoint(), { messages: [{ role: 'user', content: 'x' }] });
    const seen: string[] = [];
    const failure = await rejectionOf(
      (async () => {
        for await (const chunk of stream.chunks) seen.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    );
    expect(failure).toBeInstanceOf(LlmError);
    expect(failure).toMatchObject({ kind: 'server', message: expect.stringContaining('overloaded_error') as unknown });
    expect(seen.join('')).toBe('partial ');
    expect((await stream.summary).error).toBe(failure);
  });

  it('refuses n other than 1 without calling the API', async () => {
    const failure = await rejectionOf<LlmError>(engine().chat(endpoint(), { messages: [{ role: 'user', content: 'x' }], n: 2 }));
    expect(failure).toMatchObject({ kind: 'client', status: 400, message: expect.stringContaining("'n' must be 1") as unknown });
    expect(fake.requests).toHaveLength(0);
  });

  it('passes a 400 through, and classifies 529 as retryable', async () => {
    fake.enqueue('POST', '/v1/messages', anthropicError(400, 'messages: at least one message is required'), anthropicError(529, 'Overloaded'));
    const e400 = await rejectionOf<LlmError>(engine().chat(endpoint(), { messages: [{ role: 'user', content: 'x' }] }));
    expect(e400).toMatchObject({ kind: 'client', status: 400, retryable: false });
    expect(e400.message).toContain('messages: at least one message is required');
    const e529 = await rejectionOf<LlmError>(engine().chat(endpoint(), { messages: [{ role: 'user', content: 'x' }] }));
    expect(e529).toMatchObject({ kind: 'server', status: 502, retryable: true });
  });
});
