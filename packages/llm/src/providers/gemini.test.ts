import { startFakeProvider, type FakeProvider } from '@loupe/fake-providers';
import { GEMINI_GENERATE, geminiError, geminiTurn, installGemini } from '@loupe/fake-providers/gemini';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLlmEngine } from '../engine/llm-engine.js';
import type { LlmError } from '../errors.js';
import { assemble, singleModelEndpoint, WEATHER_TOOL } from '../testing/endpoints.js';
import { collect, globalFetch, rejectionOf, ManualClock } from '../testing/test-kit.js';

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
  installGemini(fake);
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const engine = () => createLlmEngine({ fetch: globalFetch, clock: new ManualClock() });
const endpoint = () =>
  singleModelEndpoint({ provider: 'gemini', modelName: 'gemini-2.5-flash', credentials: { api_key: 'g-key' }, baseUrl: `${fake.url}/v1beta` });

describe('gemini adapter', () => {
  it('converts system, tool calls, tool results and options to generateContent', async () => {
    await engine().chat(endpoint(), {
      messages: [
        { role: 'system', content: 'You report weather.' },
        { role: 'user', content: 'Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: '{"sky":"clear"}' },
      ],
      tools: [WEATHER_TOOL],
      tool_choice: 'required',
      temperature: 0.4,
      max_tokens: 99,
      stop: 'END',
      response_format: { type: 'json_schema', json_schema: { name: 'w', schema: { type: 'object' } } },
    });
    const sent = fake.requests[0]!;
    expect(sent.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(sent.headers['x-goog-api-key']).toBe('g-key');
    expect(sent.json).toEqual({
      systemInstruction: { parts: [{ text: 'You report weather.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Paris?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] },
        // The result is named after the call it answers (Gemini matches them by name).
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { sky: 'clear' } } }] },
      ],
      generationConfig: {
        temperature: 0.4,
        maxOutputTokens: 99,
        stopSequences: ['END'],
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object' },
      },
      tools: [{ functionDeclarations: [{ name: 'get_weather', description: 'Weather of a city', parametersJsonSchema: WEATHER_TOOL.function.parameters }] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY' } },
    });
  });

  it('reads function calls as tool calls, STOP with calls as tool_calls, usage with thoughts as output', async () => {
    fake.enqueue(
      'POST',
      GEMINI_GENERATE,
      geminiTurn({
        thought: 'thinking...',
        text: 'Checking.',
        functionCalls: [{ id: 'fc-1', name: 'get_weather', args: { city: 'Nice' } }],
        usage: { promptTokenCount: 50, candidatesTokenCount: 10, thoughtsTokenCount: 5, cachedContentTokenCount: 20 },
      }),
    );
    const { completion, usage } = await engine().chat(endpoint(), { messages: [{ role: 'user', content: 'Nice?' }], tools: [WEATHER_TOOL] });
    expect(completion.model).toBe('gemini-2.5-flash-001');
    expect(completion.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [{ id: 'fc-1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Nice"}' } }],
      },
      finish_reason: 'tool_calls',
    });
    expect(usage).toEqual({ prompt_tokens: 50, completion_tokens: 15, total_tokens: 65, prompt_tokens_details: { cached_tokens: 20 } });
  });

  it('maps MAX_TOKENS to length', async () => {
    fake.enqueue('POST', GEMINI_GENERATE, geminiTurn({ text: 'cut', finishReason: 'MAX_TOKENS' }));
    const { completion } = await engine().chat(endpoint(), { messages: [{ role: 'user', content: 'x' }] });
    expect(completion.choices[0]!.finish_reason).toBe('length');
  });

  it('streams over SSE: text pieces, whole function calls, usage from the last event', async () => {
    fake.enqueue(
      'POST',
      GEMINI_GENERATE,
      geminiTurn({
        text: 'Looking that up.',
        functionCalls: [{ name: 'get_weather', args: { city: 'Bari' } }],
        usage: { promptTokenCount: 12, candidatesTokenCount: 8 },
      }),
    );
    const stream = await engine().chatStream(endpoint(), { messages: [{ role: 'user', content: 'Bari?' }], tools: [WEATHER_TOOL] });
    const chunks = await collect(stream.chunks);
    const sent = fake.requests[0]!;
    expect(sent.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent');
    expect(sent.query.get('alt')).toBe('sse');
    const answer = assemble(chunks);
    expect(answer.text).toBe('Looking that up.');
    expect(answer.toolCalls).toHaveLength(1);
    expect(answer.toolCalls[0]!.function).toEqual({ name: 'get_weather', arguments: '{"city":"Bari"}' });
    expect(answer.toolCalls[0]!.id).not.toBe('');
    expect(answer.finish).toBe('tool_calls');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 } });
  });

  it('passes INVALID_ARGUMENT through as 400 and RESOURCE_EXHAUSTED as a retryable 429', async () => {
    fake.enqueue('POST', GEMINI_GENERATE, geminiError(400, 'Invalid JSON payload received.'), geminiError(429, 'Resource has been exhausted.'));
    const e400 = await rejectionOf<LlmError>(engine().chat(endpoint(), { messages: [{ role: 'user', content: 'x' }] }));
    expect(e400).toMatchObject({ kind: 'client', status: 400 });
    expect(e400.message).toContain('Invalid JSON payload received.');
    const e429 = await rejectionOf<LlmError>(engine().chat(endpoint(), { messages: [{ role: 'user', content: 'x' }] }));
    expect(e429).toMatchObject({ kind: 'rate_limited', retryable: true });
  });
});
