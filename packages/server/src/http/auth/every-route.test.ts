import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestLoupe } from '../../testing/test-loupe.js';
import { ALL_RPC_ROUTES, AUTH_RPC_ROUTES } from '../app.js';
import type { RpcRoute } from '../rpc.js';
import { ADMIN, basic, createAuthLoupe, okAs, seedWorld, type AuthWorld } from './auth-fixtures.js';
import { NON_RPC_ROUTES } from './non-rpc-routes.js';

/**
 * The every-route test (docs/adr/0013-auth.md, Consequences): each registered route, called without
 * credentials, answers 401; called by a user with NO_PERMISSIONS on the seeded experiment and model,
 * every route that touches them (or needs an admin) answers 403 PERMISSION_DENIED. A route the app
 * registered without a declaration fails here.
 */

const ROUTES = [...ALL_RPC_ROUTES, ...AUTH_RPC_ROUTES];
const MALLORY = { username: 'mallory', password: 'mallory-password' };

let loupe: TestLoupe;
let world: AuthWorld;
const mallory = basic(MALLORY.username, MALLORY.password);

beforeAll(async () => {
  // Default permission READ (MLflow's): mallory's explicit NO_PERMISSIONS rows are what refuse her.
  loupe = await createAuthLoupe();
  world = await seedWorld(loupe);
  const admin = basic(ADMIN.username, ADMIN.password);
  await okAs(loupe, admin, 'POST', '/api/2.0/mlflow/users/create', MALLORY);
  await okAs(loupe, admin, 'POST', '/api/2.0/mlflow/experiments/permissions/create', {
    experiment_id: world.experimentId,
    username: 'mallory',
    permission: 'NO_PERMISSIONS',
  });
  await okAs(loupe, admin, 'POST', '/api/2.0/mlflow/registered-models/permissions/create', {
    name: world.modelName,
    username: 'mallory',
    permission: 'NO_PERMISSIONS',
  });
});
afterAll(async () => {
  await loupe.dispose();
});

