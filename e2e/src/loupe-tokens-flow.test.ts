import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLoupe, LoupeApiError } from '@loupe/sdk';
import { describeOnBackend, testBackends } from '@loupe/server/testing';
import { startCliServer, type CliServer } from './cli-server.js';

// API tokens over real HTTP against the built CLI with `--app-name basic-auth`, on each database
// (docs/adr/0013-auth.md §7, §8): a token created over the API authenticates @loupe/sdk configured
// only by its environment (MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN, or LOUPE_TRACKING_TOKEN), for
// the tracking client and the OTLP export alike, and MLflow's own clients (which send
// MLFLOW_TRACKING_TOKEN as `Authorization: Bearer`); a revoked token is refused at once; the audit
// log records what happened, and only admins read it.
const ADMIN = { username: 'admin', password: 'e2e-admin-password' };
const basic = (username: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` });
const admin = basic(ADMIN.username, ADMIN.password);
const alice = basic('alice', 'alice-password-1');
const MLFLOW_CLIENT = { 'user-agent': 'mlflow-python-client/3.11.0', 'x-mlflow-client-version': '3.11.0' };

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'API tokens with @loupe/sdk and MLflow clients', () => {
    let server: CliServer;
    const ok = async (who: Record<string, string>, method: string, p: string, body?: unknown) => {
      const res = await server.call(method, p, body, who);
      expect(res.status, `${method} ${p}: ${JSON.stringify(res.body)}`).toBe(200);
      return res.body;
    };

    beforeAll(async () => {
      server = await startCliServer(backend, 'loupe-tokens-flow-', {
        args: ['--app-name', 'basic-auth'],
        env: { LOUPE_AUTH_ADMIN_USERNAME: ADMIN.username, LOUPE_AUTH_ADMIN_PASSWORD: ADMIN.password },
      });
      await ok(admin, 'POST', '/api/2.0/mlflow/users/create', { username: 'alice', password: 'alice-password-1' });
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('a token authenticates the SDK (runs and OTLP traces) and MLflow clients; revoked, it is refused', async () => {
      const created = await ok(alice, 'POST', '/api/2.0/loupe/tokens/create', { name: 'sdk', expires_in_days: 7 });
      const secret = created.secret as string;
      const tokenId = (created.token as { token_id: string }).token_id;
      expect(secret).toMatch(/^lpt_/);

      // The SDK, configured only by the environment an application would set.
      const sdk = createLoupe(
        { experimentName: 'token-e2e', export: { flushOnExit: false } },
        { MLFLOW_TRACKING_URI: server.url, MLFLOW_TRACKING_TOKEN: secret },
      );
      try {
        const experimentId = await sdk.experimentId();
        const run = await sdk.client.startRun({ experimentId, runName: 'with-token' });
        await sdk.client.logMetric(run.info.run_id, 'loss', 0.5, { step: 1 });
        await sdk.client.endRun(run.info.run_id);
        const answer = sdk.trace(async (q: string) => `echo ${q}`, { name: 'answer' });
        expect(await answer('hi')).toBe('echo hi');
        await sdk.flushTraces();
        expect(sdk.exportStats().loupe).toMatchObject({ droppedFailed: 0, droppedQueueFull: 0 });
        const traces = await sdk.client.searchTraces({ experimentIds: [experimentId] });
        expect(traces.items).toHaveLength(1);
        expect(traces.items[0]?.spans.map((s) => s.name)).toEqual(['answer']);
        const fetched = await ok(alice, 'GET', `/api/2.0/mlflow/runs/get?run_id=${run.info.run_id}`);
        expect((fetched.run as { data: { metrics: { key: string; value: number }[] } }).data.metrics).toEqual([
          expect.objectContaining({ key: 'loss', value: 0.5 }),
        ]);

        // LOUPE_TRACKING_TOKEN works the same; MLflow's Python client sends MLFLOW_TRACKING_TOKEN as a bearer header.
        const viaLoupeEnv = createLoupe({ export: { flushOnExit: false } }, { LOUPE_TRACKING_URI: server.url, LOUPE_TRACKING_TOKEN: secret });
        expect((await viaLoupeEnv.client.getExperiment(experimentId)).name).toBe('token-e2e');
        await viaLoupeEnv.shutdown();
        await ok({ ...MLFLOW_CLIENT, authorization: `Bearer ${secret}` }, 'GET', `/api/2.0/mlflow/experiments/get?experiment_id=${experimentId}`);

        // A token gives its user's rights, no more: alice is no admin.
        for (const p of ['/api/2.0/loupe/audit/search', '/api/2.0/loupe/users/list']) {
          const res = await server.call('GET', p, undefined, { authorization: `Bearer ${secret}` });
          expect(res.status, p).toBe(403);
        }

        await ok(alice, 'POST', '/api/2.0/loupe/tokens/revoke', { token_id: tokenId });
        const refused = await sdk.client.getExperiment(experimentId).then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(refused).toBeInstanceOf(LoupeApiError);
        expect((refused as LoupeApiError).status).toBe(401);
        const otlp = await fetch(`${server.url}/v1/traces`, {
          method: 'POST',
          headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', 'x-mlflow-experiment-id': experimentId },
          body: '{}',
        });
        expect(otlp.status).toBe(401);
      } finally {
        await sdk.shutdown();
      }

      // The audit log: what alice did with her token, newest first; admins only.
      const events = (await ok(admin, 'GET', '/api/2.0/loupe/audit/search?actor=alice')).events as { action: string; via: string; resource_id: string }[];
      expect(events.map((e) => `${e.action}/${e.via}`)).toEqual(['token.revoke/basic', 'token.use/bearer', 'token.create/basic']);
      expect(events.every((e) => e.resource_id === tokenId)).toBe(true);
      const userCreates = (await ok(admin, 'GET', '/api/2.0/loupe/audit/search?action=user.create')).events as { actor: string; resource_id: string }[];
      expect(userCreates.map((e) => `${e.actor}:${e.resource_id}`)).toEqual(['admin:alice', 'local:admin']);
      const listed = (await ok(admin, 'GET', '/api/2.0/loupe/tokens/list?username=alice')).tokens as { revoked_at?: number; last_used_at?: number }[];
      expect(listed).toEqual([expect.objectContaining({ revoked_at: expect.any(Number), last_used_at: expect.any(Number) })]);
    });

    it('records deletions by token users with their actor, and keeps the audit log from non-admins', async () => {
      const { secret } = (await ok(alice, 'POST', '/api/2.0/loupe/tokens/create', { name: 'deleter' })) as { secret: string };
      const asToken = { ...MLFLOW_CLIENT, authorization: `Bearer ${secret}` };
      const exp = (await ok(asToken, 'POST', '/api/2.0/mlflow/experiments/create', { name: 'to-delete' })).experiment_id as string;
      await ok(asToken, 'POST', '/api/2.0/mlflow/experiments/delete', { experiment_id: exp });
      const events = (await ok(admin, 'GET', '/api/2.0/loupe/audit/search?action=experiment.delete')).events as {
        actor: string;
        via: string;
        resource_id: string;
      }[];
      expect(events).toEqual([expect.objectContaining({ actor: 'alice', via: 'bearer', resource_id: exp })]);
      expect((await server.call('GET', '/api/2.0/loupe/audit/search', undefined, alice)).status).toBe(403);
      expect((await server.call('GET', '/api/2.0/loupe/users/list', undefined, alice)).status).toBe(403);
      expect(((await ok(admin, 'GET', '/api/2.0/loupe/users/list')).users as { username: string }[]).map((u) => u.username)).toEqual(['admin', 'alice']);
    });
  });
}
