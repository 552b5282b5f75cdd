import { describe, expect, it } from 'vitest';
import { attachmentDisposition, guessMimeType } from './file-response.js';

describe('attachmentDisposition', () => {
  it('quotes plain names', () => {
    expect(attachmentDisposition('model.pkl')).toBe('attachment; filename="model.pkl"');
  });

  it('never lets a name break out of the header value', () => {
    const value = attachmentDisposition('a"; filename=evil.html\r\nSet-Cookie: x=1');
    expect(value).not.toMatch(/[\r\n]/);
    expect(value.startsWith('attachment; filename="a_; filename=evil.html__Set-Cookie: x=1"; filename*=UTF-8\'\'')).toBe(true);
    expect(value).toContain("filename*=UTF-8''a%22%3B%20filename%3Devil.html%0D%0ASet-Cookie%3A%20x%3D1");
  });

  it('adds an RFC 5987 name for non-ASCII names', () => {
    expect(attachmentDisposition('日本.txt')).toBe(`attachment; filename="__.txt"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt`);
    expect(attachmentDisposition("it's (1).txt")).toBe(`attachment; filename="it's (1).txt"`);
  });
});

describe('guessMimeType', () => {
  it.each([
    ['a.txt', 'text/plain; charset=utf-8'],
    ['a.YAML', 'application/yaml; charset=utf-8'],
    ['MLproject', 'text/plain; charset=utf-8'],
    ['chart.svg', 'image/svg+xml; charset=utf-8'],
    ['weights.pt', 'application/octet-stream'],
    ['.hidden', 'application/octet-stream'],
    ['noext', 'application/octet-stream'],
  ])('%s -> %s', (name, type) => {
    expect(guessMimeType(name)).toBe(type);
  });
});
