import { describe, expect, it } from 'vitest';
import { TestClock } from '../../testing/test-clock.js';
import { BrowserSessions } from './browser-sessions.js';
import { MemorySessionStore } from './memory-session-store.js';

const alice = { username: 'alice', isAdmin: true, method: 'oidc' as const, issuer: 'https://id.example.com', subject: '42' };
const HOUR = 3600_000;

function setup(secure = true) {
  const clock = new TestClock();
  const store = new MemorySessionStore();
  const sessions = new BrowserSessions({ store, clock, secure, idleTimeoutMs: HOUR, absoluteTimeoutMs: 8 * HOUR });
  return { clock, store, sessions };
}

/** The Cookie header a browser sends back for a Set-Cookie. */
const cookieOf = (setCookie: string) => setCookie.split(';')[0]!;

describe('BrowserSessions', () => {
  it('sets an opaque id in a __Host- cookie: HttpOnly, Secure, SameSite=Lax, Path=/', async () => {
    const { sessions, store } = setup(true);
    const { setCookie, session } = await sessions.create(alice);
    expect(setCookie).toMatch(/^__Host-loupe-session=[\w-]{43}; Path=\/; Max-Age=28800; HttpOnly; Secure; SameSite=Lax$/);
    expect(setCookie).not.toMatch(/Domain/i);
    const id = cookieOf(setCookie).split('=')[1]!;
    // Only the id's hash is stored.
    expect(session.idHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await store.find(session.idHash))).not.toContain(id);
    expect(await sessions.resolve(`other=1; ${cookieOf(setCookie)}`)).toMatchObject({ username: 'alice', isAdmin: true, method: 'oidc', subject: '42' });
  });

  it('on plain http, drops Secure and the __Host- prefix', async () => {
    const { sessions } = setup(false);
    const { setCookie } = await sessions.create(alice);
    expect(setCookie).toMatch(/^loupe-session=[\w-]{43}; Path=\/; Max-Age=28800; HttpOnly; SameSite=Lax$/);
  });

  it('ignores missing, malformed and unknown ids', async () => {
    const { sessions } = setup();
    await sessions.create(alice);
    expect(await sessions.resolve(undefined)).toBeUndefined();
    expect(await sessions.resolve('__Host-loupe-session=short')).toBeUndefined();
    expect(await sessions.resolve(`__Host-loupe-session=${'a'.repeat(43)}`)).toBeUndefined();
    // A cookie of the same name without the prefix (planted by a sibling domain) is not read.
    const { setCookie } = await sessions.create(alice);
    expect(await sessions.resolve(cookieOf(setCookie).replace('__Host-', ''))).toBeUndefined();
  });

  it('ends a session idle for the idle timeout, and records activity', async () => {
    const { sessions, clock, store } = setup();
    const { setCookie, session } = await sessions.create(alice);
    clock.advance(HOUR - 1);
    expect(await sessions.resolve(cookieOf(setCookie))).toBeDefined();
    clock.advance(HOUR - 1);
    expect(await sessions.resolve(cookieOf(setCookie))).toBeDefined();
    clock.advance(HOUR);
    expect(await sessions.resolve(cookieOf(setCookie))).toBeUndefined();
    expect(await store.find(session.idHash)).toBeUndefined();
  });

  it('ends an active session at its absolute expiry', async () => {
    const { sessions, clock } = setup();
    const { setCookie } = await sessions.create(alice);
    for (let i = 0; i < 15; i++) {
      clock.advance(HOUR / 2);
      expect(await sessions.resolve(cookieOf(setCookie))).toBeDefined();
    }
    clock.advance(HOUR / 2);
    expect(await sessions.resolve(cookieOf(setCookie))).toBeUndefined();
  });

  it('issues a fresh id at login and ends the one the browser had', async () => {
    const { sessions, store } = setup();
    const before = await sessions.create({ ...alice, username: 'mallory', isAdmin: false });
    const after = await sessions.create(alice, { replacing: cookieOf(before.setCookie) });
    expect(cookieOf(after.setCookie)).not.toBe(cookieOf(before.setCookie));
    expect(await sessions.resolve(cookieOf(before.setCookie))).toBeUndefined();
    expect(await sessions.resolve(cookieOf(after.setCookie))).toMatchObject({ username: 'alice' });
    expect(store.size).toBe(1);
  });

  it('rotates a live session to a new id and CSRF token, keeping its absolute expiry', async () => {
    const { sessions, clock } = setup();
    const first = await sessions.create(alice);
    clock.advance(HOUR / 2);
    const rotated = await sessions.rotate(first.session);
    expect(rotated.session.csrfToken).not.toBe(first.session.csrfToken);
    expect(rotated.session.expiresAt).toBe(first.session.expiresAt);
    expect(rotated.setCookie).toContain('Max-Age=27000;');
    expect(await sessions.resolve(cookieOf(first.setCookie))).toBeUndefined();
    expect(await sessions.resolve(cookieOf(rotated.setCookie))).toMatchObject({ username: 'alice' });
  });

  it('logs out: deletes the session and clears the cookie', async () => {
    const { sessions } = setup();
    const { setCookie } = await sessions.create(alice);
    const cleared = await sessions.destroy(cookieOf(setCookie));
    expect(cleared).toBe('__Host-loupe-session=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax');
    expect(await sessions.resolve(cookieOf(setCookie))).toBeUndefined();
  });

  it('purges idle and expired sessions; ends all of a user’s sessions', async () => {
    const { sessions, clock, store } = setup();
    await sessions.create(alice);
    clock.advance(HOUR / 2);
    const bob = await sessions.create({ ...alice, username: 'bob' });
    clock.advance(HOUR / 2 + 1);
    expect(await sessions.purgeExpired()).toBe(1);
    await sessions.create({ ...alice, username: 'bob' });
    expect(await store.deleteForUser('bob')).toBe(2);
    expect(await sessions.resolve(cookieOf(bob.setCookie))).toBeUndefined();
  });
});
