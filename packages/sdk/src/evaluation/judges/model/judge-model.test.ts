import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { installFakeJudge, startFakeProvider, type FakeJudge, type FakeProvider } from '@loupe/fake-providers';
import { openaiError } from '@loupe/fake-providers/openai';
import { fakeModelOptions, recordedSleeps } from '../testing/judge-fixtures.js';
import { JudgeModelError } from './http.js';
import { judgeModel, parseModelUri } from './judge-model.js';
import { resolveProviderSettings } from './provider-settings.js';
import { createRateLimiter } from './rate-limiter.js';
import { signAwsRequest } from '@loupe/llm';

/** The hash constructor AWS's signer takes, over node:crypto. */
class NodeSha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: unknown) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', typeof secret === 'string' ? secret : Buffer.from(secret as Uint8Array));
  }
  update(data: string | Uint8Array) {
    this.h.update(data);
  }
  digest() {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
}

const ask = { system: 'You judge.', messages: [{ role: 'user' as const, content: 'Is the sky blue?' }] };

let fake: FakeProvider;
let judge: FakeJudge;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  judge = installFakeJudge(fake);
});

describe('model URIs and provider settings', () => {
  it('reads MLflow-style URIs and refuses malformed ones', () => {
    expect(parseModelUri('openai:/gpt-4o-mini')).toEqual({ provider: 'openai', model: 'gpt-4o-mini' });
    expect(parseModelUri('bedrock:/anthropic.claude-3-5-haiku-20241022-v1:0')).toEqual({
      provider: 'bedrock',
      model: 'anthropic.claude-3-5-haiku-20241022-v1:0',
    });
    expect(parseModelUri('anthropic/claude-sonnet-4-5')).toEqual({ provider: 'anthropic', model: 'claude-sonnet-4-5' });
    expect(() => parseModelUri('gpt-4o')).toThrow(/not a model URI/);
  });

  it('takes keys from options, then the environment, and says which variable is missing', () => {
    expect(resolveProviderSettings('openai', {}, { OPENAI_API_KEY: 'sk-env' })).toMatchObject({ baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-env' });
    expect(resolveProviderSettings('openai', { apiKey: 'sk-opt' }, { OPENAI_API_KEY: 'sk-env' }).apiKey).toBe('sk-opt');
    expect(() => resolveProviderSettings('anthropic', {}, {})).toThrow(/ANTHROPIC_API_KEY/);
    expect(resolveProviderSettings('bedrock', {}, { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AK', AWS_SECRET_ACCESS_KEY: 'S' })).toMatchObject({
      baseUrl: 'https://bedrock-runtime.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
    });
    expect(resolveProviderSettings('groq', {}, { GROQ_API_KEY: 'g' })).toMatchObject({
      protocol: 'openai',
      baseUrl: 'https://api.groq.com/openai/v1',
      apiKey: 'g',
    });
    expect(resolveProviderSettings('vllm', { baseUrl: 'http://gpu:8000/v1/' }, {})).toMatchObject({ protocol: 'openai', baseUrl: 'http://gpu:8000/v1' });
    expect(() => resolveProviderSettings('vllm', {}, {})).toThrow(/baseUrl/);
  });
});

describe('providers over HTTP', () => {
  it('OpenAI: chat completions with a strict json_schema, bearer key, usage', async () => {
    const model = judgeModel('openai:/gpt-4o-mini', fakeModelOptions(`${fake.url}/v1`));
    const schema = { type: 'object', properties: { result: { type: 'string', enum: ['yes', 'no'] } }, required: ['result'], additionalProperties: false };
    const answer = await model.chat({ ...ask, responseSchema: schema });
    const sent = fake.requests[0]!;
    expect(sent.headers.authorization).toBe('Bearer test-key');
    expect(sent.json).toMatchObject({
      model: 'gpt-4o-mini',
      temperature: 0,
      messages: [
        { role: 'system', content: 'You judge.' },
        { role: 'user', content: 'Is the sky blue?' },
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'judge_verdict', strict: true, schema } },
    });
    expect(JSON.parse(answer.text)).toHaveProperty('result');
    expect(answer.usage.inputTokens).toBeGreaterThan(0);
    expect(answer.usage.outputTokens).toBeGreaterThan(0);
  });

  it('Anthropic: the verdict as a forced tool call, x-api-key and version headers', async () => {
    const model = judgeModel('anthropic:/claude-sonnet-4-5', fakeModelOptions(fake.url));
    const schema = { type: 'object', properties: { result: { type: 'string', enum: ['yes', 'no'] } }, required: ['result'] };
    const answer = await model.chat({ ...ask, responseSchema: schema });
    const sent = fake.requests[0]!;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe('test-key');
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.json).toMatchObject({
      model: 'claude-sonnet-4-5',
      system: 'You judge.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Is the sky blue?' }] }],
      tools: [{ name: 'record_verdict', input_schema: schema }],
      tool_choice: { type: 'tool', name: 'record_verdict' },
    });
    expect(['yes', 'no']).toContain((JSON.parse(answer.text) as { result: string }).result);
    expect(answer.toolCalls).toEqual([]);
  });

  it('Gemini: generateContent with a responseSchema in Gemini form', async () => {
    const model = judgeModel('gemini:/gemini-2.5-flash', fakeModelOptions(fake.url));
    const answer = await model.chat({
      ...ask,
      responseSchema: { type: 'object', properties: { result: { type: 'boolean' } }, required: ['result'], additionalProperties: false },
    });
    const sent = fake.requests[0]!;
    expect(sent.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(sent.headers['x-goog-api-key']).toBe('test-key');
    expect(sent.json).toMatchObject({
      systemInstruction: { parts: [{ text: 'You judge.' }] },
      contents: [{ role: 'user', parts: [{ text: 'Is the sky blue?' }] }],
      generationConfig: { responseMimeType: 'application/json', responseSchema: { type: 'OBJECT', properties: { result: { type: 'BOOLEAN' } } } },
    });
    expect(typeof (JSON.parse(answer.text) as { result: unknown }).result).toBe('boolean');
    expect(answer.usage.inputTokens).toBeGreaterThan(0);
  });

  it('Bedrock: Converse with a SigV4 signature (the AWS SDK signer agrees)', async () => {
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session' };
    const now = Date.UTC(2026, 11, 1, 12, 0, 0);
    const model = judgeModel('bedrock:/anthropic.claude-3-5-haiku-20241022-v1:0', {
      ...fakeModelOptions(fake.url),
      apiKey: undefined,
      credentials,
      region: 'us-west-2',
      deps: { now: () => now, sleep: async () => undefined },
    });
    const answer = await model.chat(ask);
    const sent = fake.requests[0]!;
    expect(sent.path).toBe('/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse');
    expect(sent.json).toMatchObject({ system: [{ text: 'You judge.' }], messages: [{ role: 'user', content: [{ text: 'Is the sky blue?' }] }] });
    expect(String(sent.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261201\/us-west-2\/bedrock\/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
    expect(answer.usage.outputTokens).toBeGreaterThan(0);

    // The same request signed by AWS's own signer gives the same signature.
    const url = new URL(`${fake.url}/model/${encodeURIComponent('anthropic.claude-3-5-haiku-20241022-v1:0')}/converse`);
    const body = sent.body.toString('utf8');
    const signer = new SignatureV4({ credentials, region: 'us-west-2', service: 'bedrock', sha256: NodeSha256, applyChecksum: false });
    const signed = await signer.sign(
      { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query: {}, headers: { host: url.host }, body },
      { signingDate: new Date(now) },
    );
    const ours = signAwsRequest({ url: url.toString(), body, region: 'us-west-2', service: 'bedrock', credentials, now: new Date(now) });
    expect(ours.authorization!.split('Signature=')[1]).toBe(String(signed.headers.authorization).split('Signature=')[1]);
  });

  it('sends no temperature to OpenAI reasoning models', async () => {
    await judgeModel('openai:/o4-mini', fakeModelOptions(`${fake.url}/v1`)).chat(ask);
    expect(fake.requests[0]!.json).not.toHaveProperty('temperature');
  });

  it('Bedrock API keys go as a bearer token', async () => {
    const model = judgeModel(
      'bedrock:/amazon.nova-lite-v1:0',
      fakeModelOptions(fake.url, { env: { AWS_BEARER_TOKEN_BEDROCK: 'bedrock-key' }, apiKey: undefined }),
    );
    await model.chat(ask);
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer bedrock-key');
  });
});

describe('retries', () => {
  it('retries a 429 after the Retry-After the server asked for, and a 500 with backoff', async () => {
    judge = installFakeJudge(fake, { fault: (n) => (n === 1 ? 'rate_limit' : n === 2 ? 'server_error' : undefined), retryAfterSeconds: 2 });
    const { sleeps, sleep } = recordedSleeps();
    const model = judgeModel(
      'openai:/gpt-4o-mini',
      fakeModelOptions(`${fake.url}/v1`, { deps: { sleep, random: () => 0.5 }, retry: { initialBackoffMs: 100 } }),
    );
    const answer = await model.chat(ask);
    expect(answer.text).toContain('result');
    expect(judge.faults).toMatchObject({ rate_limit: 1, server_error: 1 });
    expect(fake.requests).toHaveLength(3);
    // 2 s from Retry-After; then the second backoff step (200 ms) with half jitter: 100 + 0.5 * 100.
    expect(sleeps).toEqual([2000, 150]);
  });

  it('gives up after maxRetries with the provider message, and does not retry a 400', async () => {
    installFakeJudge(fake, { fault: () => 'server_error' });
    const model = judgeModel('anthropic:/claude-sonnet-4-5', fakeModelOptions(fake.url, { retry: { maxRetries: 2 } }));
    const err = await model.chat(ask).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JudgeModelError);
    expect(err).toMatchObject({ status: 500, attempts: 3, message: expect.stringMatching(/500: Internal error \(fake\)/) });

    fake.reset();
    fake.enqueue('POST', '/v1/chat/completions', openaiError(400, 'bad schema'));
    const openai = judgeModel('openai:/gpt-4o-mini', fakeModelOptions(`${fake.url}/v1`));
    await expect(openai.chat(ask)).rejects.toMatchObject({ status: 400, attempts: 1 });
  });

  it('retries a dropped connection, times out a slow answer, and stops at once on abort', async () => {
    fake.enqueue('POST', '/v1/chat/completions', { hangup: true });
    const model = judgeModel('openai:/gpt-4o-mini', fakeModelOptions(`${fake.url}/v1`));
    await expect(model.chat(ask)).resolves.toMatchObject({ toolCalls: [] });
    expect(fake.requests).toHaveLength(2);

    installFakeJudge(fake, { latencyMs: 300 });
    const slow = judgeModel('openai:/gpt-4o-mini', fakeModelOptions(`${fake.url}/v1`, { retry: { timeoutMs: 50, maxRetries: 1 } }));
    await expect(slow.chat(ask)).rejects.toMatchObject({ name: 'JudgeModelError', message: expect.stringMatching(/within 50 ms/), attempts: 2 });

    const controller = new AbortController();
    const pending = judgeModel('openai:/gpt-4o-mini', fakeModelOptions(`${fake.url}/v1`)).chat(ask, controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });
});

describe('rate limiter', () => {
  it('caps concurrency and spends one token per call, refilled over the interval', async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = createRateLimiter(
      { maxConcurrency: 2, tokensPerInterval: 2, intervalMs: 1000 },
      {
        now: () => now,
        sleep: async (ms) => {
          waits.push(ms);
          now += ms;
        },
      },
    );
    let peak = 0;
    const task = async () => {
      peak = Math.max(peak, limiter.active);
      // Stay in flight past this turn of the event loop (no wall time: the limiter's clock is `now`).
      await new Promise((r) => setImmediate(r));
      return now;
    };
    const started = await Promise.all([1, 2, 3, 4].map(() => limiter.run(task)));
    expect(peak).toBeLessThanOrEqual(2);
    // Two tokens at once, then one every 500 ms.
    expect(waits).toEqual([500, 500]);
    expect(started.at(-1)).toBe(1000);
  });

  it('applies to a model: calls beyond maxConcurrency wait', async () => {
    installFakeJudge(fake, { latencyMs: 30 });
    const model = judgeModel('openai:/gpt-4o-mini', fakeModelOptions(`${fake.url}/v1`, { rateLimit: { maxConcurrency: 1 } }));
    const t0 = Date.now();
    await Promise.all([model.chat(ask), model.chat(ask), model.chat(ask)]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(85);
  });
});
