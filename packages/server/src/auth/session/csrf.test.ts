import { ApiError } from '@loupe/protocol';
import { describe, expect, it } from 'vitest';
import { checkCsrf } from './csrf.js';

const TOKEN = 'k3Jm0d2Yf1Qv8xZs7pLr4tNw9bHc6eUa5gTo2iVy1Rq';

function post(headers: Record<string, string>, url = 'https://loupe.example.com/ajax-api/2.0/mlflow/runs/create'): Request {
  return new Request(url, { method: 'POST', headers: { host: 'loupe.example.com', ...headers }, body: '{}' });
}

function refusal(fn: () => void): string {
  try {
    fn();
  } catch (err) {
    expect(ApiError.is(err)).toBe(true);
    expect((err as ApiError).code).toBe('PERMISSION_DENIED');
    return (err as ApiError).message;
  }
  throw new Error('expected a refusal');
}

describe('checkCsrf', () => {
  it("accepts a same-origin write carrying the session's token", () => {
    expect(() => checkCsrf(post({ origin: 'https://loupe.example.com', 'sec-fetch-site': 'same-origin', 'x-csrf-token': TOKEN }), TOKEN)).not.toThrow();
    // A TLS-terminating proxy forwards http: the Host decides.
    expect(() => checkCsrf(post({ origin: 'https://loupe.example.com', 'x-csrf-token': TOKEN }, 'http://loupe.example.com/x'), TOKEN)).not.toThrow();
    // No Origin, no Sec-Fetch-Site (not a browser, or an old one): the token alone decides.
    expect(() => checkCsrf(post({ 'x-csrf-token': TOKEN }), TOKEN)).not.toThrow();
  });

  it('lets reads through', () => {
    const get = new Request('https://loupe.example.com/x', { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(() => checkCsrf(get, TOKEN)).not.toThrow();
  });

  it('refuses a wrong or missing token', () => {
    expect(refusal(() => checkCsrf(post({ origin: 'https://loupe.example.com', 'x-csrf-token': `${TOKEN.slice(0, -1)}x` }), TOKEN))).toMatch(
      /does not match this session's token/,
    );
    expect(refusal(() => checkCsrf(post({ origin: 'https://loupe.example.com', 'x-csrf-token': 'short' }), TOKEN))).toMatch(/does not match/);
    expect(refusal(() => checkCsrf(post({ origin: 'https://loupe.example.com' }), TOKEN))).toMatch(/X-CSRF-Token header is missing/);
  });

  it('refuses a cross-site request even with the right token', () => {
    expect(refusal(() => checkCsrf(post({ origin: 'https://evil.example', 'x-csrf-token': TOKEN }), TOKEN))).toMatch(
      /another origin \(https:\/\/evil\.example\)/,
    );
    expect(refusal(() => checkCsrf(post({ origin: 'null', 'x-csrf-token': TOKEN }), TOKEN))).toMatch(/another origin \(null\)/);
    expect(refusal(() => checkCsrf(post({ 'sec-fetch-site': 'cross-site', 'x-csrf-token': TOKEN }), TOKEN))).toMatch(
      /another site \(Sec-Fetch-Site: cross-site\)/,
    );
    expect(refusal(() => checkCsrf(post({ 'sec-fetch-site': 'same-site', origin: 'https://loupe.example.com', 'x-csrf-token': TOKEN }), TOKEN))).toMatch(
      /same-site/,
    );
    expect(refusal(() => checkCsrf(post({ origin: 'https://loupe.example.com.evil.example', 'x-csrf-token': TOKEN }), TOKEN))).toMatch(/another origin/);
  });

  it('checks against the configured public origins when given', () => {
    const options = { publicOrigins: ['https://loupe.example.com'] };
    expect(() => checkCsrf(post({ origin: 'https://loupe.example.com', 'x-csrf-token': TOKEN }, 'http://10.0.0.5:5000/x'), TOKEN, options)).not.toThrow();
    expect(refusal(() => checkCsrf(post({ origin: 'http://loupe.example.com', 'x-csrf-token': TOKEN }), TOKEN, options))).toMatch(/another origin/);
  });
});
