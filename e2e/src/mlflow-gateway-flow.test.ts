import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackend, testBackends } from '@loupe/server/testing';
import { startCliServer, type CliServer } from './cli-server.js';

const OPENAI_KEY = 'sk-proj-e2eSecretValue0123456789ABCD';
const ROTATED_KEY = 'sk-proj-e2eRotatedValue9876543210WXYZ';

// The requests MLflow 3.11's Python client (`MlflowClient` over the REST store's gateway mixin) sends to
// set up an AI gateway endpoint and take it down again (spec §11.2): create_gateway_secret ->
// create_gateway_model_definition -> create_gateway_endpoint -> get/list -> update -> set tag -> budget
// policy create/list/windows -> deletes in reverse order. Replayed over real HTTP against the built CLI
// on each database, with the key given by LOUPE_SECRETS_KEY; no reply ever carries a secret value.
for (const backend of await testBackends()) {
  describeOnBackend(backend, 'MLflow Python client AI gateway flow', () => {
    let server: CliServer;
    const api = (p: string) => `/api/3.0/mlflow/gateway/${p}`;
    const ok = async (method: string, p: string, body?: unknown) => {
      const res = await server.call(method, p, body);
      const text = JSON.stringify(res.body);
      expect(res.status, `${method} ${p}: ${text}`).toBe(200);
      expect(text).not.toContain(OPENAI_KEY);
      expect(text).not.toContain(ROTATED_KEY);
      return res.body;
    };

    beforeAll(async () => {
      server = await startCliServer(backend, 'loupe-gateway-flow-', { env: { LOUPE_SECRETS_KEY: 'e2e-gateway-key-'.padEnd(48, 'x') } });
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('creates a secret, a model definition and an endpoint, changes them and deletes them in reverse order', async () => {
      // client.create_gateway_secret(secret_name=..., secret_value={"api_key": ...}, provider="openai", auth_config={...})
      const secret = (
        await ok('POST', api('secrets/create'), {
          secret_name: 'openai-prod',
          secret_value: { api_key: OPENAI_KEY },
          provider: 'openai',
          auth_config: { api_base: 'https://api.openai.com/v1' },
          created_by: 'alice',
        })
      ).secret;
      expect(secret).toMatchObject({
        secret_id: expect.stringMatching(/^s-[0-9a-f]{32}$/),
        secret_name: 'openai-prod',
        masked_values: { api_key: 'sk-...ABCD' },
        provider: 'openai',
        auth_config: { api_base: 'https://api.openai.com/v1' },
        created_by: 'alice',
      });
      expect((await ok('GET', `${api('secrets/get')}?secret_name=openai-prod`)).secret).toEqual(secret);

      // client.create_gateway_model_definition(name=..., secret_id=..., provider="openai", model_name="gpt-4o")
      const definition = (
        await ok('POST', api('model-definitions/create'), {
          name: 'gpt-4o',
          secret_id: secret.secret_id,
          provider: 'openai',
          model_name: 'gpt-4o',
          created_by: 'alice',
        })
      ).model_definition;
      expect(definition).toMatchObject({
        model_definition_id: expect.stringMatching(/^d-/),
        secret_id: secret.secret_id,
        secret_name: 'openai-prod',
        model_name: 'gpt-4o',
      });

      // client.create_gateway_endpoint(name="chat", model_configs=[GatewayEndpointModelConfig(...)])
      const endpoint = (
        await ok('POST', api('endpoints/create'), {
          name: 'chat',
          model_configs: [{ model_definition_id: definition.model_definition_id, linkage_type: 'PRIMARY', weight: 1.0 }],
          created_by: 'alice',
        })
      ).endpoint;
      expect(endpoint).toMatchObject({
        endpoint_id: expect.stringMatching(/^e-/),
        name: 'chat',
        // Usage tracking is on unless turned off, in an experiment made for the endpoint.
        usage_tracking: true,
        experiment_id: expect.any(String),
        model_mappings: [{ model_definition_id: definition.model_definition_id, linkage_type: 'PRIMARY', weight: 1, model_definition: { name: 'gpt-4o' } }],
      });

      const experiment = (await server.call('GET', `/api/2.0/mlflow/experiments/get?experiment_id=${endpoint.experiment_id}`)).body.experiment;
      expect(experiment.name).toBe('gateway/chat');

      // get_gateway_endpoint(endpoint_id=...) / (name=...), list_gateway_endpoints(), list_secret_infos(), list_gateway_model_definitions()
      expect((await ok('GET', `${api('endpoints/get')}?endpoint_id=${endpoint.endpoint_id}`)).endpoint).toEqual(endpoint);
      expect((await ok('GET', `${api('endpoints/get')}?name=chat`)).endpoint).toEqual(endpoint);
      expect((await ok('GET', api('endpoints/list'))).endpoints).toEqual([endpoint]);
      expect((await ok('GET', `${api('endpoints/list')}?provider=openai`)).endpoints).toHaveLength(1);
      expect((await ok('GET', `${api('secrets/list')}?provider=openai`)).secrets).toHaveLength(1);
      expect((await ok('GET', `${api('model-definitions/list')}?secret_id=${secret.secret_id}`)).model_definitions).toHaveLength(1);

      // update_gateway_endpoint(endpoint_id, name=...), update_gateway_secret(secret_id, secret_value=...), update_gateway_model_definition(...)
      const renamed = (await ok('POST', api('endpoints/update'), { endpoint_id: endpoint.endpoint_id, name: 'chat-v2', updated_by: 'bob' })).endpoint;
      expect(renamed).toMatchObject({ name: 'chat-v2', last_updated_by: 'bob' });
      const rotated = (await ok('POST', api('secrets/update'), { secret_id: secret.secret_id, secret_value: { api_key: ROTATED_KEY }, updated_by: 'bob' }))
        .secret;
      expect(rotated.masked_values).toEqual({ api_key: 'sk-...WXYZ' });
      const moved = (await ok('POST', api('model-definitions/update'), { model_definition_id: definition.model_definition_id, model_name: 'gpt-4o-mini' }))
        .model_definition;
      expect(moved.model_name).toBe('gpt-4o-mini');

      // set_gateway_endpoint_tag(endpoint_id, GatewayEndpointTag("team", "search"))
      await ok('POST', api('endpoints/set-tag'), { endpoint_id: endpoint.endpoint_id, key: 'team', value: 'search' });
      expect((await ok('GET', `${api('endpoints/get')}?endpoint_id=${endpoint.endpoint_id}`)).endpoint.tags).toEqual([{ key: 'team', value: 'search' }]);

      // create_budget_policy(...), list_budget_policies(), list_budget_windows()
      const budget = (
        await ok('POST', api('budgets/create'), {
          budget_unit: 'USD',
          budget_amount: 50.0,
          duration: { unit: 'DAYS', value: 1 },
          target_scope: 'ENDPOINT',
          target_value: endpoint.endpoint_id,
          budget_action: 'REJECT',
          created_by: 'alice',
        })
      ).budget_policy;
      expect(budget).toMatchObject({
        budget_policy_id: expect.stringMatching(/^bp-/),
        budget_amount: 50,
        duration: { unit: 'DAYS', value: 1 },
        target_value: endpoint.endpoint_id,
      });
      expect((await ok('GET', `${api('budgets/list')}?max_results=10`)).budget_policies).toEqual([budget]);
      const [window] = (await ok('GET', api('budgets/windows'))).windows;
      expect(window).toMatchObject({ budget_policy_id: budget.budget_policy_id, current_spend: 0 });
      expect(window.window_end_ms - window.window_start_ms).toBe(86_400_000);
      expect(window.window_start_ms).toBeLessThanOrEqual(Date.now());

      // A model definition in use cannot go first.
      expect((await server.call('DELETE', api('model-definitions/delete'), { model_definition_id: definition.model_definition_id })).body.error_code).toBe(
        'INVALID_STATE',
      );

      // Deletes, in reverse order.
      await ok('DELETE', api('budgets/delete'), { budget_policy_id: budget.budget_policy_id });
      await ok('DELETE', api('endpoints/delete-tag'), { endpoint_id: endpoint.endpoint_id, key: 'team' });
      await ok('DELETE', api('endpoints/delete'), { endpoint_id: endpoint.endpoint_id });
      await ok('DELETE', api('model-definitions/delete'), { model_definition_id: definition.model_definition_id });
      await ok('DELETE', api('secrets/delete'), { secret_id: secret.secret_id });
      for (const path of [
        `${api('budgets/get')}?budget_policy_id=${budget.budget_policy_id}`,
        `${api('endpoints/get')}?endpoint_id=${endpoint.endpoint_id}`,
        `${api('model-definitions/get')}?model_definition_id=${definition.model_definition_id}`,
        `${api('secrets/get')}?secret_id=${secret.secret_id}`,
      ]) {
        const res = await server.call('GET', path);
        expect(res.status, path).toBe(404);
        expect(res.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
      }
      expect(await ok('GET', api('endpoints/list'))).toEqual({});
    });
  });
}
