import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackend, testBackends } from '@loupe/server/testing';
import { startCliServer, type CliServer } from './cli-server.js';

// MLflow 3.11's basic-auth flows, as the official Python client sends them, replayed over real HTTP
// against the built CLI started with `--app-name basic-auth` on each database (spec §11.4):
// `mlflow.server.get_app_client('basic-auth')` (AuthServiceClient: users and permissions, HTTP Basic
// from MLFLOW_TRACKING_USERNAME/PASSWORD) and the tracking client (experiments, runs, traces,
// assessments, artifacts, OTLP) as each user. Denials are what the client raises as
// RestException(PERMISSION_DENIED) or a 401.
const ADMIN = { username: 'admin', password: 'e2e-admin-password' };
const CLIENT_HEADERS = { 'user-agent': 'mlflow-python-client/3.11.0', 'x-mlflow-client-version': '3.11.0' };

function as(username: string, password: string): Record<string, string> {
  return { ...CLIENT_HEADERS, authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
}

const admin = as(ADMIN.username, ADMIN.password);
const alice = as('alice', 'alice-password-1');
const bob = as('bob', 'bob-password-123');
const api = (p: string) => `/api/2.0/mlflow/${p}`;
const TRACE_ID = `tr-${'5e'.repeat(16)}`;
/** One span, as OTLP/JSON (what an OpenTelemetry exporter sends to /v1/traces). */
const OTLP_ONE_SPAN = JSON.stringify({
  resourceSpans: [
    {
      scopeSpans: [
        { spans: [{ traceId: '7'.repeat(32), spanId: '1'.padStart(16, '0'), name: 'root', kind: 1, startTimeUnixNano: '1', endTimeUnixNano: '2' }] },
      ],
    },
  ],
});

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'MLflow Python client basic-auth flow', () => {
    let server: CliServer;
    const call = (who: Record<string, string>, method: string, p: string, body?: unknown) => server.call(method, p, body, who);
    const ok = async (who: Record<string, string>, method: string, p: string, body?: unknown) => {
      const res = await call(who, method, p, body);
      expect(res.status, `${method} ${p}: ${JSON.stringify(res.body)}`).toBe(200);
      return res.body;
    };
    const denied = async (who: Record<string, string>, method: string, p: string, body?: unknown) => {
      const res = await call(who, method, p, body);
      expect(res.status, `${method} ${p}: ${JSON.stringify(res.body)}`).toBe(403);
      expect(res.body.error_code).toBe('PERMISSION_DENIED');
    };
    const raw = (who: Record<string, string>, p: string, init: RequestInit = {}) =>
      fetch(`${server.url}${p}`, { ...init, headers: { ...who, ...(init.headers as Record<string, string>) } });

    beforeAll(async () => {
      server = await startCliServer(backend, 'loupe-auth-flow-', {
        args: ['--app-name', 'basic-auth'],
        env: { LOUPE_AUTH_ADMIN_USERNAME: ADMIN.username, LOUPE_AUTH_ADMIN_PASSWORD: ADMIN.password },
      });
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('answers 401 with a Basic challenge without credentials or with a wrong password, everywhere', async () => {
      for (const who of [CLIENT_HEADERS, as('admin', 'wrong-password')]) {
        for (const [method, p] of [
          ['GET', api('experiments/search?max_results=1')],
          ['GET', '/ajax-api/2.0/mlflow/experiments/search?max_results=1'],
          ['POST', '/v1/traces'],
          ['GET', '/api/2.0/mlflow-artifacts/artifacts?path=0'],
          ['GET', `/ajax-api/3.0/loupe/traces/${TRACE_ID}/spans`],
          ['GET', '/get-artifact?run_id=r&path=p'],
        ]) {
          const res = await raw(who, p!, { method });
          expect(res.status, `${method} ${p}`).toBe(401);
          expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
        }
      }
      expect((await raw({}, '/health')).status).toBe(200);
      expect(await (await raw({}, '/version')).text()).toMatch(/^\d+\.\d+/);
      // The UI shell carries Loupe's login page; its sign-in routes never challenge (no browser prompt).
      expect((await raw({}, '/')).status).toBe(200);
      const session = await raw({}, '/auth/session');
      expect(session.status).toBe(401);
      expect(session.headers.get('www-authenticate')).toBeNull();
    });

    it('admin creates users (AuthServiceClient.create_user / get_user)', async () => {
      for (const [username, password] of [
        ['alice', 'alice-password-1'],
        ['bob', 'bob-password-123'],
      ]) {
        const created = await ok(admin, 'POST', api('users/create'), { username, password });
        expect(created.user).toEqual({
          id: expect.any(Number),
          username,
          is_admin: false,
          experiment_permissions: [],
          registered_model_permissions: [],
          scorer_permissions: [],
        });
      }
      expect((await ok(admin, 'GET', api('users/get?username=bob'))).user).toMatchObject({ username: 'bob', is_admin: false });
      expect((await call(admin, 'POST', api('users/create'), { username: 'bob', password: 'bob-password-123' })).body.error_code).toBe(
        'RESOURCE_ALREADY_EXISTS',
      );
    });

    let exp: string;
    let runId: string;

    it('the creator of an experiment gets MANAGE; another user READs by default and is refused writes', async () => {
      exp = (await ok(alice, 'POST', api('experiments/create'), { name: 'alice-private' })).experiment_id;
      expect((await ok(admin, 'GET', api(`experiments/permissions/get?experiment_id=${exp}&username=alice`))).experiment_permission).toEqual({
        experiment_id: exp,
        user_id: expect.any(Number),
        permission: 'MANAGE',
      });
      runId = (await ok(alice, 'POST', api('runs/create'), { experiment_id: exp, start_time: 1 })).run.info.run_id;
      await ok(alice, 'POST', '/api/3.0/mlflow/traces', {
        trace: {
          trace_info: {
            trace_id: TRACE_ID,
            trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
            request_time: '2025-06-15T14:07:41.282Z',
            state: 'OK',
          },
        },
      });
      expect((await ok(bob, 'GET', api(`experiments/get?experiment_id=${exp}`))).experiment.name).toBe('alice-private');
      expect((await ok(bob, 'GET', `/api/3.0/mlflow/traces/${TRACE_ID}`)).trace.trace_info.trace_id).toBe(TRACE_ID);
      await denied(bob, 'POST', api('runs/create'), { experiment_id: exp, start_time: 1 });
      await denied(bob, 'POST', api('runs/log-metric'), { run_id: runId, key: 'm', value: 1, timestamp: 1 });
      await denied(bob, 'POST', api('experiments/set-experiment-tag'), { experiment_id: exp, key: 'k', value: 'v' });
      await denied(bob, 'POST', api('experiments/permissions/create'), { experiment_id: exp, username: 'bob', permission: 'MANAGE' });
      const upload = await raw(bob, `/api/2.0/mlflow-artifacts/artifacts/${exp}/${runId}/artifacts/x.txt`, { method: 'PUT', body: 'x' });
      expect(upload.status).toBe(403);
    });

    it('EDIT granted by the creator lets the other user log runs, metrics, artifacts and spans', async () => {
      expect(
        (await ok(alice, 'POST', api('experiments/permissions/create'), { experiment_id: exp, username: 'bob', permission: 'EDIT' })).experiment_permission,
      ).toMatchObject({ experiment_id: exp, permission: 'EDIT' });
      const run = (await ok(bob, 'POST', api('runs/create'), { experiment_id: exp, start_time: 2 })).run.info.run_id;
      await ok(bob, 'POST', api('runs/log-batch'), { run_id: run, metrics: [{ key: 'loss', value: 0.5, timestamp: 2, step: 0 }] });
      const put = await raw(bob, `/api/2.0/mlflow-artifacts/artifacts/${exp}/${run}/artifacts/notes.txt`, { method: 'PUT', body: 'hello' });
      expect(put.status).toBe(200);
      const otlp = await raw(bob, '/v1/traces', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': exp },
        body: OTLP_ONE_SPAN,
      });
      expect(otlp.status).toBe(200);
      // EDIT is not MANAGE: no deleting the experiment, no granting.
      await denied(bob, 'POST', api('experiments/delete'), { experiment_id: exp });
      await denied(bob, 'PATCH', api('experiments/permissions/update'), { experiment_id: exp, username: 'bob', permission: 'MANAGE' });
    });

    it('NO_PERMISSIONS hides the experiment and refuses its runs, traces, assessments, spans, artifacts and OTLP', async () => {
      await ok(alice, 'PATCH', api('experiments/permissions/update'), { experiment_id: exp, username: 'bob', permission: 'NO_PERMISSIONS' });
      const listed = await ok(bob, 'POST', api('experiments/search'), { max_results: 1000 });
      expect((listed.experiments ?? []).map((e: { experiment_id: string }) => e.experiment_id)).not.toContain(exp);
      await denied(bob, 'GET', api(`experiments/get?experiment_id=${exp}`));
      await denied(bob, 'GET', api('experiments/get-by-name?experiment_name=alice-private'));
      await denied(bob, 'GET', api(`runs/get?run_id=${runId}`));
      await denied(bob, 'POST', api('runs/search'), { experiment_ids: [exp] });
      // The MLflow 3.11 gap (spec §11.4): GET /api/3.0/mlflow/traces/{id} is checked here.
      await denied(bob, 'GET', `/api/3.0/mlflow/traces/${TRACE_ID}`);
      await denied(bob, 'GET', `/api/3.0/mlflow/traces/get?trace_id=${TRACE_ID}`);
      await denied(bob, 'POST', '/api/3.0/mlflow/traces/search', { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }] });
      await denied(bob, 'GET', `/api/2.0/mlflow/traces?experiment_ids=${exp}`);
      await denied(bob, 'POST', `/api/3.0/mlflow/traces/${TRACE_ID}/assessments`, {
        assessment: { assessment_name: 'x', trace_id: TRACE_ID, source: { source_type: 'HUMAN', source_id: 'bob' }, feedback: { value: true } },
      });
      await denied(bob, 'GET', `/ajax-api/3.0/loupe/traces/${TRACE_ID}/spans`);
      expect((await raw(bob, `/ajax-api/2.0/mlflow/get-trace-artifact?request_id=${TRACE_ID}`)).status).toBe(403);
      expect((await raw(bob, `/api/2.0/mlflow-artifacts/artifacts/${exp}/${runId}/artifacts/notes.txt`)).status).toBe(403);
      expect((await raw(bob, `/get-artifact?run_id=${runId}&path=notes.txt`)).status).toBe(403);
      const otlp = await raw(bob, '/v1/traces', { method: 'POST', headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': exp }, body: '{}' });
      expect(otlp.status).toBe(403);
      // Admins bypass.
      expect((await ok(admin, 'GET', `/api/3.0/mlflow/traces/${TRACE_ID}`)).trace.trace_info.trace_id).toBe(TRACE_ID);
    });

    it('registered models: creator MANAGE, others READ by default and refused on writes', async () => {
      await ok(alice, 'POST', api('registered-models/create'), { name: 'alice-model' });
      expect((await ok(alice, 'GET', api('registered-models/permissions/get?name=alice-model&username=alice'))).registered_model_permission).toMatchObject({
        name: 'alice-model',
        permission: 'MANAGE',
      });
      expect((await ok(bob, 'GET', api('registered-models/get?name=alice-model'))).registered_model.name).toBe('alice-model');
      await denied(bob, 'POST', api('model-versions/create'), { name: 'alice-model', source: 's3://bucket/model' });
      await denied(bob, 'DELETE', api('registered-models/delete'), { name: 'alice-model' });
      await ok(alice, 'POST', api('registered-models/permissions/create'), { name: 'alice-model', username: 'bob', permission: 'NO_PERMISSIONS' });
      const found = await ok(bob, 'GET', api('registered-models/search?max_results=100'));
      expect((found.registered_models ?? []).map((m: { name: string }) => m.name)).not.toContain('alice-model');
    });

    it('non-admins cannot manage users or make themselves admin; they can change their own password', async () => {
      await denied(bob, 'POST', api('users/create'), { username: 'eve', password: 'eve-password-12' });
      await denied(bob, 'PATCH', api('users/update-admin'), { username: 'bob', is_admin: true });
      await denied(bob, 'DELETE', api('users/delete'), { username: 'alice' });
      await denied(bob, 'GET', api('users/get?username=alice'));
      await denied(bob, 'PATCH', api('users/update-password'), { username: 'alice', password: 'stolen-password' });
      expect((await ok(admin, 'GET', api('users/get?username=bob'))).user.is_admin).toBe(false);
      await ok(bob, 'PATCH', api('users/update-password'), { username: 'bob', password: 'bob-changed-password' });
      expect((await call(bob, 'GET', api('experiments/search?max_results=1'))).status).toBe(401);
      expect((await call(as('bob', 'bob-changed-password'), 'GET', api('experiments/search?max_results=1'))).status).toBe(200);
      // An admin makes bob an admin: then he bypasses.
      await ok(admin, 'PATCH', api('users/update-admin'), { username: 'bob', is_admin: true });
      expect((await ok(as('bob', 'bob-changed-password'), 'GET', api(`experiments/get?experiment_id=${exp}`))).experiment.experiment_id).toBe(exp);
      await ok(admin, 'DELETE', api('users/delete'), { username: 'bob' });
      expect((await call(as('bob', 'bob-changed-password'), 'GET', api('experiments/search?max_results=1'))).status).toBe(401);
    });
  });

  describeOnBackend(backend, 'first start with auth on and no admin password', () => {
    let server: CliServer;
    beforeAll(async () => {
      server = await startCliServer(backend, 'loupe-auth-admin-', { args: ['--app-name', 'basic-auth'], env: { LOUPE_AUTH_ADMIN_PASSWORD: '' } });
    });
    afterAll(async () => {
      await server?.stop();
    });

    it("creates 'admin' with a random password printed once (never MLflow's password1234)", async () => {
      const pattern = /created the admin user 'admin' with the password (\S+)/;
      // The notice follows the "listening" line the start-up waited for.
      await server.waitForOutput(pattern);
      const printed = pattern.exec(server.output());
      expect(printed, server.output()).not.toBeNull();
      const password = printed![1]!;
      expect(password).not.toBe('password1234');
      expect(password.length).toBeGreaterThanOrEqual(20);
      expect((await server.call('GET', api('users/get?username=admin'), undefined, as('admin', password))).body.user).toMatchObject({ is_admin: true });
      expect((await server.call('GET', api('users/get?username=admin'), undefined, as('admin', 'password1234'))).status).toBe(401);
    });
  });
}
