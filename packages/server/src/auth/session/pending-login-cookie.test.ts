import { ApiError } from '@loupe/protocol';
import { describe, expect, it } from 'vitest';
import { TestClock } from '../../testing/test-clock.js';
import type { PendingLogin } from '../oidc/oidc-client.js';
import { PendingLoginCookie } from './pending-login-cookie.js';

const KEY = 'a-server-secret-key-of-at-least-32-chars';
const pending: PendingLogin = {
  state: 'S'.repeat(43),
  nonce: 'N'.repeat(43),
  codeVerifier: 'V'.repeat(43),
  returnTo: '/experiments/1',
  createdAt: 1_700_000_000_000,
};
const cookieOf = (setCookie: string) => setCookie.split(';')[0]!;

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(ApiError.is(err)).toBe(true);
    expect((err as ApiError).code).toBe('UNAUTHENTICATED');
    return (err as ApiError).message;
  }
  throw new Error('expected a refusal');
}

describe('PendingLoginCookie', () => {
  it('seals a login in a short-lived __Host- cookie that another server with the same key opens', () => {
    const clock = new TestClock();
    const setCookie = new PendingLoginCookie({ secretKey: KEY, clock, secure: true }).seal(pending);
    expect(setCookie).toMatch(/^__Host-loupe-login=v1\.[\w-]+; Path=\/; Max-Age=600; HttpOnly; Secure; SameSite=Lax$/);
    expect(setCookie).not.toContain(pending.codeVerifier);
    const otherServer = new PendingLoginCookie({ secretKey: KEY, clock, secure: true });
    expect(otherServer.open(`a=b; ${cookieOf(setCookie)}`)).toEqual(pending);
  });

  it('refuses a missing, altered, foreign or expired cookie', () => {
    const clock = new TestClock();
    const cookies = new PendingLoginCookie({ secretKey: KEY, clock, secure: true });
    const sealed = cookieOf(cookies.seal(pending));
    expect(refusal(() => cookies.open('other=1'))).toMatch(/no login in progress/);
    const value = sealed.split('=')[1]!;
    const flipped = `${value.slice(0, 20)}${value[20] === 'A' ? 'B' : 'A'}${value.slice(21)}`;
    expect(refusal(() => cookies.open(`__Host-loupe-login=${flipped}`))).toMatch(/not valid \(altered/);
    const otherKey = new PendingLoginCookie({ secretKey: `${KEY}-other`, clock, secure: true });
    expect(refusal(() => otherKey.open(sealed))).toMatch(/not valid/);
    // Bound to its cookie name: the same value under the session cookie's name does not open.
    const plain = new PendingLoginCookie({ secretKey: KEY, clock, secure: false });
    expect(refusal(() => plain.open(`loupe-login=${value}`))).toMatch(/not valid/);
    clock.advance(10 * 60_000 + 1);
    expect(refusal(() => cookies.open(sealed))).toMatch(/has expired/);
  });

  it('clears itself', () => {
    const cookies = new PendingLoginCookie({ secretKey: KEY, clock: new TestClock(), secure: false });
    expect(cookies.clear()).toBe('loupe-login=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax');
  });
});
