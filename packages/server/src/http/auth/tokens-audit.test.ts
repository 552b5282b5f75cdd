import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeOnBackend, testBackends, type TestDatabase } from '../../testing/backends.js';
import type { TestLoupe } from '../../testing/test-loupe.js';
import { ADMIN, basic, createAuthLoupe, okAs } from './auth-fixtures.js';

/**
 * API tokens, the audit log and the admin UI's listings (docs/adr/0013-auth.md §7-§9, docs/api.md),
 * in process, on SQLite and PostgreSQL. Over real HTTP with the SDK: e2e/src/loupe-tokens-flow.test.ts.
 */
const API = '/api/2.0/mlflow';
const LOUPE = '/api/2.0/loupe';
const admin = basic(ADMIN.username, ADMIN.password);
const alice = basic('alice', 'alice-password-1');
const bob = basic('bob', 'bob-password-123');
const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

interface TokenInfo {
  token_id: string;
  name: string;
  username: string;
  token_prefix: string;
  created_at: number;
  last_used_at?: number;
  expires_at?: number;
  revoked_at?: number;
}
interface AuditEvent {
  event_id: string;
  time: number;
  actor: string;
  via: string;
  action: string;
  resource_type: string;
  resource_id: string;
  detail: string;
}

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'API tokens, audit log and listings', () => {
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
    const createToken = async (who: Record<string, string>, body: Record<string, unknown> = { name: 'ci' }) =>
      (await okAs(loupe, who, 'POST', `${LOUPE}/tokens/create`, body)) as { token: TokenInfo; secret: string };
    const tokensOf = async (who: Record<string, string>, username?: string) =>
      (await okAs(loupe, who, 'GET', `${LOUPE}/tokens/list${username ? `?username=${username}` : ''}`)).tokens as TokenInfo[];
    const audit = async (query = '') => (await okAs(loupe, admin, 'GET', `${LOUPE}/audit/search?max_results=1000${query}`)).events as AuditEvent[];
    const whoAmI = async (who: Record<string, string>) => call(who, 'GET', `${LOUPE}/tokens/list`);

    it('creates a token whose secret is shown once and authenticates as its user', async () => {
      const { token, secret } = await createToken(alice, { name: 'ci', expires_in_days: 30 });
      expect(secret).toMatch(/^lpt_[A-Za-z0-9_-]{43}$/);
      expect(token).toEqual({
        token_id: expect.any(String),
        name: 'ci',
        username: 'alice',
        token_prefix: secret.slice(0, 8),
        created_at: loupe.clock.now(),
        expires_at: loupe.clock.now() + 30 * 86_400_000,
      });
      const listed = await tokensOf(bearer(secret));
      expect(listed.map((t) => t.token_id)).toEqual([token.token_id]);
      expect(JSON.stringify(listed)).not.toContain(secret.slice(8));
      expect(listed[0]?.last_used_at).toBe(loupe.clock.now());
      // The bearer's principal is alice: what she creates is hers (creator MANAGE).
      const exp = (await okAs(loupe, bearer(secret), 'POST', `${API}/experiments/create`, { name: 'by-token' })).experiment_id as string;
      const holders = await okAs(loupe, alice, 'GET', `${LOUPE}/experiments/permissions/list?experiment_id=${exp}`);
      expect(holders.permissions).toEqual([{ username: 'alice', permission: 'MANAGE' }]);
    });

    it('refuses unknown, malformed, revoked and expired tokens with 401; a revoke works at once', async () => {
      for (const header of [bearer('lpt_not-a-token'), bearer('x'), { authorization: 'Bearer' }, { authorization: 'Bearer a b' }]) {
        const res = await whoAmI(header);
        expect(res.status, header.authorization).toBe(401);
        expect(res.body.error_code).toBe('UNAUTHENTICATED');
      }
      const { token, secret } = await createToken(alice);
      expect((await whoAmI(bearer(secret))).status).toBe(200);
      await okAs(loupe, alice, 'POST', `${LOUPE}/tokens/revoke`, { token_id: token.token_id });
      expect((await whoAmI(bearer(secret))).status).toBe(401);
      // Revoking again changes nothing; the list keeps the revoked token, marked.
      await okAs(loupe, alice, 'POST', `${LOUPE}/tokens/revoke`, { token_id: token.token_id });
      expect((await tokensOf(alice))[0]?.revoked_at).toBe(loupe.clock.now());
      expect((await audit('&action=token.revoke')).length).toBe(1);

      const short = await createToken(alice, { name: 'short', expires_in_days: 1 });
      expect((await whoAmI(bearer(short.secret))).status).toBe(200);
      loupe.clock.advance(86_400_000);
      expect((await whoAmI(bearer(short.secret))).status).toBe(401);
    });

    it('refuses the token of a deleted user, and of a user deleted on another server within the cache TTL', async () => {
      const { secret } = await createToken(bob);
      const other = await createAuthLoupe({ database: { uri: database.uri, drop: async () => {} } });
      try {
        expect((await other.call('GET', `${LOUPE}/tokens/list`, undefined, bearer(secret))).status).toBe(200);
        await okAs(loupe, admin, 'DELETE', `${API}/users/delete`, { username: 'bob' });
        expect((await whoAmI(bearer(secret))).status).toBe(401);
        other.clock.advance(1001);
        expect((await other.call('GET', `${LOUPE}/tokens/list`, undefined, bearer(secret))).status).toBe(401);
      } finally {
        await other.dispose();
      }
    });

    it('sees a token revoked on another server within the cache TTL', async () => {
      const { token, secret } = await createToken(alice);
      const other = await createAuthLoupe({ database: { uri: database.uri, drop: async () => {} } });
      try {
        expect((await other.call('GET', `${LOUPE}/tokens/list`, undefined, bearer(secret))).status).toBe(200);
        await okAs(loupe, alice, 'POST', `${LOUPE}/tokens/revoke`, { token_id: token.token_id });
        other.clock.advance(1001);
        expect((await other.call('GET', `${LOUPE}/tokens/list`, undefined, bearer(secret))).status).toBe(401);
      } finally {
        await other.dispose();
      }
    });

    it('records a use at most once a minute per token (last_used_at and token.use)', async () => {
      const { token, secret } = await createToken(alice);
      const start = loupe.clock.now();
      for (let i = 0; i < 5; i++) expect((await whoAmI(bearer(secret))).status).toBe(200);
      loupe.clock.advance(30_000);
      expect((await whoAmI(bearer(secret))).status).toBe(200);
      expect((await tokensOf(alice))[0]?.last_used_at).toBe(start);
      loupe.clock.advance(30_000);
      expect((await whoAmI(bearer(secret))).status).toBe(200);
      expect((await tokensOf(alice))[0]?.last_used_at).toBe(start + 60_000);
      const uses = await audit('&action=token.use');
      expect(uses.map((e) => [e.actor, e.via, e.resource_id, e.time])).toEqual([
        ['alice', 'bearer', token.token_id, start + 60_000],
        ['alice', 'bearer', token.token_id, start],
      ]);
    });

    it('keeps tokens to their owner: others cannot list, create for or revoke them; admins can', async () => {
      const { token } = await createToken(alice);
      expect((await call(bob, 'GET', `${LOUPE}/tokens/list?username=alice`)).status).toBe(403);
      expect((await call(bob, 'POST', `${LOUPE}/tokens/create`, { name: 'x', username: 'alice' })).status).toBe(403);
      const revoke = await call(bob, 'POST', `${LOUPE}/tokens/revoke`, { token_id: token.token_id });
      expect(revoke.status).toBe(403);
      expect(revoke.body.error_code).toBe('PERMISSION_DENIED');
      expect(await tokensOf(bob)).toEqual([]);
      expect((await call(bob, 'POST', `${LOUPE}/tokens/revoke`, { token_id: 'missing' })).status).toBe(404);

      const forAlice = await createToken(admin, { name: 'made by admin', username: 'alice' });
      expect(forAlice.token.username).toBe('alice');
      expect((await tokensOf(admin, 'alice')).map((t) => t.name).sort()).toEqual(['ci', 'made by admin']);
      await okAs(loupe, admin, 'POST', `${LOUPE}/tokens/revoke`, { token_id: token.token_id });
      expect((await call(admin, 'POST', `${LOUPE}/tokens/create`, { name: 'x', username: 'nobody' })).status).toBe(404);
    });

    it('validates token names and lifetimes', async () => {
      for (const body of [{}, { name: '' }, { name: 'x'.repeat(101) }, { name: 'x', expires_in_days: 0 }, { name: 'x', expires_in_days: 3651 }]) {
        const res = await call(alice, 'POST', `${LOUPE}/tokens/create`, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      }
    });

    it('audits user, permission, token and deletion changes with actor, via and time, newest first', async () => {
      const t0 = loupe.clock.now();
      const { token, secret } = await createToken(alice, { name: 'ci' });
      const asToken = bearer(secret);
      const exp = (await okAs(loupe, asToken, 'POST', `${API}/experiments/create`, { name: 'audited' })).experiment_id as string;
      await okAs(loupe, alice, 'POST', `${API}/experiments/permissions/create`, { experiment_id: exp, username: 'bob', permission: 'READ' });
      await okAs(loupe, alice, 'PATCH', `${API}/experiments/permissions/update`, { experiment_id: exp, username: 'bob', permission: 'EDIT' });
      await okAs(loupe, alice, 'DELETE', `${API}/experiments/permissions/delete`, { experiment_id: exp, username: 'bob' });
      await okAs(loupe, admin, 'POST', `${API}/registered-models/create`, { name: 'm' });
      await okAs(loupe, admin, 'POST', `${API}/registered-models/permissions/create`, { name: 'm', username: 'bob', permission: 'READ' });
      await okAs(loupe, admin, 'PATCH', `${API}/users/update-admin`, { username: 'bob', is_admin: true });
      await okAs(loupe, bob, 'PATCH', `${API}/users/update-password`, { username: 'bob', password: 'bob-new-password-1' });
      const bob2 = basic('bob', 'bob-new-password-1');
      const run = ((await okAs(loupe, asToken, 'POST', `${API}/runs/create`, { experiment_id: exp })).run as { info: { run_id: string } }).info.run_id;
      await okAs(loupe, asToken, 'POST', `${API}/runs/delete`, { run_id: run });
      const ds = (
        (await okAs(loupe, asToken, 'POST', '/api/3.0/mlflow/datasets/create', { name: 'ds', experiment_ids: [exp] })).dataset as { dataset_id: string }
      ).dataset_id;
      await okAs(loupe, asToken, 'DELETE', `/api/3.0/mlflow/datasets/${ds}`);
      await okAs(loupe, asToken, 'POST', '/api/3.0/mlflow/traces/delete-traces', { experiment_id: exp, max_timestamp_millis: 1, max_traces: 10 });
      await okAs(loupe, admin, 'POST', `${API}/model-versions/create`, { name: 'm', source: 'mlflow-artifacts:/x' });
      await okAs(loupe, bob2, 'DELETE', `${API}/model-versions/delete`, { name: 'm', version: '1' });
      await okAs(loupe, admin, 'DELETE', `${API}/registered-models/delete`, { name: 'm' });
      const hook = (await okAs(loupe, admin, 'POST', `${API}/webhooks`, {
        name: 'hook',
        url: 'https://example.com/hook',
        events: [{ entity: 'registered_model', action: 'created' }],
      })) as { webhook: { webhook_id: string } };
      await okAs(loupe, admin, 'DELETE', `${API}/webhooks/${hook.webhook.webhook_id}`);
      await okAs(loupe, asToken, 'POST', `${API}/experiments/delete`, { experiment_id: exp });
      await okAs(loupe, alice, 'POST', `${LOUPE}/tokens/revoke`, { token_id: token.token_id });
      await okAs(loupe, admin, 'DELETE', `${API}/users/delete`, { username: 'bob' });

      const events = await audit();
      const summary = events.map((e) => `${e.actor}/${e.via} ${e.action} ${e.resource_type}:${e.resource_id}`);
      expect(summary).toEqual([
        'admin/basic user.delete user:bob',
        `alice/basic token.revoke token:${token.token_id}`,
        `alice/bearer experiment.delete experiment:${exp}`,
        `admin/basic webhook.delete webhook:${hook.webhook.webhook_id}`,
        'admin/basic registered_model.delete registered_model:m',
        'bob/basic model_version.delete model_version:m/1',
        `alice/bearer traces.delete experiment:${exp}`,
        `alice/bearer dataset.delete dataset:${ds}`,
        `alice/bearer run.delete run:${run}`,
        'bob/basic user.update_password user:bob',
        'admin/basic user.update_admin user:bob',
        'admin/basic permission.create registered_model:m',
        `alice/basic permission.delete experiment:${exp}`,
        `alice/basic permission.update experiment:${exp}`,
        `alice/basic permission.create experiment:${exp}`,
        `alice/bearer token.use token:${token.token_id}`,
        `alice/basic token.create token:${token.token_id}`,
        'admin/basic user.create user:bob',
        'admin/basic user.create user:alice',
        'local/local user.create user:admin',
      ]);
      expect(events.every((e) => e.time === t0)).toBe(true);
      expect(JSON.parse(events.find((e) => e.action === 'permission.update')!.detail)).toEqual({ username: 'bob', permission: 'EDIT' });
      expect(JSON.parse(events.find((e) => e.action === 'traces.delete')!.detail)).toEqual({ max_timestamp_millis: 1, max_traces: 10, traces_deleted: 0 });
      expect(JSON.stringify(events)).not.toContain(secret);

      // Filters and pages.
      expect((await audit('&actor=bob')).map((e) => e.action)).toEqual(['model_version.delete', 'user.update_password']);
      expect((await audit('&resource_type=user&action=user.create')).map((e) => e.resource_id)).toEqual(['bob', 'alice', 'admin']);
      const seen: string[] = [];
      let pageToken: string | undefined;
      do {
        const page = await okAs(loupe, admin, 'GET', `${LOUPE}/audit/search?max_results=7${pageToken ? `&page_token=${pageToken}` : ''}`);
        seen.push(...(page.events as AuditEvent[]).map((e) => e.event_id));
        pageToken = page.next_page_token as string | undefined;
      } while (pageToken);
      expect(seen).toEqual(events.map((e) => e.event_id));
      expect((await call(admin, 'GET', `${LOUPE}/audit/search?page_token=garbage`)).status).toBe(400);
    });

    it('keeps the audit log and the user list to admins; permission lists to MANAGE holders', async () => {
      for (const url of [`${LOUPE}/audit/search`, `${LOUPE}/users/list`]) {
        const res = await call(alice, 'GET', url);
        expect(res.status, url).toBe(403);
        expect(res.body.error_code).toBe('PERMISSION_DENIED');
      }
      const users = await okAs(loupe, admin, 'GET', `${LOUPE}/users/list`);
      expect(users.users).toEqual([
        { id: expect.any(Number), username: 'admin', is_admin: true },
        { id: expect.any(Number), username: 'alice', is_admin: false },
        { id: expect.any(Number), username: 'bob', is_admin: false },
      ]);
      const exp = (await okAs(loupe, alice, 'POST', `${API}/experiments/create`, { name: 'e' })).experiment_id as string;
      await okAs(loupe, alice, 'POST', `${API}/registered-models/create`, { name: 'm' });
      await okAs(loupe, alice, 'POST', `${API}/registered-models/permissions/create`, { name: 'm', username: 'bob', permission: 'READ' });
      expect((await okAs(loupe, alice, 'GET', `${LOUPE}/registered-models/permissions/list?name=m`)).permissions).toEqual([
        { username: 'alice', permission: 'MANAGE' },
        { username: 'bob', permission: 'READ' },
      ]);
      expect((await call(bob, 'GET', `${LOUPE}/registered-models/permissions/list?name=m`)).status).toBe(403);
      expect((await call(bob, 'GET', `${LOUPE}/experiments/permissions/list?experiment_id=${exp}`)).status).toBe(403);
      expect((await okAs(loupe, admin, 'GET', `${LOUPE}/experiments/permissions/list?experiment_id=${exp}`)).permissions).toEqual([
        { username: 'alice', permission: 'MANAGE' },
      ]);
    });
  });
}
