import { describe, expect, it } from 'vitest';
import { createOriginAllowlist, isLoopbackOrigin, isSameOrigin, parseOriginPattern } from './origin-allowlist.js';

describe('createOriginAllowlist', () => {
  it('matches listed origins exactly (any case, a trailing slash ignored) and * wildcards', () => {
    const allowed = createOriginAllowlist(['https://app.example.com/', 'https://*.notebooks.example']);
    expect(allowed('https://app.example.com')).toBe(true);
    expect(allowed('HTTPS://APP.EXAMPLE.COM')).toBe(true);
    expect(allowed('http://app.example.com')).toBe(false);
    expect(allowed('https://app.example.com:8443')).toBe(false);
    expect(allowed('https://app.example.com.evil.example')).toBe(false);
    expect(allowed('https://a.notebooks.example')).toBe(true);
    expect(allowed('null')).toBe(false);
  });

  it("allows every origin for '*', and none for an empty list", () => {
    expect(createOriginAllowlist(['*'])('https://evil.example')).toBe(true);
    expect(createOriginAllowlist([])('https://app.example.com')).toBe(false);
  });

  it('says what is wrong with an entry that is not an origin', () => {
    expect(parseOriginPattern('app.example.com')).toMatch(/not an origin/);
    expect(parseOriginPattern('https://app.example.com/path')).toMatch(/not an origin/);
  });
});

describe('isLoopbackOrigin and isSameOrigin', () => {
  it('knows loopback pages by host name, any scheme and port', () => {
    for (const origin of ['http://localhost:3000', 'http://127.0.0.1:8888', 'http://[::1]:5173', 'https://localhost'])
      expect(isLoopbackOrigin(origin), origin).toBe(true);
    for (const origin of ['http://localhost.evil.example', 'http://evil.example', 'null', 'http://127.0.0.2:3000'])
      expect(isLoopbackOrigin(origin), origin).toBe(false);
  });

  it("compares an origin's host and port with the request's Host, default ports included", () => {
    expect(isSameOrigin('http://loupe.internal:5000', 'loupe.internal:5000')).toBe(true);
    expect(isSameOrigin('https://loupe.example.com', 'loupe.example.com')).toBe(true);
    expect(isSameOrigin('https://loupe.example.com', 'loupe.example.com:443')).toBe(true);
    expect(isSameOrigin('http://loupe.internal:5001', 'loupe.internal:5000')).toBe(false);
    expect(isSameOrigin('http://evil.example', 'loupe.internal')).toBe(false);
    expect(isSameOrigin('null', 'loupe.internal')).toBe(false);
  });
});
