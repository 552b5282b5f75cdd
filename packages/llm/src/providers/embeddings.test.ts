import { startFakeProvider, type FakeProvider } from '@loupe/fake-providers';
import { GEMINI_EMBED, geminiError, installGemini } from '@loupe/fake-providers/gemini';
import { installOpenAI } from '@loupe/fake-providers/openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLlmEngine } from '../engine/llm-engine.js';
import type { EndpointModel } from '../engine/routing.js';
import type { LlmError } from '../errors.js';
import { singleModelEndpoint } from '../testing/endpoints.js';
import { globalFetch, ManualClock, rejectionOf } from '../testing/test-kit.js';

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
  installOpenAI(fake);
  installGemini(fake);
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const engine = () => createLlmEngine({ fetch: globalFetch, clock: new ManualClock() });
const openai = { provider: 'openai', modelName: 'text-embedding-3-small', credentials: { api_key: 'k' } } as const;
const gemini = { provider: 'gemini', modelName: 'gemini-embedding-001', credentials: { api_key: 'g' } } as const;

describe('embeddings', () => {
  it('OpenAI: sends the endpoint model, asks for floats, returns vectors in order with usage', async () => {
    const { response, servedBy } = await engine().embeddings(singleModelEndpoint({ ...openai, baseUrl: `${fake.url}/v1` }), {
      input: ['first', 'second'],
      dimensions: 4,
      model: 'ignored',
    });
    expect(fake.requests[0]!.json).toEqual({ input: ['first', 'second'], dimensions: 4, model: 'text-embedding-3-small', encoding_format: 'float' });
    expect(response.data.map((d) => [d.index, d.embedding.length])).toEqual([
      [0, 4],
      [1, 4],
    ]);
    expect(response.data[0]!.embedding).not.toEqual(response.data[1]!.embedding);
    expect(response.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
    expect(servedBy.modelName).toBe('text-embedding-3-small');
  });

  it('Gemini: one batchEmbedContents request for every input, vectors back in OpenAI’s shape', async () => {
    const { response } = await engine().embeddings(singleModelEndpoint({ ...gemini, baseUrl: `${fake.url}/v1beta` }), {
      input: ['a', 'b', 'c'],
      dimensions: 3,
    });
    const sent = fake.requests[0]!;
    expect(sent.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(sent.json).toEqual({
      requests: ['a', 'b', 'c'].map((text) => ({ model: 'models/gemini-embedding-001', content: { parts: [{ text }] }, outputDimensionality: 3 })),
    });
    expect(response.data.map((d) => [d.index, d.embedding.length])).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
    ]);
  });

  it('falls back from a rate-limited Gemini model to OpenAI', async () => {
    fake.enqueue('POST', GEMINI_EMBED, geminiError(429, 'Quota exceeded.'));
    const models: EndpointModel[] = [
      { ...gemini, baseUrl: `${fake.url}/v1beta`, linkage: 'PRIMARY', weight: 1 },
      { ...openai, baseUrl: `${fake.url}/v1`, linkage: 'FALLBACK', weight: 0, fallbackOrder: 1 },
    ];
    const result = await engine().embeddings({ name: 'embed', models }, { input: 'hello' });
    expect(result.servedBy.provider).toBe('openai');
    expect(result.attempts.map((a) => a.error?.kind)).toEqual(['rate_limited', undefined]);
  });

  it('refuses a provider without embeddings', async () => {
    const failure = await rejectionOf<LlmError>(
      engine().embeddings(singleModelEndpoint({ provider: 'anthropic', modelName: 'claude-sonnet-4-5', credentials: { api_key: 'k' } }), { input: 'x' }),
    );
    expect(failure).toMatchObject({ kind: 'configuration', message: "provider 'anthropic' has no embeddings" });
  });
});