/** A request each route decodes, naming the seeded resources (fields a route does not know are ignored). */
function sampleInput(route: RpcRoute): Record<string, unknown> {
  const w = world;
  const common: Record<string, unknown> = {
    experiment_id: w.experimentId,
    experiment_ids: [w.experimentId],
    run_id: w.runId,
    run_ids: [w.runId],
    trace_id: w.traceId,
    request_id: w.traceId,
    trace_ids: [w.traceId],
    model_id: w.loggedModelId,
    dataset_id: w.datasetId,
    name: w.modelName,
    version: '1',
    schema_id: w.schemaId,
    queue_id: w.queueId,
    queue_ids: [w.queueId],
    key: 'k',
    value: '1',
    timestamp: 1,
    metric_key: 'm',
    username: ADMIN.username,
    password: 'a-new-password-1',
    permission: 'READ',
    is_admin: 'true',
    new_name: 'renamed',
    experiment_name: 'secret',
    source: `runs:/${w.runId}/model`,
    alias: 'champion',
    stage: 'Staging',
    archive_existing_versions: 'false',
    timestamp_ms: 1,
    user: 'mallory',
    item_type: 'TRACE',
    item_ids: [w.traceId],
    item_id: w.traceId,
    max_timestamp_millis: 1,
    model_json: '{}',
    secret_id: 's-1',
    model_definition_id: 'd-1',
    endpoint_id: 'e-1',
    budget_policy_id: 'bp-1',
    resource_type: 'scorer',
    resource_id: 'sc-1',
  };
  const special: Record<string, Record<string, unknown>> = {
    'POST /mlflow/traces@3': {
      trace: {
        trace_info: {
          trace_id: `tr-${'cd'.repeat(16)}`,
          trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: w.experimentId } },
          request_time: '2025-06-15T14:07:41.282Z',
          state: 'OK',
        },
      },
    },
    'POST /mlflow/traces/metrics': { view_type: 'TRACES', metric_name: 'trace_count', aggregations: [{ aggregation_type: 'COUNT' }] },
    'POST /mlflow/traces/:trace_id/assessments': {
      assessment: { assessment_name: 'x', trace_id: w.traceId, source: { source_type: 'HUMAN', source_id: 'm' }, feedback: { value: true } },
    },
    'PATCH /mlflow/traces/:trace_id/assessments/:assessment_id': { assessment: { rationale: 'x' }, update_mask: 'rationale' },
    'POST /mlflow/traces/link-prompts': { prompt_versions: [{ name: w.modelName, version: '1' }] },
    'PATCH /mlflow/traces/:request_id': { status: 'OK' },
    'PATCH /mlflow/logged-models/:model_id': { status: 'LOGGED_MODEL_READY' },
    'PATCH /mlflow/logged-models/:model_id/tags': { tags: [{ key: 'k', value: 'v' }] },
    'POST /mlflow/logged-models/:model_id/params': { params: [{ key: 'k', value: 'v' }] },
    'POST /mlflow/runs/outputs': { models: [{ model_id: w.loggedModelId, step: 0 }] },
    'GET /mlflow/metrics/get-history-bulk': { run_id: [w.runId] },
    'PATCH /mlflow/datasets/:dataset_id/tags': { tags: '{"a": "b"}' },
    'POST /mlflow/datasets/:dataset_id/records': { records: '[{"inputs": {"q": 1}}]' },
    'DELETE /mlflow/datasets/:dataset_id/records': { dataset_record_ids: ['r-1'] },
    'POST /mlflow/datasets/create': { name: 'ds2' },
    'POST /mlflow/label-schemas/create': { name: 'q2', type: 'FEEDBACK', input: { pass_fail: { positive_label: 'Y', negative_label: 'N' } } },
    'GET /mlflow/label-schemas/get-by-name': { name: 'q' },
    'PATCH /mlflow/label-schemas/update': { name: 'q3' },
    'POST /mlflow/review-queues/create': { name: 'q2', queue_type: 'CUSTOM' },
    'GET /mlflow/review-queues/get-by-name': { name: 'queue' },
    'POST /mlflow/review-queues/items/set-status': { status: 'COMPLETE' },
    'GET /loupe/traces/:trace_id/spans/around': { span_id: 'abcdef0123456789' },
    'POST /mlflow/runs/log-model': {
      model_json: JSON.stringify({ artifact_path: 'model', flavors: {}, utc_time_created: '2025-01-01 00:00:00.000000', run_id: w.runId }),
    },
    'POST /mlflow/webhooks': { name: 'hook', url: 'https://example.com/hook', events: [{ entity: 'registered_model', action: 'created' }] },
    'PATCH /mlflow/webhooks/:webhook_id': { name: 'hook2' },
    'POST /mlflow/gateway/secrets/create': { secret_name: 'key', secret_value: { api_key: 'sk-0123456789' } },
    'POST /mlflow/gateway/model-definitions/create': { secret_id: 's-1', provider: 'openai', model_name: 'gpt-4o' },
    'POST /mlflow/gateway/endpoints/create': { name: 'chat', model_configs: [{ model_definition_id: 'd-1' }] },
    'POST /mlflow/gateway/endpoints/models/attach': { model_config: { model_definition_id: 'd-1' } },
    'POST /mlflow/gateway/budgets/create': { budget_amount: 1, duration: { unit: 'DAYS', value: 1 } },
    'POST /mlflow/scorers/register': { name: 'judge', serialized_scorer: '{}' },
    // One experiment selector only (both is refused before authorization).
    'GET /mlflow/scorers/list': { experiment_ids: [] },
    'PUT /mlflow/scorers/online-config': { name: 'judge', sample_rate: 0 },
    'GET /mlflow/scorers/online-configs': { scorer_ids: [w.scorerId] },
    'POST /loupe/monitors': { name: 'errors2', metric: 'error_rate', comparator: '>', threshold: 0.1, window_ms: 300_000 },
    'PATCH /loupe/monitors/:monitor_id': { threshold: 0.2 },
    'POST /loupe/scorers/backfill': { name: 'judge', start_time_ms: 0, end_time_ms: 1 },
    'POST /loupe/scorers/run': { name: 'judge', trace_ids: [w.traceId] },
  };
  const key = `${route.method} ${route.path}`;
  return { ...common, ...(special[`${key}@${route.versions[0]}`] ?? special[key] ?? {}) };
}

/** The route's URL with its path variables filled, under its first API version. */
function urlOf(route: RpcRoute, input: Record<string, unknown>): string {
  const params: Record<string, string> = {
    trace_id: world.traceId,
    request_id: world.traceId,
    model_id: world.loggedModelId,
    dataset_id: world.datasetId,
    assessment_id: world.assessmentId,
    webhook_id: 'wh-1',
    monitor_id: world.monitorId,
    key: 'k',
    tag_key: 'k',
  };
  const path = route.path.replace(/:(\w+)(\{[^}]*\})?/g, (_, name: string) => params[name] ?? 'x');
  const url = `${route.ajaxOnly ? '/ajax-api' : '/api'}/${route.versions[0]}.0${path}`;
  if (route.method !== 'GET') return url;
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(input)) {
    if (Array.isArray(v)) for (const item of v) query.append(k, String(item));
    else if (typeof v !== 'object') query.append(k, String(v));
  }
  return `${url}?${query}`;
}

