import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { resolveServerConfig, type ServerOptions } from '../../config/config.js';
import { startServer, type Loupe } from '../../main.js';
import { describeOnBackend, testBackends, type TestBackend } from '../../testing/backends.js';
import { TestClock } from '../../testing/test-clock.js';
import { SequentialIds } from '../../testing/test-loupe.js';

const API = '/api/3.0/mlflow/gateway';
const KEY = 'k'.repeat(40);
const OPENAI_KEY = 'sk-proj-THISisAsecretVALUE0123456789wxyz';
const AWS = { aws_access_key_id: 'AKIAEXAMPLEKEY0001234', aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

/** A Loupe listening on a real port (replies checked against their schemas), called over HTTP with fetch. */
interface HttpLoupe extends Pick<Loupe, 'db' | 'services'> {
  clock: TestClock;
  call(method: string, url: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown>; text: string }>;
  dispose(): Promise<void>;
}

async function startHttpLoupe(backend: TestBackend, options: ServerOptions): Promise<HttpLoupe> {
  const database = await backend.create();
  const artifacts = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-gateway-'));
  const clock = new TestClock();
  const config = resolveServerConfig(
    { port: 0, host: '127.0.0.1', artifactsDestination: artifacts, otlpDecodeThreads: 0, shutdownGraceMs: 1000, ...options, backendStoreUri: database.uri },
    {},
  );
  const server = await startServer(config, { clock, ids: new SequentialIds(), checkResponses: true });
  return {
    db: server.loupe.db,
    services: server.loupe.services,
    clock,
    async call(method, url, body) {
      const init: RequestInit = { method };
      if (body !== undefined) {
        init.body = JSON.stringify(body);
        init.headers = { 'content-type': 'application/json' };
      }
      const res = await fetch(`${server.url}${url}`, init);
      const text = await res.text();
      let parsed: Record<string, unknown> = {};
      try {
        parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        // Not JSON (a bare 404): an empty body.
      }
      return { status: res.status, body: parsed, text };
    },
    async dispose() {
      await server.close();
      await database.drop();
      fs.rmSync(artifacts, { recursive: true, force: true });
    },
  };
}

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'AI gateway control-plane RPCs over HTTP', () => {
    const open: HttpLoupe[] = [];
    const loupeOn = async (b: TestBackend, options: ServerOptions = { secretKey: KEY }) => {
      const loupe = await startHttpLoupe(b, options);
      open.push(loupe);
      return loupe;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((l) => l.dispose()));
    });

    /** Calls and expects a 200; the reply's JSON. */
    async function ok(loupe: HttpLoupe, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
      const res = await loupe.call(method, `${API}${path}`, body);
      expect(res.status, `${method} ${path}: ${res.text}`).toBe(200);
      for (const secret of [OPENAI_KEY, ...Object.values(AWS)]) expect(res.text).not.toContain(secret);
      return res.body;
    }

    async function fails(loupe: HttpLoupe, method: string, path: string, body: unknown, status: number, code: string, message?: RegExp | string) {
      const res = await loupe.call(method, `${API}${path}`, body);
      expect(res.status, res.text).toBe(status);
      expect(res.body.error_code).toBe(code);
      if (message !== undefined) expect(res.body.message).toMatch(message);
    }

    /** A complete budget policy request (MLflow's handler requires every field). */
    const budget = (over: Record<string, unknown> = {}) => ({
      budget_unit: 'USD',
      budget_amount: 5,
      duration: { unit: 'DAYS', value: 1 },
      target_scope: 'GLOBAL',
      budget_action: 'REJECT',
      ...over,
    });

    /** A secret, a model definition on it and an endpoint using it; their ids. */
    async function world(loupe: HttpLoupe) {
      const secret = (await ok(loupe, 'POST', '/secrets/create', { secret_name: 'openai-key', secret_value: { api_key: OPENAI_KEY }, provider: 'openai' }))
        .secret as Record<string, unknown>;
      const definition = (
        await ok(loupe, 'POST', '/model-definitions/create', { name: 'gpt', secret_id: secret.secret_id, provider: 'openai', model_name: 'gpt-4o' })
      ).model_definition as Record<string, unknown>;
      const endpoint = (
        await ok(loupe, 'POST', '/endpoints/create', {
          name: 'chat',
          model_configs: [{ model_definition_id: definition.model_definition_id, linkage_type: 'PRIMARY', weight: 1 }],
        })
      ).endpoint as Record<string, unknown>;
      return { secretId: secret.secret_id as string, definitionId: definition.model_definition_id as string, endpointId: endpoint.endpoint_id as string };
    }

    it('answers secrets masked, never in clear, and stores them encrypted', async () => {
      const loupe = await loupeOn(backend);
      const created = await ok(loupe, 'POST', '/secrets/create', {
        secret_name: 'bedrock',
        secret_value: AWS,
        provider: 'bedrock',
        auth_config: { auth_mode: 'access_keys', aws_region_name: 'us-east-1' },
        created_by: 'alice',
      });
      expect(created.secret).toEqual({
        secret_id: expect.stringMatching(/^s-[0-9a-f]{32}$/),
        secret_name: 'bedrock',
        masked_values: { aws_access_key_id: 'AKI...1234', aws_secret_access_key: 'wJa...EKEY' },
        created_at: loupe.clock.now(),
        last_updated_at: loupe.clock.now(),
        provider: 'bedrock',
        created_by: 'alice',
        last_updated_by: 'alice',
        auth_config: { auth_mode: 'access_keys', aws_region_name: 'us-east-1' },
      });
      const id = (created.secret as { secret_id: string }).secret_id;
      await ok(loupe, 'GET', `/secrets/get?secret_id=${id}`);
      await ok(loupe, 'GET', '/secrets/get?secret_name=bedrock');
      await ok(loupe, 'GET', '/secrets/list');
      const rotated = await ok(loupe, 'POST', '/secrets/update', { secret_id: id, secret_value: { api_key: OPENAI_KEY }, updated_by: 'bob' });
      expect(rotated.secret).toMatchObject({ masked_values: { api_key: 'sk-...wxyz' }, last_updated_by: 'bob', auth_config: { auth_mode: 'access_keys' } });
      // In the database: ciphertext only.
      const rows = await sql<Record<string, unknown>>`select * from gateway_secrets`.execute(loupe.db);
      const stored = JSON.stringify(rows.rows);
      for (const secret of [OPENAI_KEY, ...Object.values(AWS)]) expect(stored).not.toContain(secret);
      expect(stored).toContain('v1.');
      // The data plane's lookup decrypts it.
      const definition = (await ok(loupe, 'POST', '/model-definitions/create', { name: 'm', secret_id: id, provider: 'openai', model_name: 'gpt-4o' }))
        .model_definition as { model_definition_id: string };
      await ok(loupe, 'POST', '/endpoints/create', { name: 'ep', model_configs: [{ model_definition_id: definition.model_definition_id }] });
      const resolved = await loupe.services.gateway.resolveEndpoint('ep');
      expect(resolved.models[0]?.secret).toEqual({
        secretId: id,
        secretName: 'bedrock',
        provider: 'bedrock',
        value: { api_key: OPENAI_KEY },
        authConfig: { auth_mode: 'access_keys', aws_region_name: 'us-east-1' },
      });
      expect(await loupe.services.gateway.endpointExists('ep')).toBe(true);
      expect(await loupe.services.gateway.endpointExists('nope')).toBe(false);
      const config = await loupe.call('GET', '/ajax-api/3.0/mlflow/gateway/secrets/config');
      expect(config.body).toEqual({ secrets_available: true, using_default_passphrase: false });
      // MLflow serves it to its UI only.
      expect((await loupe.call('GET', `${API}/secrets/config`)).status).toBe(404);
    });

    it('refuses bad types and missing fields with INVALID_PARAMETER_VALUE', async () => {
      const loupe = await loupeOn(backend);
      const { endpointId, definitionId } = await world(loupe);
      await fails(
        loupe,
        'POST',
        '/secrets/create',
        { secret_value: { api_key: 'x' } },
        400,
        'INVALID_PARAMETER_VALUE',
        "Missing value for required parameter 'secret_name'",
      );
      await fails(loupe, 'POST', '/secrets/create', { secret_name: 'a' }, 400, 'INVALID_PARAMETER_VALUE', /secret_value/);
      await fails(loupe, 'POST', '/secrets/create', { secret_name: 'a', secret_value: 'sk-plain' }, 400, 'INVALID_PARAMETER_VALUE', /secret_value/);
      await fails(loupe, 'POST', '/secrets/create', { secret_name: 'a', secret_value: { api_key: { nested: 1 } } }, 400, 'INVALID_PARAMETER_VALUE');
      await fails(
        loupe,
        'POST',
        '/secrets/create',
        { secret_name: 'a', secret_value: { api_key: 'x'.repeat(16_385) } },
        400,
        'INVALID_PARAMETER_VALUE',
        /maximum length/,
      );
      await fails(loupe, 'GET', '/secrets/get', undefined, 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'secret_id'");
      await fails(
        loupe,
        'GET',
        '/secrets/get?secret_id=a&secret_name=b',
        undefined,
        400,
        'INVALID_PARAMETER_VALUE',
        'Exactly one of secret_id or secret_name must be provided',
      );
      await fails(
        loupe,
        'POST',
        '/model-definitions/create',
        { name: 'x', provider: 'openai', model_name: 'm' },
        400,
        'INVALID_PARAMETER_VALUE',
        /'secret_id'/,
      );
      await fails(
        loupe,
        'POST',
        '/endpoints/create',
        { name: 'e2', model_configs: [] },
        400,
        'INVALID_PARAMETER_VALUE',
        'Endpoint must have at least one model configuration',
      );
      await fails(
        loupe,
        'POST',
        '/endpoints/create',
        { name: 'e2', model_configs: [{ model_definition_id: definitionId, weight: 'heavy' }] },
        400,
        'INVALID_PARAMETER_VALUE',
      );
      await fails(
        loupe,
        'POST',
        '/endpoints/create',
        { name: 'e2', model_configs: [{ model_definition_id: definitionId, linkage_type: 'BOGUS' }] },
        400,
        'INVALID_PARAMETER_VALUE',
      );
      await fails(
        loupe,
        'POST',
        '/endpoints/create',
        { name: 'e2', model_configs: [{ model_definition_id: definitionId }], usage_tracking: 'maybe' },
        400,
        'INVALID_PARAMETER_VALUE',
      );
      await fails(loupe, 'GET', '/endpoints/get', undefined, 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'endpoint_id'");
      await fails(
        loupe,
        'GET',
        '/endpoints/get?endpoint_id=e&name=chat',
        undefined,
        400,
        'INVALID_PARAMETER_VALUE',
        'Exactly one of endpoint_id or name must be provided',
      );
      await fails(
        loupe,
        'POST',
        '/endpoints/set-tag',
        { endpoint_id: endpointId, value: 'v' },
        400,
        'INVALID_PARAMETER_VALUE',
        "Missing value for required parameter 'key'",
      );
      for (const field of ['budget_unit', 'budget_amount', 'duration', 'target_scope', 'budget_action']) {
        const body: Record<string, unknown> = budget();
        delete body[field];
        await fails(loupe, 'POST', '/budgets/create', body, 400, 'INVALID_PARAMETER_VALUE', `Missing value for required parameter '${field}'`);
      }
      await fails(
        loupe,
        'POST',
        '/budgets/create',
        budget({ duration: { unit: 'DAYS' } }),
        400,
        'INVALID_PARAMETER_VALUE',
        "Missing value for required parameter 'duration.value'",
      );
      await fails(loupe, 'POST', '/budgets/create', budget({ budget_amount: -5 }), 400, 'INVALID_PARAMETER_VALUE', /positive/);
      await fails(loupe, 'POST', '/budgets/create', budget({ duration: { unit: 'FORTNIGHTS', value: 1 } }), 400, 'INVALID_PARAMETER_VALUE', /duration.unit/);
      await fails(loupe, 'POST', '/budgets/create', budget({ duration: { unit: 'DAYS', value: 0 } }), 400, 'INVALID_PARAMETER_VALUE', /duration.value/);
      await fails(loupe, 'POST', '/budgets/create', budget({ budget_action: 'SHRUG' }), 400, 'INVALID_PARAMETER_VALUE', /budget_action/);
      await fails(loupe, 'POST', '/budgets/create', budget({ target_scope: 'ENDPOINT' }), 400, 'INVALID_PARAMETER_VALUE', /target_value is required/);
      await fails(loupe, 'POST', '/budgets/create', budget({ target_value: 'x' }), 400, 'INVALID_PARAMETER_VALUE', /must not be set/);
      await fails(
        loupe,
        'POST',
        '/endpoints/create',
        { name: 'my endpoint!', model_configs: [{ model_definition_id: definitionId }] },
        400,
        'INVALID_PARAMETER_VALUE',
        "Invalid endpoint name 'my endpoint!'. Name can only contain letters, numbers, underscores, hyphens, and dots.",
      );
      await fails(loupe, 'POST', '/endpoints/update', { endpoint_id: endpointId, name: 'a/b' }, 400, 'INVALID_PARAMETER_VALUE', /Invalid endpoint name 'a\/b'/);
      await fails(loupe, 'GET', '/budgets/list?page_token=%25%25', undefined, 400, 'INVALID_PARAMETER_VALUE', /page token/);
    });

    it('answers RESOURCE_DOES_NOT_EXIST (404) for unknown ids', async () => {
      const loupe = await loupeOn(backend);
      const { endpointId, definitionId } = await world(loupe);
      const missing = (method: string, path: string, body?: unknown) => fails(loupe, method, path, body, 404, 'RESOURCE_DOES_NOT_EXIST');
      await missing('GET', '/secrets/get?secret_id=s-none');
      await missing('GET', '/secrets/get?secret_name=none');
      await missing('POST', '/secrets/update', { secret_id: 's-none', secret_value: { api_key: 'x' } });
      await missing('DELETE', '/secrets/delete', { secret_id: 's-none' });
      await missing('POST', '/model-definitions/create', { name: 'x', secret_id: 's-none', provider: 'openai', model_name: 'm' });
      await missing('GET', '/model-definitions/get?model_definition_id=d-none');
      await missing('POST', '/model-definitions/update', { model_definition_id: 'd-none', name: 'y' });
      await missing('POST', '/model-definitions/update', { model_definition_id: definitionId, secret_id: 's-none' });
      await missing('DELETE', '/model-definitions/delete', { model_definition_id: 'd-none' });
      await fails(
        loupe,
        'POST',
        '/endpoints/create',
        { name: 'x', model_configs: [{ model_definition_id: 'd-none' }] },
        404,
        'RESOURCE_DOES_NOT_EXIST',
        'Model definitions not found: d-none',
      );
      await missing('GET', '/endpoints/get?endpoint_id=e-none');
      await missing('GET', '/endpoints/get?name=none');
      await missing('POST', '/endpoints/update', { endpoint_id: 'e-none', name: 'y' });
      await missing('DELETE', '/endpoints/delete', { endpoint_id: 'e-none' });
      await missing('POST', '/endpoints/models/attach', { endpoint_id: 'e-none', model_config: { model_definition_id: definitionId } });
      await missing('POST', '/endpoints/models/attach', { endpoint_id: endpointId, model_config: { model_definition_id: 'd-none' } });
      await missing('POST', '/endpoints/models/detach', { endpoint_id: endpointId, model_definition_id: 'd-none' });
      await missing('POST', '/endpoints/set-tag', { endpoint_id: 'e-none', key: 'k', value: 'v' });
      await missing('DELETE', '/endpoints/delete-tag', { endpoint_id: 'e-none', key: 'k' });
      await missing('POST', '/endpoints/bindings/create', { endpoint_id: 'e-none', resource_type: 'scorer', resource_id: 'x' });
      await missing('DELETE', '/endpoints/bindings/delete', { endpoint_id: endpointId, resource_type: 'scorer', resource_id: 'x' });
      await missing('GET', '/budgets/get?budget_policy_id=bp-none');
      await missing('POST', '/budgets/update', { budget_policy_id: 'bp-none', budget_amount: 3 });
      await missing('DELETE', '/budgets/delete', { budget_policy_id: 'bp-none' });
      await missing('POST', '/budgets/create', budget({ target_scope: 'ENDPOINT', target_value: 'e-none' }));
      await expect(loupe.services.gateway.resolveEndpoint('none')).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    });

    it('answers RESOURCE_ALREADY_EXISTS for duplicates, INVALID_STATE for a model definition in use', async () => {
      const loupe = await loupeOn(backend);
      const { secretId, definitionId, endpointId } = await world(loupe);
      const taken = (path: string, body: unknown, message: string) => fails(loupe, 'POST', path, body, 400, 'RESOURCE_ALREADY_EXISTS', message);
      await taken('/secrets/create', { secret_name: 'openai-key', secret_value: { api_key: 'other' } }, "Secret with name 'openai-key' already exists");
      await taken(
        '/model-definitions/create',
        { name: 'gpt', secret_id: secretId, provider: 'openai', model_name: 'x' },
        "Model definition with name 'gpt' already exists",
      );
      await taken('/endpoints/create', { name: 'chat', model_configs: [{ model_definition_id: definitionId }] }, "Endpoint with name 'chat' already exists");
      await taken(
        '/endpoints/models/attach',
        { endpoint_id: endpointId, model_config: { model_definition_id: definitionId, linkage_type: 'PRIMARY' } },
        `Model definition '${definitionId}' is already attached to endpoint '${endpointId}'`,
      );
      await ok(loupe, 'POST', '/endpoints/bindings/create', { endpoint_id: endpointId, resource_type: 'scorer', resource_id: 'sc-1' });
      await taken(
        '/endpoints/bindings/create',
        { endpoint_id: endpointId, resource_type: 'scorer', resource_id: 'sc-1' },
        `Endpoint '${endpointId}' is already bound to scorer 'sc-1'`,
      );
      const other = (await ok(loupe, 'POST', '/model-definitions/create', { name: 'other', secret_id: secretId, provider: 'openai', model_name: 'x' }))
        .model_definition as { model_definition_id: string };
      await taken(
        '/model-definitions/update',
        { model_definition_id: other.model_definition_id, name: 'gpt' },
        "Model definition with name 'gpt' already exists",
      );
      await fails(loupe, 'DELETE', '/model-definitions/delete', { model_definition_id: definitionId }, 500, 'INVALID_STATE', /currently in use by endpoints/);
    });

    it('keeps fallback settings, tags, bindings and usage tracking as MLflow does', async () => {
      const loupe = await loupeOn(backend);
      const { secretId, definitionId, endpointId } = await world(loupe);
      // Usage tracking is on unless turned off (MLflow's handler), in an experiment made for the endpoint.
      const created = (await ok(loupe, 'GET', `/endpoints/get?endpoint_id=${endpointId}`)).endpoint as Record<string, unknown>;
      expect(created).toMatchObject({ usage_tracking: true, experiment_id: expect.any(String) });
      const tags = (
        (await loupe.call('GET', `/api/2.0/mlflow/experiments/get?experiment_id=${String(created.experiment_id)}`)).body.experiment as { tags: unknown[] }
      ).tags;
      expect(tags).toEqual(
        expect.arrayContaining([
          { key: 'mlflow.experiment.sourceType', value: 'GATEWAY' },
          { key: 'mlflow.experiment.sourceId', value: endpointId },
        ]),
      );
      const untracked = (
        await ok(loupe, 'POST', '/endpoints/create', { name: 'quiet', model_configs: [{ model_definition_id: definitionId }], usage_tracking: false })
      ).endpoint as Record<string, unknown>;
      expect(untracked.usage_tracking).toBe(false);
      expect(untracked).not.toHaveProperty('experiment_id');
      const backup = (
        await ok(loupe, 'POST', '/model-definitions/create', { name: 'backup', secret_id: secretId, provider: 'openai', model_name: 'gpt-4o-mini' })
      ).model_definition as { model_definition_id: string };
      const updated = await ok(loupe, 'POST', '/endpoints/update', {
        endpoint_id: endpointId,
        model_configs: [
          { model_definition_id: definitionId, linkage_type: 'PRIMARY', weight: 0.5 },
          { model_definition_id: backup.model_definition_id, linkage_type: 'FALLBACK', fallback_order: 0 },
        ],
        routing_strategy: 'REQUEST_BASED_TRAFFIC_SPLIT',
        fallback_config: { strategy: 'SEQUENTIAL', max_attempts: 2 },
        usage_tracking: true,
      });
      const endpoint = updated.endpoint as Record<string, unknown>;
      expect(endpoint).toMatchObject({
        routing_strategy: 'REQUEST_BASED_TRAFFIC_SPLIT',
        fallback_config: { strategy: 'SEQUENTIAL', max_attempts: 2 },
        usage_tracking: true,
        experiment_id: expect.any(String),
      });
      expect((endpoint.model_mappings as { linkage_type: string; weight: number }[]).map((m) => [m.linkage_type, m.weight])).toEqual([
        ['PRIMARY', 0.5],
        ['FALLBACK', 1],
      ]);
      const experiment = await loupe.call('GET', `/api/2.0/mlflow/experiments/get?experiment_id=${String(endpoint.experiment_id)}`);
      expect((experiment.body.experiment as { name: string }).name).toBe('gateway/chat');
      const off = await ok(loupe, 'POST', '/endpoints/update', { endpoint_id: endpointId, usage_tracking: false });
      expect(off.endpoint).not.toHaveProperty('experiment_id');
      await ok(loupe, 'POST', '/endpoints/set-tag', { endpoint_id: endpointId, key: 'team', value: 'search' });
      const listed = await ok(loupe, 'GET', '/endpoints/list?provider=openai');
      expect((listed.endpoints as { name: string; tags?: unknown }[]).map((e) => [e.name, e.tags ?? []])).toEqual([
        ['chat', [{ key: 'team', value: 'search' }]],
        ['quiet', []],
      ]);
      expect(await ok(loupe, 'GET', '/endpoints/list?provider=anthropic')).toEqual({});
      await ok(loupe, 'DELETE', '/endpoints/delete-tag', { endpoint_id: endpointId, key: 'team' });
      const resolved = await loupe.services.gateway.resolveEndpoint('chat');
      expect(resolved.models.map((m) => [m.modelDefinition.name, m.linkageType])).toEqual([
        ['gpt', 'PRIMARY'],
        ['backup', 'FALLBACK'],
      ]);
      expect(resolved.fallbackConfig).toEqual({ strategy: 'SEQUENTIAL', maxAttempts: 2, modelDefinitionIds: [backup.model_definition_id] });
    });

    it('stores budget policies and reports their windows; the data plane reads the ones of an endpoint', async () => {
      const loupe = await loupeOn(backend);
      const { endpointId } = await world(loupe);
      const global = (
        await ok(loupe, 'POST', '/budgets/create', {
          budget_unit: 'USD',
          budget_amount: 100,
          duration: { unit: 'DAYS', value: 1 },
          target_scope: 'GLOBAL',
          budget_action: 'REJECT',
        })
      ).budget_policy as Record<string, unknown>;
      expect(global).toEqual({
        budget_policy_id: expect.stringMatching(/^bp-[0-9a-f]{32}$/),
        budget_unit: 'USD',
        budget_amount: 100,
        duration: { unit: 'DAYS', value: 1 },
        target_scope: 'GLOBAL',
        budget_action: 'REJECT',
        created_at: loupe.clock.now(),
        last_updated_at: loupe.clock.now(),
      });
      const scoped = (
        await ok(loupe, 'POST', '/budgets/create', {
          budget_unit: 'USD',
          budget_amount: 5.5,
          duration: { unit: 'HOURS', value: 6 },
          target_scope: 'ENDPOINT',
          target_value: endpointId,
          budget_action: 'ALERT',
        })
      ).budget_policy as Record<string, unknown>;
      // An earlier MLflow's flat duration fields are read too.
      const monthly = (
        await ok(loupe, 'POST', '/budgets/create', {
          budget_unit: 'USD',
          budget_amount: 1,
          duration_unit: 'MONTHS',
          duration_value: 1,
          target_scope: 'USER',
          target_value: 'bob',
          budget_action: 'REJECT',
        })
      ).budget_policy as Record<string, unknown>;
      expect(monthly.duration).toEqual({ unit: 'MONTHS', value: 1 });
      const page = await ok(loupe, 'GET', '/budgets/list?max_results=2');
      expect((page.budget_policies as unknown[]).length).toBe(2);
      const rest = await ok(loupe, 'GET', `/budgets/list?max_results=2&page_token=${encodeURIComponent(page.next_page_token as string)}`);
      expect((rest.budget_policies as unknown[]).length).toBe(1);
      const updated = await ok(loupe, 'POST', '/budgets/update', { budget_policy_id: scoped.budget_policy_id, budget_amount: 7, target_scope: 'WORKSPACE' });
      expect(updated.budget_policy).toMatchObject({ budget_amount: 7, target_scope: 'WORKSPACE', duration: { unit: 'HOURS', value: 6 } });
      expect(updated.budget_policy).not.toHaveProperty('target_value');
      const windows = (await ok(loupe, 'GET', '/budgets/windows')).windows as {
        budget_policy_id: string;
        window_start_ms: number;
        window_end_ms: number;
        current_spend: number;
      }[];
      expect(windows).toHaveLength(3);
      const day = 86_400_000;
      const now = loupe.clock.now();
      expect(windows[0]).toEqual({
        budget_policy_id: global.budget_policy_id,
        window_start_ms: Math.floor(now / day) * day,
        window_end_ms: Math.floor(now / day) * day + day,
        current_spend: 0,
      });
      expect((await loupe.services.gateway.budgetsForEndpoint(endpointId)).map((b) => b.policy.targetScope)).toEqual(['GLOBAL', 'WORKSPACE']);
      expect((await loupe.services.gateway.budgetsForEndpoint(endpointId, 'bob')).map((b) => b.policy.targetScope)).toEqual(['GLOBAL', 'WORKSPACE', 'USER']);
      await ok(loupe, 'DELETE', '/budgets/delete', { budget_policy_id: global.budget_policy_id });
      expect(((await ok(loupe, 'GET', '/budgets/list')).budget_policies as unknown[]).length).toBe(2);
    });

    it('answers under /ajax-api too', async () => {
      const loupe = await loupeOn(backend);
      const res = await loupe.call('GET', '/ajax-api/3.0/mlflow/gateway/endpoints/list');
      expect(res.status).toBe(200);
    });

    if (backend.name === 'postgresql') {
      it('refuses to store a secret without a secret key, with a 400 naming the setting', async () => {
        const loupe = await loupeOn(backend, {});
        expect((await loupe.call('GET', '/ajax-api/3.0/mlflow/gateway/secrets/config')).body).toEqual({
          secrets_available: false,
          using_default_passphrase: false,
        });
        await fails(loupe, 'POST', '/secrets/create', { secret_name: 'a', secret_value: { api_key: OPENAI_KEY } }, 400, 'BAD_REQUEST', /--secret-key/);
      });
    }
  });
}
