import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Loupe } from '../instance/loupe.js';
import { startTestServer, type TestServer } from '@loupe/server/testing';
import { testLoupe } from '../testing/test-loupe.js';
import { Redactor } from './redaction.js';

const OPENAI_KEY = 'sk-proj-abcdefghijklmnopqrstuvwx1234';
const AWS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const GITHUB = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
const VISA = '4111 1111 1111 1111';

describe('Redactor', () => {
  const all = new Redactor({});

  it('built-ins: API keys, bearer tokens, e-mail addresses, card numbers (Luhn-checked), secret keys', () => {
    expect(all.redactString(`keys ${OPENAI_KEY} ${AWS_KEY} ${GITHUB} sk-ant-api03-abcdefghijklmnopqrstuv`, 'x')).toBe(
      'keys [REDACTED] [REDACTED] [REDACTED] [REDACTED]',
    );
    expect(all.redactString('Authorization: Bearer abc.def-ghi_jkl~mno123', 'x')).toBe('Authorization: Bearer [REDACTED]');
    expect(all.redactString('write to ann.lee+ops@example.co.uk today', 'x')).toBe('write to [REDACTED] today');
    expect(all.redactString(`card ${VISA} or 5500-0000-0000-0004`, 'x')).toBe('card [REDACTED] or [REDACTED]');
    // Not a card: fails the Luhn check (order numbers, timestamps stay).
    expect(all.redactString('order 1234 5678 9012 3456 at 1700000000000', 'x')).toBe('order 1234 5678 9012 3456 at 1700000000000');
    // Not a card: an epoch-millisecond timestamp that passes the Luhn check (no card number starts with 1).
    expect(all.redactString('session-1796667213583 at 1796667213583', 'x')).toBe('session-1796667213583 at 1796667213583');
    expect(all.redactValue({ user: 'ann', password: 'hunter2', nested: { api_key: 'plain-looking', tokens: 5 } }, 'inputs')).toEqual({
      user: 'ann',
      password: '[REDACTED]',
      nested: { api_key: '[REDACTED]', tokens: 5 },
    });
  });

  it('your patterns and functions, a chosen subset of built-ins, a replacement text', () => {
    const r = new Redactor({
      builtins: ['emails'],
      replacement: '***',
      rules: [/acct-\d+/, { pattern: /\b\d{3}-\d{2}-\d{4}\b/g, replacement: '[SSN]' }, (value, ctx) => (ctx.path.at(-1) === 'address' ? '[ADDRESS]' : value)],
    });
    expect(r.redactString(`acct-991 acct-992 123-45-6789 ann@example.com ${OPENAI_KEY}`, 'x')).toBe(`*** *** [SSN] *** ${OPENAI_KEY}`);
    expect(r.redactValue({ address: '1 Main St', city: 'Paris' }, 'inputs')).toEqual({ address: '[ADDRESS]', city: 'Paris' });
  });

  it('JSON-encoded attribute values stay valid JSON; plain ones are redacted as text', () => {
    expect(all.redactAttribute('mlflow.spanInputs', JSON.stringify({ q: 'mail ann@example.com', n: 1 }))).toBe('{"q":"mail [REDACTED]","n":1}');
    expect(all.redactAttribute('http.url', 'https://x?email=ann@example.com')).toBe('https://x?email=[REDACTED]');
    expect(all.redactAttribute('password', 42)).toBe('[REDACTED]');
    expect(all.redactAttribute('count', 42)).toBe(42);
  });
});

describe('redaction before export, read back from a real Loupe server', () => {
  let server: TestServer;
  let loupe: Loupe;
  let exp: string;
  beforeAll(async () => {
    server = await startTestServer();
    exp = await server.experiment('redact');
    loupe = testLoupe(server.url, exp, { redact: { rules: [/internal-[a-z0-9]+/g] } });
  });
  afterAll(async () => {
    await loupe?.shutdown();
    await server?.close();
  });

  it('no secret or personal datum reaches the server: inputs, outputs, attributes, exceptions, tags, metadata, previews', async () => {
    const callLlm = loupe.trace(
      async (prompt: string, options: { apiKey: string; user: string }) => {
        loupe.getCurrentActiveSpan()?.setAttribute('http.request.header.authorization', `Bearer ${OPENAI_KEY}`);
        loupe.updateCurrentTrace({ tags: { customer: 'ann@example.com' }, metadata: { note: 'host internal-db7' }, userId: 'bob@example.com' });
        if (prompt.includes('card')) throw new Error(`card ${VISA} declined for ${options.user}`);
        return `done for ${options.user}, key ${AWS_KEY}`;
      },
      { name: 'llm', spanType: 'LLM' },
    );
    await callLlm('hello', { apiKey: OPENAI_KEY, user: 'ann@example.com' });
    const okId = loupe.getLastActiveTraceId() as string;
    await expect(callLlm('pay by card', { apiKey: 'whatever', user: 'ann@example.com' })).rejects.toThrow(VISA);
    const errId = loupe.getLastActiveTraceId() as string;
    await loupe.flushTraces();

    for (const id of [okId, errId]) {
      const raw = await (await fetch(`${server.url}/api/3.0/mlflow/traces/get?trace_id=${id}`)).text();
      for (const secret of [OPENAI_KEY, AWS_KEY, 'ann@example.com', 'bob@example.com', VISA, 'internal-db7', 'whatever']) expect(raw).not.toContain(secret);
    }
    const ok = (await loupe.client.getTrace(okId))!;
    expect(ok.spans[0]).toMatchObject({
      inputs: { prompt: 'hello', options: { apiKey: '[REDACTED]', user: '[REDACTED]' } },
      outputs: 'done for [REDACTED], key [REDACTED]',
    });
    expect(ok.info).toMatchObject({ tags: { customer: '[REDACTED]' }, trace_metadata: { note: 'host [REDACTED]', 'mlflow.trace.user': '[REDACTED]' } });
    expect(ok.info.request_preview).toBe('{"prompt":"hello","options":{"apiKey":"[REDACTED]","user":"[REDACTED]"}}');
    const failed = (await loupe.client.getTrace(errId))!;
    expect(failed.spans[0]!.statusMessage).toBe('Error: card [REDACTED] declined for [REDACTED]');
    expect(failed.spans[0]!.events[0]!.attributes['exception.message']).toBe('card [REDACTED] declined for [REDACTED]');
    // Full-text search on the server finds nothing either.
    const found = await loupe.client.searchTraces({ experimentIds: [exp], filter: "trace.text LIKE '%ann@example%'" });
    expect(found.items).toEqual([]);
  });
});
