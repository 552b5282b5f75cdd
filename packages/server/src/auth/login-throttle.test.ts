import { expect, it } from 'vitest';
import { SqlLoginFailureStore } from '../store/sql/sql-login-failure-store.js';
import { createDialect } from '../store/sql/dialects/create-dialect.js';
import { describeOnBackend, testBackends } from '../testing/backends.js';
import { TestClock } from '../testing/test-clock.js';
import { LoginThrottle } from './login-throttle.js';

const limits = { perUsername: 3, perAddress: 5, windowMs: 60_000 };

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'LoginThrottle', () => {
    /** A throttle per server, all on one new database; `done` closes them. */
    async function throttles(count: number, clock: TestClock) {
      const database = await backend.create();
      const dbs = Array.from({ length: count }, () => createDialect(database.uri).createKysely());
      return {
        servers: dbs.map((db) => new LoginThrottle(new SqlLoginFailureStore(db), clock, limits)),
        rows: () => dbs[0]!.selectFrom('login_failures').select(['key_hash', 'at']).execute(),
        done: async () => {
          for (const db of dbs) await db.destroy();
          await database.drop();
        },
      };
    }

    it('holds a username back after its failures, until the oldest leaves the window', async () => {
      const clock = new TestClock();
      const { servers, done } = await throttles(1, clock);
      const throttle = servers[0]!;
      try {
        for (let i = 0; i < 3; i++) {
          expect(await throttle.retryAfterMs('alice', 'a1')).toBe(0);
          await throttle.failed('alice', 'a1');
          clock.advance(1000);
        }
        expect(await throttle.retryAfterMs('alice', 'a2')).toBe(57_000);
        expect(await throttle.retryAfterMs('bob', 'a2')).toBe(0);
        clock.advance(57_000);
        expect(await throttle.retryAfterMs('alice', 'a2')).toBe(0);
      } finally {
        await done();
      }
    });

    it('holds an address back after failures for many usernames; a success clears only the username', async () => {
      const clock = new TestClock();
      const { servers, done } = await throttles(1, clock);
      const throttle = servers[0]!;
      try {
        for (let i = 0; i < 5; i++) await throttle.failed(`user${i}`, 'a1');
        expect(await throttle.retryAfterMs('someone', 'a1')).toBeGreaterThan(0);
        expect(await throttle.retryAfterMs('someone', 'a2')).toBe(0);
        await throttle.failed('carol', 'a3');
        await throttle.failed('carol', 'a3');
        await throttle.succeeded('carol');
        await throttle.failed('carol', 'a3');
        expect(await throttle.retryAfterMs('carol', 'a3')).toBe(0);
      } finally {
        await done();
      }
    });

    it('counts the failures of every server on the database, keeps no username, and forgets what left the window', async () => {
      const clock = new TestClock();
      const { servers, rows, done } = await throttles(backend.name === 'postgresql' ? 3 : 1, clock);
      const at = (i: number) => servers[i % servers.length]!;
      try {
        for (let i = 0; i < 3; i++) await at(i).failed('alice', `a${i}`);
        for (const throttle of servers) expect(await throttle.retryAfterMs('alice', 'a9')).toBe(60_000);
        expect(JSON.stringify(await rows())).not.toContain('alice');
        clock.advance(60_000);
        // A new failure (any key) drops the rows that left the window.
        await at(1).failed('bob', 'b1');
        expect(await rows()).toHaveLength(2);
        expect(await at(2).retryAfterMs('alice', 'a9')).toBe(0);
      } finally {
        await done();
      }
    });
  });
}
