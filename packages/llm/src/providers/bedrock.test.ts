import { startFakeProvider, type FakeProvider } from '@loupe/fake-providers';
import {
  bedrockError,
  bedrockEvent,
  bedrockPath,
  bedrockStreamException,
  converseResponse,
  converseStreamFrames,
  eventStreamReply,
  installBedrock,
} from '@loupe/fake-providers/bedrock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLlmEngine } from '../engine/llm-engine.js';
import { LlmError } from '../errors.js';
import { awsReferenceAuthorization } from '../testing/aws-signer.js';
import { assemble, singleModelEndpoint, WEATHER_TOOL } from '../testing/endpoints.js';
import { collect, globalFetch, rejectionOf, ManualClock } from '../testing/test-kit.js';

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
  installBedrock(fake);
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const credentials = { aws_access_key_id: 'AKIDEXAMPLE', aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', aws_session_token: 'session-token' };
const clock = () => new ManualClock(Date.UTC(2026, 11, 1, 12, 0, 0));
const engine = () => createLlmEngine({ fetch: globalFetch, clock: clock() });
const endpoint = () => singleModelEndpoint({ provider: 'bedrock', modelName: MODEL, credentials, authConfig: { aws_region: 'us-west-2' }, baseUrl: fake.url });

describe('bedrock adapter', () => {
  it('signs Converse with SigV4 as AWS’s own signer does, and converts the conversation', async () => {
    await engine().chat(endpoint(), {
      messages: [
        { role: 'system', content: 'You report weather.' },
        { role: 'user', content: 'Paris?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [{ id: 'tu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'tu_1', content: 'sunny' },
      ],
      tools: [WEATHER_TOOL],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      temperature: 0.2,
      max_tokens: 64,
      stop: ['END'],
    });
    const sent = fake.requests[0]!;
    expect(sent.path).toBe(`/model/${encodeURIComponent(MODEL)}/converse`);
    expect(sent.headers['x-amz-date']).toBe('20261201T120000Z');
    expect(sent.headers['x-amz-security-token']).toBe('session-token');
    const expected = await awsReferenceAuthorization({
      url: `${fake.url}${sent.path}`,
      body: sent.body.toString('utf8'),
      region: 'us-west-2',
      credentials: { accessKeyId: credentials.aws_access_key_id, secretAccessKey: credentials.aws_secret_access_key, sessionToken: 'session-token' },
      at: new Date(Date.UTC(2026, 11, 1, 12, 0, 0)),
    });
    expect(sent.headers.authorization).toBe(expected);
    expect(sent.json).toEqual({
      system: [{ text: 'You report weather.' }],
      messages: [
        { role: 'user', content: [{ text: 'Paris?' }] },
        { role: 'assistant', content: [{ text: 'Checking.' }, { toolUse: { toolUseId: 'tu_1', name: 'get_weather', input: { city: 'Paris' } } }] },
        { role: 'user', content: [{ toolResult: { toolUseId: 'tu_1', content: [{ text: 'sunny' }] } }] },
      ],
      inferenceConfig: { maxTokens: 64, temperature: 0.2, stopSequences: ['END'] },
      toolConfig: {
        tools: [{ toolSpec: { name: 'get_weather', description: 'Weather of a city', inputSchema: { json: WEATHER_TOOL.function.parameters } } }],
        toolChoice: { tool: { name: 'get_weather' } },
      },
    });
  });

  it('sends a Bedrock API key as a bearer token instead of signing', async () => {
    const ep = singleModelEndpoint({ provider: 'bedrock', modelName: MODEL, credentials: { api_key: 'bedrock-key' }, baseUrl: fake.url });
    await engine().chat(ep, { messages: [{ role: 'user', content: 'hi' }] });
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer bedrock-key');
  });

  it('reads a Converse tool use, stop reason and usage', async () => {
    fake.enqueue('POST', bedrockPath('converse'), (req) => ({
      json: converseResponse(req, {
        toolUses: [{ toolUseId: 'tu_7', name: 'get_weather', input: { city: 'Bergen' } }],
        usage: { inputTokens: 70, outputTokens: 9, cacheReadInputTokens: 30 },
      }),
    }));
    const { completion, usage } = await engine().chat(endpoint(), { messages: [{ role: 'user', content: 'Bergen?' }], tools: [WEATHER_TOOL] });
    expect(completion.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'tu_7', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Bergen"}' } }],
      },
      finish_reason: 'tool_calls',
    });
    expect(usage).toEqual({ prompt_tokens: 100, completion_tokens: 9, total_tokens: 109, prompt_tokens_details: { cached_tokens: 30 } });
  });

  it('decodes ConverseStream event-stream frames into chunks with tool calls, usage last', async () => {
    fake.enqueue('POST', bedrockPath('converse-stream'), (req) =>
      eventStreamReply(
        converseStreamFrames(req, {
          text: 'Let me look.',
          toolUses: [{ toolUseId: 'tu_s', name: 'get_weather', input: { city: 'Porto', days: 3 } }],
          usage: { inputTokens: 25, outputTokens: 14 },
        }),
      ),
    );
    const stream = await engine().chatStream(endpoint(), { messages: [{ role: 'user', content: 'Porto?' }], tools: [WEATHER_TOOL] });
    const chunks = await collect(stream.chunks);
    expect(fake.requests[0]!.path).toBe(`/model/${encodeURIComponent(MODEL)}/converse-stream`);
    const answer = assemble(chunks);
    expect(answer.text).toBe('Let me look.');
    expect(answer.toolCalls).toEqual([{ id: 'tu_s', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Porto","days":3}' } }]);
    expect(answer.finish).toBe('tool_calls');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 25, completion_tokens: 14, total_tokens: 39 } });
  });

  it('ends the stream with an error on an exception frame mid-stream', async () => {
    fake.enqueue('POST', bedrockPath('converse-stream'), () =>
      eventStreamReply([
        bedrockEvent('messageStart', { role: 'assistant' }),
        bedrockEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hal' } }),
        bedrockStreamException('modelStreamErrorException', 'The model stopped'),
      ]),
    );
    const stream = await engine().chatStream(endpoint(), { messages: [{ role: 'user', content: 'x' }] });
    const failure = await rejectionOf(collect(stream.chunks));
    expect(failure).toBeInstanceOf(LlmError);
    expect(failure).toMatchObject({ kind: 'server', message: expect.stringContaining('The model stopped') as unknown });
  });

  it('passes a ValidationException through as 400 and classifies throttling as retryable', async () => {
    fake.enqueue(
      'POST',
      bedrockPath('converse'),
      bedrockError(400, 'ValidationException', 'Malformed input request'),
      bedrockError(429, 'ThrottlingException', 'Too many requests'),
    );
    const e400 = await rejectionOf<LlmError>(engine().chat(endpoint(), { messages: [{ role: 'user', content: 'x' }] }));
    expect(e400).toMatchObject({ kind: 'client', status: 400 });
    expect(e400.message).toContain('Malformed input request');
    const e429 = await rejectionOf<LlmError>(engine().chat(endpoint(), { messages: [{ role: 'user', content: 'x' }] }));
    expect(e429).toMatchObject({ kind: 'rate_limited', status: 429, retryable: true });
  });
});
