import { startFakeProvider, type FakeProvider } from '@loupe/fake-providers';
import { anthropicReply, installAnthropic } from '@loupe/fake-providers/anthropic';
import { chatTurn, installOpenAI, openaiError } from '@loupe/fake-providers/openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LlmError } from '../errors.js';
import type { LlmFetch } from '../transport.js';
import { assemble } from '../testing/endpoints.js';
import { collect, globalFetch, rejectionOf, ManualClock, refusedUrl } from '../testing/test-kit.js';
import { createLlmEngine, LlmInvocationError } from './llm-engine.js';
import type { EndpointModel, ResolvedEndpoint } from './routing.js';

let fake: FakeProvider;
let deadUrl: string;
beforeAll(async () => {
  fake = await startFakeProvider();
  installOpenAI(fake);
  installAnthropic(fake);
  deadUrl = await refusedUrl();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const OPENAI = '/v1/chat/completions';
const ANTHROPIC = '/v1/messages';
const ask = { messages: [{ role: 'user' as const, content: 'Hello' }] };

function openai(modelName: string, extra: Partial<EndpointModel> = {}): EndpointModel {
  return { provider: 'openai', modelName, credentials: { api_key: 'k' }, baseUrl: `${fake.url}/v1`, linkage: 'PRIMARY', weight: 1, ...extra };
}
function anthropic(modelName: string, extra: Partial<EndpointModel> = {}): EndpointModel {
  return {
    provider: 'anthropic',
    modelName,
    credentials: { api_key: 'k' },
    baseUrl: `${fake.url}/v1`,
    linkage: 'FALLBACK',
    weight: 0,
    fallbackOrder: 1,
    ...extra,
  };
}
const endpointOf = (...models: EndpointModel[]): ResolvedEndpoint => ({ name: 'chat', models });

describe('fallback', () => {
  it.each([
    [429, 'rate_limited'],
    [500, 'server'],
  ])('falls back to the FALLBACK model on a %i', async (status, kind) => {
    fake.enqueue('POST', OPENAI, openaiError(status, 'provider trouble'));
    fake.enqueue('POST', ANTHROPIC, (req) => anthropicReply(req, { text: 'from claude' }));
    const engine = createLlmEngine({ fetch: globalFetch, clock: new ManualClock() });
    const result = await engine.chat(endpointOf(openai('gpt-4o-mini'), anthropic('claude-sonnet-4-5')), ask);
    expect(result.completion.choices[0]!.message.content).toBe('from claude');
    expect(result.servedBy).toEqual({ provider: 'anthropic', modelName: 'claude-sonnet-4-5', linkage: 'FALLBACK' });
    expect(result.attempts.map((a) => [a.provider, a.ok, a.error?.kind])).toEqual([
      ['openai', false, kind],
      ['anthropic', true, undefined],
    ]);
    expect(fake.requests.map((r) => r.path)).toEqual([OPENAI, ANTHROPIC]);
    expect(result.cost).toBeDefined();
  });

  it('falls back when the primary refuses the connection', async () => {
    fake.enqueue('POST', ANTHROPIC, (req) => anthropicReply(req, { text: 'still here' }));
    const engine = createLlmEngine({ fetch: globalFetch, clock: new ManualClock() });
    const result = await engine.chat(endpointOf(openai('gpt-4o-mini', { baseUrl: `${deadUrl}/v1` }), anthropic('claude-sonnet-4-5')), ask);
    expect(result.completion.choices[0]!.message.content).toBe('still here');
    expect(result.attempts[0]).toMatchObject({ provider: 'openai', ok: false, error: { kind: 'connection', status: 502 } });
  });

  it('does not fall back when the transport refuses the address (an SSRF guard)', async () => {
    const refusing: LlmFetch = () => Promise.reject(Object.assign(new Error('Refused to connect to 10.0.0.1: not a public address'), { kind: 'refused' }));
    const engine = createLlmEngine({ fetch: refusing, clock: new ManualClock() });
    const failure = await rejectionOf<LlmInvocationError>(engine.chat(endpointOf(openai('gpt-4o-mini'), anthropic('claude-sonnet-4-5')), ask));
    expect(failure).toMatchObject({ kind: 'configuration', status: 502, message: expect.stringContaining('not a public address') as unknown });
    expect(failure.attempts).toHaveLength(1);
  });

  it('does not fall back on a 400: the client error comes back with the provider status', async () => {
    fake.enqueue('POST', OPENAI, openaiError(400, "Invalid value for 'temperature'"));
    const engine = createLlmEngine({ fetch: globalFetch, clock: new ManualClock() });
    const failure = await rejectionOf<LlmInvocationError>(engine.chat(endpointOf(openai('gpt-4o-mini'), anthropic('claude-sonnet-4-5')), ask));
    expect(failure).toBeInstanceOf(LlmInvocationError);
    expect(failure).toMatchObject({ kind: 'client', status: 400 });
    expect(failure.message).toContain("Invalid value for 'temperature'");
    expect(failure.attempts).toHaveLength(1);
    expect(fake.requests.map((r) => r.path)).toEqual([OPENAI]);
  });

  it('tries FALLBACK models by fallbackOrder, and reports every attempt when all fail', async () => {
    fake.enqueue('POST', OPENAI, openaiError(500, 'primary down'), openaiError(503, 'second down'), openaiError(429, 'third limited'));
    const engine = createLlmEngine({ fetch: globalFetch, clock: new ManualClock() });
    const endpoint = endpointOf(
      openai('gpt-4o-mini'),
      openai('gpt-4.1-mini', { linkage: 'FALLBACK', fallbackOrder: 2 }),
      openai('gpt-4.1-nano', { linkage: 'FALLBACK', fallbackOrder: 1 }),
    );
    const failure = await rejectionOf<LlmInvocationError>(engine.chat(endpoint, ask));
    expect(fake.requests.map((r) => (r.json as { model: string }).model)).toEqual(['gpt-4o-mini', 'gpt-4.1-nano', 'gpt-4.1-mini']);
    expect(failure.attempts.map((a) => a.error?.kind)).toEqual(['server', 'server', 'rate_limited']);
    expect(failure).toMatchObject({ kind: 'rate_limited', status: 429 });
  });

  it('falls back on a per-attempt timeout measured on the injected clock', async () => {
    const clock = new ManualClock();
    fake.enqueue('POST', OPENAI, { json: {}, delayMs: 2000 });
    fake.enqueue('POST', ANTHROPIC, (req) => anthropicReply(req, { text: 'on time' }));
    const engine = createLlmEngine({ fetch: globalFetch, clock, timeoutMs: 30_000 });
    const pending = engine.chat(endpointOf(openai('gpt-4o-mini'), anthropic('claude-sonnet-4-5')), ask);
    await vi.waitFor(() => expect(fake.requests).toHaveLength(1));
    clock.advance(30_000);
    const result = await pending;
    expect(result.completion.choices[0]!.message.content).toBe('on time');
    expect(result.attempts[0]).toMatchObject({ ok: false, durationMs: 30_000, error: { kind: 'timeout', status: 504 } });
  });

  it('stops at once when the caller aborts, without falling back', async () => {
    fake.enqueue('POST', OPENAI, { json: {}, delayMs: 2000 });
    const engine = createLlmEngine({ fetch: globalFetch, clock: new ManualClock() });
    const controller = new AbortController();
    const pending = engine.chat(endpointOf(openai('gpt-4o-mini'), anthropic('claude-sonnet-4-5')), ask, { signal: controller.signal });
    await vi.waitFor(() => expect(fake.requests).toHaveLength(1));
    controller.abort(new Error('client went away'));
    await expect(pending).rejects.toThrow('client went away');
    expect(fake.requests).toHaveLength(1);
  });
});

describe('streaming fallback', () => {
  it('falls back when the primary fails before its first chunk', async () => {
    fake.enqueue('POST', OPENAI, openaiError(500, 'down'));
    fake.enqueue('POST', ANTHROPIC, (req) => anthropicReply(req, { text: 'streamed by claude' }));
    const engine = createLlmEngine({ fetch: globalFetch, clock: new ManualClock() });
    const stream = await engine.chatStream(endpointOf(openai('gpt-4o-mini'), anthropic('claude-sonnet-4-5')), ask);
    expect(stream.servedBy.provider).toBe('anthropic');
    expect(assemble(await collect(stream.chunks)).text).toBe('streamed by claude');
  });

  it('does not fall back once the stream has started: the break surfaces as an error', async () => {
    // The fake paces its events so the first ones reach us before it drops the connection.
    fake.enqueue('POST', OPENAI, (req) => ({ ...(chatTurn({ content: 'This answer will be cut off' })(req) as object), hangupAfter: 3, delayMs: 5 }) as never);
    const engine = createLlmEngine({ fetch: globalFetch, clock: new ManualClock() });
    const stream = await engine.chatStream(endpointOf(openai('gpt-4o-mini'), anthropic('claude-sonnet-4-5')), ask);
    expect(stream.servedBy.provider).toBe('openai');
    const seen: string[] = [];
    const failure = await rejectionOf<LlmError>(
      (async () => {
        for await (const chunk of stream.chunks) seen.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    );
    expect(failure).toMatchObject({ kind: 'connection' });
    expect(seen.length).toBeGreaterThan(0);
    expect('This answer will be cut off'.startsWith(seen.join(''))).toBe(true);
    expect(seen.join('')).not.toBe('This answer will be cut off');
    expect(fake.requests.map((r) => r.path)).toEqual([OPENAI]);
    expect((await stream.summary).error).toBe(failure);
  });

  it('applies the time limit to the start of a stream only: a long answer is not cut off', async () => {
    const clock = new ManualClock();
    fake.enqueue('POST', OPENAI, (req) => ({ ...(chatTurn({ content: 'A long and slow answer' })(req) as object), delayMs: 5 }) as never);
    const engine = createLlmEngine({ fetch: globalFetch, clock, timeoutMs: 1000 });
    const stream = await engine.chatStream(endpointOf(openai('gpt-4o-mini')), ask);
    let text = '';
    for await (const chunk of stream.chunks) {
      text += chunk.choices[0]?.delta.content ?? '';
      clock.advance(5000);
    }
    expect(text).toBe('A long and slow answer');
    expect((await stream.summary).error).toBeUndefined();
  });
});

describe('leaving a stream', () => {
  it.each([
    ['before reading any chunk', 0],
    ['after the first chunk', 1],
  ])('stops the answer and settles the summary when the consumer leaves %s', async (_when, read) => {
    fake.enqueue('POST', OPENAI, (req) => ({ ...(chatTurn({ content: 'An answer nobody reads to the end' })(req) as object), delayMs: 5 }) as never);
    const engine = createLlmEngine({ fetch: globalFetch, clock: new ManualClock() });
    const stream = await engine.chatStream(endpointOf(openai('gpt-4o-mini')), ask);
    const iterator = stream.chunks[Symbol.asyncIterator]();
    for (let i = 0; i < read; i++) await iterator.next();
    await iterator.return?.();
    expect(await stream.summary).toEqual({ usage: undefined, cost: undefined, error: undefined });
    expect((await iterator.next()).done).toBe(true);
  });
});

describe('weighted routing', () => {
  it('sends the primary chosen by the injected random source', async () => {
    const endpoint = endpointOf(openai('gpt-4o-mini', { weight: 1 }), openai('gpt-4.1-mini', { weight: 3 }));
    for (const [random, model] of [
      [0.1, 'gpt-4o-mini'],
      [0.3, 'gpt-4.1-mini'],
      [0.99, 'gpt-4.1-mini'],
    ] as const) {
      fake.reset();
      const engine = createLlmEngine({ fetch: globalFetch, clock: new ManualClock(), random: () => random });
      const { servedBy } = await engine.chat(endpoint, ask);
      expect(servedBy.modelName).toBe(model);
      expect((fake.requests[0]!.json as { model: string }).model).toBe(model);
    }
  });
});

describe('endpoint rate limit', () => {
  it('refuses calls beyond the limit without calling a provider, and lets them through as tokens refill', async () => {
    const clock = new ManualClock();
    const engine = createLlmEngine({ fetch: globalFetch, clock });
    const endpoint: ResolvedEndpoint = { ...endpointOf(openai('gpt-4o-mini')), rateLimit: { calls: 2, renewalPeriodMs: 1000 } };
    await engine.chat(endpoint, ask);
    await engine.chat(endpoint, ask);
    const refused = await rejectionOf<LlmInvocationError>(engine.chat(endpoint, ask));
    expect(refused).toMatchObject({ kind: 'endpoint_rate_limited', status: 429, retryAfterMs: 500, attempts: [] });
    expect(fake.requests).toHaveLength(2);
    clock.advance(499);
    await expect(engine.chat(endpoint, ask)).rejects.toMatchObject({ kind: 'endpoint_rate_limited', retryAfterMs: 1 });
    clock.advance(1);
    await engine.chat(endpoint, ask);
    expect(fake.requests).toHaveLength(3);
    // Another endpoint has its own bucket.
    await engine.chat({ ...endpoint, name: 'other' }, ask);
    expect(fake.requests).toHaveLength(4);
  });
});
