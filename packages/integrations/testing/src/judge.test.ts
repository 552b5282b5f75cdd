import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from './fake-server.js';
import { everyNth, installFakeJudge } from './judge.js';

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(() => fake.close());

const post = (path: string, body: unknown) =>
  fetch(`${fake.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const openaiBody = (prompt: string) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: prompt }],
  response_format: { type: 'json_schema', json_schema: { schema: { properties: { result: { type: 'string', enum: ['good', 'bad', 'ugly'] } } } } },
});

describe('fake judge', () => {
  it('answers a verdict that fits the schema, the same for the same prompt, with usage', async () => {
    installFakeJudge(fake);
    const a = (await (await post('/v1/chat/completions', openaiBody('same'))).json()) as {
      choices: { message: { content: string } }[];
      usage: { prompt_tokens: number };
    };
    const b = (await (await post('/v1/chat/completions', openaiBody('same'))).json()) as typeof a;
    const verdict = JSON.parse(a.choices[0]!.message.content) as { result: string };
    expect(['good', 'bad', 'ugly']).toContain(verdict.result);
    expect(b.choices[0]!.message.content).toBe(a.choices[0]!.message.content);
    expect(a.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('injects 429s with Retry-After, 500s and garbage, and waits latencyMs', async () => {
    const judge = installFakeJudge(fake, { fault: everyNth(2, 'rate_limit'), retryAfterSeconds: 3, latencyMs: 50 });
    const t0 = Date.now();
    expect((await post('/v1/chat/completions', openaiBody('x'))).status).toBe(200);
    const limited = await post('/v1/messages', { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'x' }] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(95);
    expect(judge.faults.rate_limit).toBe(1);
    installFakeJudge(fake, { fault: (n) => (n === 1 ? 'server_error' : 'garbage') });
    expect((await post('/v1/chat/completions', openaiBody('x'))).status).toBe(500);
    const garbage = (await (await post('/v1/chat/completions', openaiBody('x'))).json()) as { choices: { message: { content: string } }[] };
    expect(() => JSON.parse(garbage.choices[0]!.message.content) as unknown).toThrow();
  });
});