async function callRoute(route: RpcRoute, headers: Record<string, string>) {
  const input = sampleInput(route);
  return loupe.call(route.method, urlOf(route, input), route.method === 'GET' ? undefined : input, headers);
}

/** The routes a user without permissions may still call: what they reach is theirs or filtered. */
function refusesEveryone(route: RpcRoute): boolean {
  const kind = route.access.kind;
  return kind !== 'authenticated' && kind !== 'filtered';
}

describe('every RPC route', () => {
  it.each(ROUTES.map((r) => [`${r.method} ${r.path} (v${r.versions[0]})`, r] as const))('%s: 401 without credentials', async (_name, route) => {
    const res = await callRoute(route, {});
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(res.body.error_code).toBe('UNAUTHENTICATED');
  });

  it.each(ROUTES.filter(refusesEveryone).map((r) => [`${r.method} ${r.path} (v${r.versions[0]})`, r] as const))(
    '%s: 403 for a user with NO_PERMISSIONS',
    async (_name, route) => {
      const res = await callRoute(route, mallory);
      expect(res.status, res.text).toBe(403);
      expect(res.body.error_code).toBe('PERMISSION_DENIED');
    },
  );

  it('lets such a user call the open routes, and filters what they list', async () => {
    const open = ROUTES.filter((r) => !refusesEveryone(r)).map((r) => `${r.method} ${r.path}`);
    expect(open.sort()).toEqual([
      'GET /mlflow/experiments/search',
      'GET /mlflow/gateway/endpoints/bindings/list',
      'GET /mlflow/gateway/endpoints/get',
      'GET /mlflow/gateway/endpoints/list',
      'GET /mlflow/gateway/secrets/config',
      'GET /mlflow/model-versions/search',
      'GET /mlflow/registered-models/search',
      'POST /loupe/tokens/revoke',
      'POST /mlflow/experiments/create',
      'POST /mlflow/experiments/search',
      'POST /mlflow/registered-models/create',
    ]);
    const experiments = await okAs(loupe, mallory, 'GET', '/api/2.0/mlflow/experiments/search?max_results=10');
    expect((experiments.experiments as { experiment_id: string }[]).map((e) => e.experiment_id)).not.toContain(world.experimentId);
    const models = await okAs(loupe, mallory, 'GET', '/api/2.0/mlflow/registered-models/search');
    expect(models.registered_models ?? []).toEqual([]);
    const versions = await okAs(loupe, mallory, 'GET', '/api/2.0/mlflow/model-versions/search');
    expect(versions.model_versions ?? []).toEqual([]);
  });
});

/** A request for each non-RPC route, naming the seeded resources. */
function nonRpcRequest(method: string, path: string): { url: string; init: RequestInit } | undefined {
  const w = world;
  const file = `${w.experimentId}/${w.runId}/artifacts/model.txt`;
  const table: Record<string, { url: string; init?: RequestInit }> = {
    'POST /v1/traces': { url: '/v1/traces', init: { headers: { 'x-mlflow-experiment-id': w.experimentId, 'content-type': 'application/json' }, body: '{}' } },
    'GET /get-artifact': { url: `/get-artifact?run_id=${w.runId}&path=model.txt` },
    'POST /ajax-api/2.0/mlflow/upload-artifact': { url: `/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${w.runId}&path=x.txt`, init: { body: 'x' } },
    'GET /model-versions/get-artifact': { url: `/model-versions/get-artifact?name=${w.modelName}&version=1&path=x` },
    'GET /ajax-api/2.0/mlflow/logged-models/:model_id/artifacts/files': {
      url: `/ajax-api/2.0/mlflow/logged-models/${w.loggedModelId}/artifacts/files?artifact_file_path=x`,
    },
    'GET /ajax-api/2.0/mlflow/get-trace-artifact': { url: `/ajax-api/2.0/mlflow/get-trace-artifact?request_id=${w.traceId}` },
  };
  for (const prefix of ['/api/2.0/mlflow-artifacts', '/ajax-api/2.0/mlflow-artifacts']) {
    table[`GET ${prefix}/artifacts`] = { url: `${prefix}/artifacts?path=${w.experimentId}/${w.runId}` };
    table[`GET ${prefix}/artifacts/:path{.+}`] = { url: `${prefix}/artifacts/${file}` };
    table[`PUT ${prefix}/artifacts/:path{.+}`] = { url: `${prefix}/artifacts/${file}`, init: { body: 'x' } };
    table[`DELETE ${prefix}/artifacts/:path{.+}`] = { url: `${prefix}/artifacts/${file}` };
    for (const step of ['create', 'complete', 'abort']) table[`POST ${prefix}/mpu/${step}/:path{.+}`] = { url: `${prefix}/mpu/${step}/${file}` };
    table[`GET ${prefix}/presigned/:path{.+}`] = { url: `${prefix}/presigned/${file}` };
  }
  const entry = table[`${method} ${path}`];
  return entry && { url: entry.url, init: { method, ...entry.init } };
}

