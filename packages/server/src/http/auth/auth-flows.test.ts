import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeOnBackend, testBackends, type TestDatabase } from '../../testing/backends.js';
import type { TestLoupe } from '../../testing/test-loupe.js';
import { ADMIN, basic, createAuthLoupe, okAs, TRACE_ID } from './auth-fixtures.js';

/**
 * MLflow's basic-auth flows (what `mlflow.server.get_app_client('basic-auth')` and a tracking client
 * with MLFLOW_TRACKING_USERNAME/PASSWORD do), in process, on SQLite and PostgreSQL. The same flows
 * over real HTTP with the official Python client: e2e/src/mlflow-auth-flow.test.ts.
 */
const API = '/api/2.0/mlflow';
const admin = basic(ADMIN.username, ADMIN.password);
const alice = basic('alice', 'alice-password-1');
const bob = basic('bob', 'bob-password-123');

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'basic-auth flows', () => {
    let database: TestDatabase;
    let loupe: TestLoupe;
    beforeEach(async () => {
      database = await backend.create();
      loupe = await createAuthLoupe({ database });
      await okAs(loupe, admin, 'POST', `${API}/users/create`, { username: 'alice', password: 'alice-password-1' });
      await okAs(loupe, admin, 'POST', `${API}/users/create`, { username: 'bob', password: 'bob-password-123' });
    });
    afterEach(async () => {
      await loupe.dispose();
    });

    const call = (who: Record<string, string>, method: string, url: string, body?: unknown) => loupe.call(method, url, body, who);

    it('refuses requests without or with wrong credentials with 401 and a Basic challenge', async () => {
      for (const who of [{}, basic('alice', 'wrong-password'), basic('nobody', 'whatever-password'), { authorization: 'Basic !!!' }]) {
        const res = await call(who, 'GET', `${API}/experiments/get?experiment_id=0`);
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Basic realm="loupe", charset="UTF-8"');
        expect(res.body.error_code).toBe('UNAUTHENTICATED');
      }
      expect((await call(alice, 'GET', `${API}/experiments/get?experiment_id=0`)).status).toBe(200);
    });

    it('gives the creator MANAGE; another user READ by default, refused on writes; EDIT, then NO_PERMISSIONS hides the experiment', async () => {
      const exp = (await okAs(loupe, alice, 'POST', `${API}/experiments/create`, { name: 'alice-exp' })).experiment_id as string;
      const own = await okAs(loupe, admin, 'GET', `${API}/experiments/permissions/get?experiment_id=${exp}&username=alice`);
      expect(own.experiment_permission).toMatchObject({ experiment_id: exp, permission: 'MANAGE' });

      expect((await call(bob, 'GET', `${API}/experiments/get?experiment_id=${exp}`)).status).toBe(200);
      const write = await call(bob, 'POST', `${API}/runs/create`, { experiment_id: exp });
      expect(write.status).toBe(403);
      expect(write.body).toEqual({ error_code: 'PERMISSION_DENIED', message: 'Permission denied' });
      expect((await call(bob, 'POST', `${API}/experiments/permissions/create`, { experiment_id: exp, username: 'bob', permission: 'MANAGE' })).status).toBe(
        403,
      );

      // The creator manages it: grants bob EDIT.
      await okAs(loupe, alice, 'POST', `${API}/experiments/permissions/create`, { experiment_id: exp, username: 'bob', permission: 'EDIT' });
      const run = (await okAs(loupe, bob, 'POST', `${API}/runs/create`, { experiment_id: exp })).run as { info: { run_id: string } };
      await okAs(loupe, bob, 'POST', `${API}/runs/log-metric`, { run_id: run.info.run_id, key: 'm', value: 1, timestamp: 1 });
      expect((await call(bob, 'POST', `${API}/experiments/delete`, { experiment_id: exp })).status).toBe(403);

      // NO_PERMISSIONS: gone from search, every route refuses, traces and assessments too.
      await okAs(loupe, alice, 'POST', '/api/3.0/mlflow/traces', {
        trace: {
          trace_info: {
            trace_id: TRACE_ID,
            trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
            request_time: '2025-06-15T14:07:41.282Z',
            state: 'OK',
          },
        },
      });
      await okAs(loupe, alice, 'PATCH', `${API}/experiments/permissions/update`, { experiment_id: exp, username: 'bob', permission: 'NO_PERMISSIONS' });
      const listed = await okAs(loupe, bob, 'GET', `${API}/experiments/search?max_results=100`);
      expect((listed.experiments as { experiment_id: string }[]).map((e) => e.experiment_id)).not.toContain(exp);
      for (const [method, url, body] of [
        ['GET', `${API}/experiments/get?experiment_id=${exp}`],
        ['GET', `${API}/runs/get?run_id=${run.info.run_id}`],
        ['GET', `/api/3.0/mlflow/traces/${TRACE_ID}`],
        ['GET', `/api/3.0/mlflow/traces/get?trace_id=${TRACE_ID}`],
        ['POST', '/api/3.0/mlflow/traces/search', { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }] }],
        [
          'POST',
          `/api/3.0/mlflow/traces/${TRACE_ID}/assessments`,
          { assessment: { assessment_name: 'x', source: { source_type: 'HUMAN', source_id: 'bob' }, feedback: { value: 1 } } },
        ],
        ['POST', `${API}/runs/search`, { experiment_ids: ['0', exp] }],
      ] as const) {
        const res = await call(bob, method, url, body);
        expect(res.status, `${method} ${url}`).toBe(403);
      }
      // The admin bypasses.
      expect((await call(admin, 'GET', `/api/3.0/mlflow/traces/${TRACE_ID}`)).status).toBe(200);
    });

    it('gives the creator of a registered model MANAGE; permissions follow a rename and go with a delete', async () => {
      await okAs(loupe, alice, 'POST', `${API}/registered-models/create`, { name: 'm1' });
      expect((await okAs(loupe, alice, 'GET', `${API}/registered-models/permissions/get?name=m1&username=alice`)).registered_model_permission).toMatchObject({
        name: 'm1',
        permission: 'MANAGE',
      });
      expect((await call(bob, 'POST', `${API}/registered-models/set-tag`, { name: 'm1', key: 'k', value: 'v' })).status).toBe(403);
      await okAs(loupe, alice, 'POST', `${API}/registered-models/rename`, { name: 'm1', new_name: 'm2' });
      expect((await okAs(loupe, alice, 'GET', `${API}/registered-models/permissions/get?name=m2&username=alice`)).registered_model_permission).toMatchObject({
        name: 'm2',
      });
      await okAs(loupe, alice, 'DELETE', `${API}/registered-models/delete`, { name: 'm2' });
      // Bob creates a model of that name: alice's old MANAGE does not carry over.
      await okAs(loupe, bob, 'POST', `${API}/registered-models/create`, { name: 'm2' });
      expect((await call(alice, 'DELETE', `${API}/registered-models/delete`, { name: 'm2' })).status).toBe(403);
    });

    it('lets users read themselves and change their own password, but not manage users or make themselves admin', async () => {
      const me = await okAs(loupe, alice, 'GET', `${API}/users/get?username=alice`);
      expect(me.user).toEqual({
        id: expect.any(Number),
        username: 'alice',
        is_admin: false,
        experiment_permissions: [],
        registered_model_permissions: [],
        scorer_permissions: [],
      });
      for (const [method, url, body] of [
        ['GET', `${API}/users/get?username=bob`],
        ['POST', `${API}/users/create`, { username: 'eve', password: 'eve-password-12' }],
        ['PATCH', `${API}/users/update-admin`, { username: 'alice', is_admin: true }],
        ['PATCH', `${API}/users/update-password`, { username: 'bob', password: 'hijacked-password' }],
        ['DELETE', `${API}/users/delete`, { username: 'bob' }],
      ] as const) {
        expect((await call(alice, method, url, body)).status, `${method} ${url}`).toBe(403);
      }
      expect((await okAs(loupe, admin, 'GET', `${API}/users/get?username=alice`)).user).toMatchObject({ is_admin: false });
    });

    it('answers MLflow-style errors from the user API', async () => {
      const dup = await call(admin, 'POST', `${API}/users/create`, { username: 'alice', password: 'another-password' });
      expect(dup.status).toBe(400);
      expect(dup.body).toEqual({ error_code: 'RESOURCE_ALREADY_EXISTS', message: "User 'alice' already exists" });
      expect((await call(admin, 'GET', `${API}/users/get?username=nobody`)).body).toEqual({
        error_code: 'RESOURCE_DOES_NOT_EXIST',
        message: 'User with username=nobody not found',
      });
      const bad = await call(admin, 'POST', `${API}/experiments/permissions/create`, { experiment_id: '0', username: 'bob', permission: 'OWNER' });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toMatch(/Invalid permission 'OWNER'/);
      expect((await call(admin, 'POST', `${API}/users/create`, { username: 'eve', password: 'short' })).status).toBe(400);
    });

    it('forgets a changed password and a deleted user at once', async () => {
      expect((await call(bob, 'GET', `${API}/experiments/get?experiment_id=0`)).status).toBe(200);
      await okAs(loupe, bob, 'PATCH', `${API}/users/update-password`, { username: 'bob', password: 'bob-new-password' });
      expect((await call(bob, 'GET', `${API}/experiments/get?experiment_id=0`)).status).toBe(401);
      const renewed = basic('bob', 'bob-new-password');
      expect((await call(renewed, 'GET', `${API}/experiments/get?experiment_id=0`)).status).toBe(200);
      await okAs(loupe, admin, 'DELETE', `${API}/users/delete`, { username: 'bob' });
      expect((await call(renewed, 'GET', `${API}/experiments/get?experiment_id=0`)).status).toBe(401);
    });

    it('throttles failed logins per username with 429 and Retry-After, before hashing', async () => {
      for (let i = 0; i < 10; i++) expect((await call(basic('alice', `wrong-${i}`), 'GET', `${API}/experiments/get?experiment_id=0`)).status).toBe(401);
      const throttled = await call(alice, 'GET', `${API}/experiments/get?experiment_id=0`);
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(throttled.body.error_code).toBe('REQUEST_LIMIT_EXCEEDED');
      // Another user is not affected; after the window, alice may try again.
      expect((await call(bob, 'GET', `${API}/experiments/get?experiment_id=0`)).status).toBe(200);
      loupe.clock.advance(15 * 60_000 + 1);
      expect((await call(alice, 'GET', `${API}/experiments/get?experiment_id=0`)).status).toBe(200);
    });

    it('counts failed logins across servers: ten on one server hold the username back on another', async () => {
      const other = await createAuthLoupe({ database: { uri: database.uri, drop: async () => {} } });
      try {
        for (let i = 0; i < 10; i++) expect((await call(basic('alice', `wrong-${i}`), 'GET', `${API}/experiments/get?experiment_id=0`)).status).toBe(401);
        const elsewhere = await other.call('GET', `${API}/experiments/get?experiment_id=0`, undefined, alice);
        expect(elsewhere.status).toBe(429);
        expect(Number(elsewhere.headers.get('retry-after'))).toBeGreaterThan(0);
        expect((await other.call('GET', `${API}/experiments/get?experiment_id=0`, undefined, bob)).status).toBe(200);
      } finally {
        await other.dispose();
      }
    });

    it('a second server on the same database sees a revoked permission within the cache TTL', async () => {
      const other = await createAuthLoupe({ database: { uri: database.uri, drop: async () => {} } });
      try {
        const exp = (await okAs(loupe, alice, 'POST', `${API}/experiments/create`, { name: 'shared' })).experiment_id as string;
        expect((await other.call('GET', `${API}/experiments/get?experiment_id=${exp}`, undefined, bob)).status).toBe(200);
        await okAs(loupe, alice, 'POST', `${API}/experiments/permissions/create`, { experiment_id: exp, username: 'bob', permission: 'NO_PERMISSIONS' });
        // Within the TTL the other server may still use what it cached; after it, it reads the generation and forgets.
        other.clock.advance(1001);
        expect((await other.call('GET', `${API}/experiments/get?experiment_id=${exp}`, undefined, bob)).status).toBe(403);
        await okAs(loupe, admin, 'PATCH', `${API}/users/update-password`, { username: 'bob', password: 'bob-other-password' });
        other.clock.advance(1001);
        expect((await other.call('GET', `${API}/experiments/get?experiment_id=0`, undefined, bob)).status).toBe(401);
      } finally {
        await other.dispose();
      }
    });

    it('fills experiments/search pages with readable experiments only, across pages', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push((await okAs(loupe, admin, 'POST', `${API}/experiments/create`, { name: `e${i}` })).experiment_id as string);
      const hidden = new Set([ids[0], ids[2], ids[3], ids[5]]);
      for (const id of hidden)
        await okAs(loupe, admin, 'POST', `${API}/experiments/permissions/create`, { experiment_id: id, username: 'bob', permission: 'NO_PERMISSIONS' });
      const seen: string[] = [];
      const sizes: number[] = [];
      let token: string | undefined;
      do {
        const page = await okAs(loupe, bob, 'GET', `${API}/experiments/search?max_results=2${token ? `&page_token=${encodeURIComponent(token)}` : ''}`);
        const got = ((page.experiments ?? []) as { experiment_id: string }[]).map((e) => e.experiment_id);
        seen.push(...got);
        sizes.push(got.length);
        token = page.next_page_token as string | undefined;
      } while (token);
      expect(seen.filter((id) => hidden.has(id))).toEqual([]);
      expect(new Set(seen)).toEqual(new Set(['0', ...ids.filter((id) => !hidden.has(id))]));
      expect(sizes.slice(0, -1).every((n) => n === 2)).toBe(true);
    });

    it('records the signed-in user as the creator of a review queue, whatever the client claims', async () => {
      const exp = (await okAs(loupe, alice, 'POST', `${API}/experiments/create`, { name: 'reviews' })).experiment_id as string;
      const queue = await okAs(loupe, alice, 'POST', '/api/3.0/mlflow/review-queues/create', {
        experiment_id: exp,
        name: 'q',
        queue_type: 'CUSTOM',
        created_by: 'bob',
      });
      expect(queue.review_queue).toMatchObject({ created_by: 'alice' });
    });
  });
}