describe('every non-RPC route', () => {
  const guarded = NON_RPC_ROUTES.filter((r) => r.access.kind !== 'public' && r.access.kind !== 'authenticated');

  it.each(guarded.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s: 401 without credentials, 403 for a user with NO_PERMISSIONS',
    async (_name, route) => {
      const request = nonRpcRequest(route.method, route.path);
      expect(request, `no sample request for ${route.method} ${route.path}`).toBeDefined();
      const anonymous = await loupe.app.request(request!.url, request!.init);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic /);
      const init = request!.init;
      const refused = await loupe.app.request(request!.url, { ...init, headers: { ...(init.headers as Record<string, string>), ...mallory } });
      expect(refused.status, await refused.clone().text()).toBe(403);
      expect(((await refused.json()) as { error_code: string }).error_code).toBe('PERMISSION_DENIED');
      if (route.method === 'GET') {
        // HEAD is answered by GET routes: it is checked the same way.
        const head = await loupe.app.request(request!.url, { method: 'HEAD', headers: mallory });
        expect(head.status).toBe(403);
      }
    },
  );

  it('answers the probes, the sign-in routes and the UI shell without credentials; server paths need them', async () => {
    expect((await loupe.app.request('/health')).status).toBe(200);
    expect((await loupe.app.request('/version')).status).toBe(200);
    // The UI shell carries the login page (no data: what it calls is checked).
    for (const path of ['/', '/experiments/1', '/assets/index.js', '/favicon.svg']) expect((await loupe.app.request(path)).status, path).not.toBe(401);
    for (const path of ['/static-files/x.js', '/get-artifact', '/ajax-api/2.0/mlflow/experiments/search', '/model-versions/get-artifact']) {
      const res = await loupe.app.request(path);
      expect(res.status, path).toBe(401);
      expect(res.headers.get('www-authenticate'), path).toMatch(/^Basic /);
    }
    // The gateway's data plane needs a signed-in user (any: no per-endpoint permission yet).
    for (const path of ['/gateway/chat/mlflow/invocations', '/gateway/mlflow/v1/chat/completions', '/gateway/mlflow/v1/embeddings']) {
      const res = await loupe.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"chat","input":"x"}' });
      expect(res.status, path).toBe(401);
      const signedIn = await loupe.app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...mallory },
        body: '{"model":"no-such-endpoint","input":"x"}',
      });
      expect(signedIn.status, path).not.toBe(401);
      expect(signedIn.status, path).not.toBe(403);
    }
    // Under /auth/, never a Basic challenge (the browser would prompt over Loupe's login page).
    const sign = NON_RPC_ROUTES.filter((r) => r.path.startsWith('/auth/'));
    expect(sign.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'GET /auth/callback',
      'GET /auth/login',
      'GET /auth/session',
      'POST /auth/login/password',
      'POST /auth/logout',
    ]);
    for (const route of sign) {
      const res = await loupe.app.request(route.path, { method: route.method });
      expect(res.headers.get('www-authenticate'), route.path).toBeNull();
      expect(route.access.kind, route.path).toBe('public');
    }
  });

  it('refuses proxied artifact paths that climb out of the experiment they name, or name none, to non-admins', async () => {
    for (const path of [`0/../${world.experimentId}/x`, 'no-experiment/x']) {
      const res = await loupe.app.request(`/api/2.0/mlflow-artifacts/artifacts/${path}`, { headers: mallory });
      expect(res.status, path).toBe(403);
    }
  });
});

describe('declarations', () => {
  /** Every method and path the app registered, but the middleware (`app.use`). */
  function registered(app: Hono): string[] {
    return [...new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))];
  }

  it('cover every route the app registered: an undeclared route fails here', () => {
    const declared = new Set<string>();
    for (const route of ROUTES) {
      for (const version of route.versions) {
        for (const prefix of route.ajaxOnly ? ['/ajax-api'] : ['/api', '/ajax-api']) declared.add(`${route.method} ${prefix}/${version}.0${route.path}`);
      }
    }
    for (const route of NON_RPC_ROUTES) declared.add(`${route.method} ${route.path}`);
    const undeclared = registered(loupe.app).filter((r) => !declared.has(r));
    expect(undeclared).toEqual([]);
    for (const route of ROUTES) expect(route.access, `${route.method} ${route.path}`).toBeDefined();
  });
});
