import { GatewayRequests as R, GatewayResponses as W, TrackingResponses, type GatewayEndpointModelConfigInput } from '@loupe/protocol';
import { ADMIN, AUTHENTICATED } from '../../auth/access.js';
import type { ModelConfig } from '../../services/gateway/gateway-commands.js';
import { rpc } from '../rpc.js';
import {
  gatewayBindingJson,
  gatewayBudgetPolicyJson,
  gatewayBudgetWindowJson,
  gatewayEndpointJson,
  gatewayMappingJson,
  gatewayModelDefinitionJson,
  gatewaySecretJson,
} from '../wire/gateway-json.js';

const BASE = '/mlflow/gateway';

function modelConfig(c: GatewayEndpointModelConfigInput): ModelConfig {
  return {
    modelDefinitionId: c.model_definition_id,
    linkageType: c.linkage_type,
    ...(c.weight !== undefined ? { weight: c.weight } : {}),
    ...(c.fallback_order !== undefined ? { fallbackOrder: c.fallback_order } : {}),
  };
}

function fallback(f: { strategy?: 'SEQUENTIAL' | undefined; max_attempts?: number | undefined } | undefined) {
  if (!f) return {};
  return {
    fallbackConfig: { ...(f.strategy !== undefined ? { strategy: f.strategy } : {}), ...(f.max_attempts !== undefined ? { maxAttempts: f.max_attempts } : {}) },
  };
}

function budgetFields(req: {
  budget_unit?: 'USD' | undefined;
  budget_amount?: number | undefined;
  duration?: { unit?: 'MINUTES' | 'HOURS' | 'DAYS' | 'WEEKS' | 'MONTHS' | undefined; value?: number | undefined } | undefined;
  target_scope?: 'GLOBAL' | 'WORKSPACE' | 'ENDPOINT' | 'USER' | undefined;
  target_value?: string | undefined;
  budget_action?: 'ALERT' | 'REJECT' | undefined;
}) {
  return {
    ...(req.budget_unit !== undefined ? { budgetUnit: req.budget_unit } : {}),
    ...(req.budget_amount !== undefined ? { budgetAmount: req.budget_amount } : {}),
    ...(req.duration?.unit !== undefined ? { durationUnit: req.duration.unit } : {}),
    ...(req.duration?.value !== undefined ? { durationValue: req.duration.value } : {}),
    ...(req.target_scope !== undefined ? { targetScope: req.target_scope } : {}),
    ...(req.target_value !== undefined ? { targetValue: req.target_value } : {}),
    ...(req.budget_action !== undefined ? { budgetAction: req.budget_action } : {}),
  };
}

const opt = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));

/**
 * Secrets (provider credentials): admins only. Values are encrypted at rest and answered masked.
 * MLflow's auth app lets any user create one and gives the creator MANAGE on it; Loupe has no
 * per-secret permissions, so the whole secret surface is an admin's (docs/api.md, AI gateway).
 */
const secretRoutes = [
  rpc({
    method: 'POST',
    path: `${BASE}/secrets/create`,
    versions: [3],
    request: R.CreateGatewaySecret,
    response: W.GatewaySecret,
    access: ADMIN,
    handle: async (req, { services }) => ({
      secret: gatewaySecretJson(
        await services.gateway.createSecret({
          secretName: req.secret_name,
          value: req.secret_value,
          ...opt('provider', req.provider),
          ...opt('authConfig', req.auth_config),
          ...opt('by', req.created_by),
        }),
      ),
    }),
  }),
  rpc({
    method: 'GET',
    path: `${BASE}/secrets/get`,
    versions: [3],
    request: R.GetGatewaySecretInfo,
    response: W.GatewaySecret,
    access: ADMIN,
    handle: async (req, { services }) => ({
      secret: gatewaySecretJson(await services.gateway.getSecret({ ...opt('secretId', req.secret_id), ...opt('secretName', req.secret_name) })),
    }),
  }),
  rpc({
    method: 'POST',
    path: `${BASE}/secrets/update`,
    versions: [3],
    request: R.UpdateGatewaySecret,
    response: W.GatewaySecret,
    access: ADMIN,
    handle: async (req, { services }) => ({
      secret: gatewaySecretJson(
        await services.gateway.updateSecret(req.secret_id, {
          ...opt('value', req.secret_value),
          ...opt('authConfig', req.auth_config),
          ...opt('by', req.updated_by),
        }),
      ),
    }),
  }),
  rpc({
    method: 'DELETE',
    path: `${BASE}/secrets/delete`,
    versions: [3],
    request: R.SecretIdOnly,
    response: TrackingResponses.Empty,
    access: ADMIN,
    audit: (req) => ({ action: 'gateway-secret.delete', resourceType: 'gateway-secret', resourceId: req.secret_id }),
    handle: (req, { services }) => services.gateway.deleteSecret(req.secret_id),
  }),
  rpc({
    method: 'GET',
    path: `${BASE}/secrets/list`,
    versions: [3],
    request: R.ListGatewaySecretInfos,
    response: W.ListGatewaySecretInfos,
    access: ADMIN,
    handle: async (req, { services }) => ({ secrets: (await services.gateway.listSecrets(req.provider)).map(gatewaySecretJson) }),
  }),
  rpc({
    method: 'GET',
    path: `${BASE}/secrets/config`,
    versions: [3],
    // MLflow serves it to its UI only.
    ajaxOnly: true,
    request: R.GetSecretsConfig,
    response: W.GetSecretsConfig,
    access: AUTHENTICATED,
    // Loupe never falls back to a built-in passphrase.
    handle: async (_req, { services }) => ({ secrets_available: services.gateway.secretsAvailable(), using_default_passphrase: false }),
  }),
];

/** Model definitions: admins only (they name secrets). */
const modelDefinitionRoutes = [
  rpc({
    method: 'POST',
    path: `${BASE}/model-definitions/create`,
    versions: [3],
    request: R.CreateGatewayModelDefinition,
    response: W.GatewayModelDefinition,
    access: ADMIN,
    handle: async (req, { services }) => ({
      model_definition: gatewayModelDefinitionJson(
        await services.gateway.createModelDefinition({
          name: req.name,
          secretId: req.secret_id,
          provider: req.provider,
          modelName: req.model_name,
          ...opt('by', req.created_by),
        }),
      ),
    }),
  }),
  rpc({
    method: 'GET',
    path: `${BASE}/model-definitions/get`,
    versions: [3],
    request: R.ModelDefinitionIdOnly,
    response: W.GatewayModelDefinition,
    access: ADMIN,
    handle: async (req, { services }) => ({ model_definition: gatewayModelDefinitionJson(await services.gateway.getModelDefinition(req.model_definition_id)) }),
  }),
  rpc({
    method: 'GET',
    path: `${BASE}/model-definitions/list`,
    versions: [3],
    request: R.ListGatewayModelDefinitions,
    response: W.ListGatewayModelDefinitions,
    access: ADMIN,
    handle: async (req, { services }) => ({
      model_definitions: (await services.gateway.listModelDefinitions({ ...opt('provider', req.provider), ...opt('secretId', req.secret_id) })).map(
        gatewayModelDefinitionJson,
      ),
    }),
  }),
  rpc({
    method: 'POST',
    path: `${BASE}/model-definitions/update`,
    versions: [3],
    request: R.UpdateGatewayModelDefinition,
    response: W.GatewayModelDefinition,
    access: ADMIN,
    handle: async (req, { services }) => ({
      model_definition: gatewayModelDefinitionJson(
        await services.gateway.updateModelDefinition(req.model_definition_id, {
          ...opt('name', req.name),
          ...opt('secretId', req.secret_id),
          ...opt('provider', req.provider),
          ...opt('modelName', req.model_name),
          ...opt('by', req.updated_by),
        }),
      ),
    }),
  }),
  rpc({
    method: 'DELETE',
    path: `${BASE}/model-definitions/delete`,
    versions: [3],
    request: R.ModelDefinitionIdOnly,
    response: TrackingResponses.Empty,
    access: ADMIN,
    audit: (req) => ({ action: 'gateway-model-definition.delete', resourceType: 'gateway-model-definition', resourceId: req.model_definition_id }),
    handle: (req, { services }) => services.gateway.deleteModelDefinition(req.model_definition_id),
  }),
];

/** Endpoints: any signed-in user reads them (MLflow: list needs nothing, get READ); admins change them. */
const endpointRoutes = [
  rpc({
    method: 'POST',
    path: `${BASE}/endpoints/create`,
    versions: [3],
    request: R.CreateGatewayEndpoint,
    response: W.GatewayEndpoint,
    access: ADMIN,
    handle: async (req, { services }) => ({
      endpoint: gatewayEndpointJson(
        await services.gateway.createEndpoint({
          name: req.name,
          modelConfigs: req.model_configs.map(modelConfig),
          ...opt('routingStrategy', req.routing_strategy),
          ...fallback(req.fallback_config),
          ...opt('experimentId', req.experiment_id),
          ...opt('usageTracking', req.usage_tracking),
          ...opt('by', req.created_by),
        }),
      ),
    }),
  }),
  rpc({
    method: 'GET',
    path: `${BASE}/endpoints/get`,
    versions: [3],
    request: R.GetGatewayEndpoint,
    response: W.GatewayEndpoint,
    access: AUTHENTICATED,
    handle: async (req, { services }) => ({
      endpoint: gatewayEndpointJson(await services.gateway.getEndpoint({ ...opt('endpointId', req.endpoint_id), ...opt('name', req.name) })),
    }),
  }),
  rpc({
    method: 'POST',
    path: `${BASE}/endpoints/update`,
    versions: [3],
    request: R.UpdateGatewayEndpoint,
    response: W.GatewayEndpoint,
    access: ADMIN,
    handle: async (req, { services }) => ({
      endpoint: gatewayEndpointJson(
        await services.gateway.updateEndpoint(req.endpoint_id, {
          ...opt('name', req.name),
          ...(req.model_configs !== undefined ? { modelConfigs: req.model_configs.map(modelConfig) } : {}),
          ...opt('routingStrategy', req.routing_strategy),
          ...fallback(req.fallback_config),
          ...opt('experimentId', req.experiment_id),
          ...opt('usageTracking', req.usage_tracking),
          ...opt('by', req.updated_by),
        }),
      ),
    }),
  }),
  rpc({
    method: 'DELETE',
    path: `${BASE}/endpoints/delete`,
    versions: [3],
    request: R.EndpointIdOnly,
    response: TrackingResponses.Empty,
    access: ADMIN,
    audit: (req) => ({ action: 'gateway-endpoint.delete', resourceType: 'gateway-endpoint', resourceId: req.endpoint_id }),
    handle: (req, { services }) => services.gateway.deleteEndpoint(req.endpoint_id),
  }),
  rpc({
    method: 'GET',
    path: `${BASE}/endpoints/list`,
    versions: [3],
    request: R.ListGatewayEndpoints,
    response: W.ListGatewayEndpoints,
    access: AUTHENTICATED,
    handle: async (req, { services }) => ({
      endpoints: (await services.gateway.listEndpoints({ ...opt('provider', req.provider), ...opt('secretId', req.secret_id) })).map(gatewayEndpointJson),
    }),
  }),
  rpc({
    method: 'POST',
    path: `${BASE}/endpoints/models/attach`,
    versions: [3],
    request: R.AttachModelToGatewayEndpoint,
    response: W.AttachModelToGatewayEndpoint,
    access: ADMIN,
    handle: async (req, { services }) => ({
      mapping: gatewayMappingJson(await services.gateway.attachModel(req.endpoint_id, modelConfig(req.model_config), req.created_by)),
    }),
  }),
  rpc({
    method: 'POST',
    path: `${BASE}/endpoints/models/detach`,
    versions: [3],
    request: R.DetachModelFromGatewayEndpoint,
    response: TrackingResponses.Empty,
    access: ADMIN,
    handle: (req, { services }) => services.gateway.detachModel(req.endpoint_id, req.model_definition_id),
  }),
  rpc({
    method: 'POST',
    path: `${BASE}/endpoints/bindings/create`,
    versions: [3],
    request: R.CreateGatewayEndpointBinding,
    response: W.CreateGatewayEndpointBinding,
    access: ADMIN,
    handle: async (req, { services }) => ({
      binding: gatewayBindingJson(await services.gateway.createBinding(req.endpoint_id, req.resource_type, req.resource_id, req.created_by)),
    }),
  }),
  rpc({
    method: 'DELETE',
    path: `${BASE}/endpoints/bindings/delete`,
    versions: [3],
    request: R.DeleteGatewayEndpointBinding,
    response: TrackingResponses.Empty,
    access: ADMIN,
    handle: (req, { services }) => services.gateway.deleteBinding(req.endpoint_id, req.resource_type, req.resource_id),
  }),
  rpc({
    method: 'GET',
    path: `${BASE}/endpoints/bindings/list`,
    versions: [3],
    request: R.ListGatewayEndpointBindings,
    response: W.ListGatewayEndpointBindings,
    access: AUTHENTICATED,
    handle: async (req, { services }) => ({
      bindings: (
        await services.gateway.listBindings({
          ...opt('endpointId', req.endpoint_id),
          ...opt('resourceType', req.resource_type),
          ...opt('resourceId', req.resource_id),
        })
      ).map(gatewayBindingJson),
    }),
  }),
  rpc({
    method: 'POST',
    path: `${BASE}/endpoints/set-tag`,
    versions: [3],
    request: R.SetGatewayEndpointTag,
    response: TrackingResponses.Empty,
    access: ADMIN,
    handle: (req, { services }) => services.gateway.setEndpointTag(req.endpoint_id, req.key, req.value),
  }),
  rpc({
    method: 'DELETE',
    path: `${BASE}/endpoints/delete-tag`,
    versions: [3],
    request: R.DeleteGatewayEndpointTag,
    response: TrackingResponses.Empty,
    access: ADMIN,
    handle: (req, { services }) => services.gateway.deleteEndpointTag(req.endpoint_id, req.key),
  }),
];

/** Budget policies: admins only. */
const budgetRoutes = [
  rpc({
    method: 'POST',
    path: `${BASE}/budgets/create`,
    versions: [3],
    request: R.CreateGatewayBudgetPolicy,
    response: W.GatewayBudgetPolicy,
    access: ADMIN,
    handle: async (req, { services }) => ({
      budget_policy: gatewayBudgetPolicyJson(await services.gateway.createBudgetPolicy(budgetFields(req), req.created_by)),
    }),
  }),
  rpc({
    method: 'GET',
    path: `${BASE}/budgets/get`,
    versions: [3],
    request: R.BudgetPolicyIdOnly,
    response: W.GatewayBudgetPolicy,
    access: ADMIN,
    handle: async (req, { services }) => ({ budget_policy: gatewayBudgetPolicyJson(await services.gateway.getBudgetPolicy(req.budget_policy_id)) }),
  }),
  rpc({
    method: 'POST',
    path: `${BASE}/budgets/update`,
    versions: [3],
    request: R.UpdateGatewayBudgetPolicy,
    response: W.GatewayBudgetPolicy,
    access: ADMIN,
    handle: async (req, { services }) => ({
      budget_policy: gatewayBudgetPolicyJson(await services.gateway.updateBudgetPolicy(req.budget_policy_id, budgetFields(req), req.updated_by)),
    }),
  }),
  rpc({
    method: 'DELETE',
    path: `${BASE}/budgets/delete`,
    versions: [3],
    request: R.BudgetPolicyIdOnly,
    response: TrackingResponses.Empty,
    access: ADMIN,
    audit: (req) => ({ action: 'gateway-budget.delete', resourceType: 'gateway-budget', resourceId: req.budget_policy_id }),
    handle: (req, { services }) => services.gateway.deleteBudgetPolicy(req.budget_policy_id),
  }),
  rpc({
    method: 'GET',
    path: `${BASE}/budgets/list`,
    versions: [3],
    request: R.ListGatewayBudgetPolicies,
    response: W.ListGatewayBudgetPolicies,
    access: ADMIN,
    handle: async (req, { services }) => {
      const page = await services.gateway.listBudgetPolicies(req.max_results, req.page_token);
      return { budget_policies: page.policies.map(gatewayBudgetPolicyJson), ...opt('next_page_token', page.nextPageToken) };
    },
  }),
  rpc({
    method: 'GET',
    path: `${BASE}/budgets/windows`,
    versions: [3],
    request: R.ListGatewayBudgetWindows,
    response: W.ListGatewayBudgetWindows,
    access: ADMIN,
    handle: async (_req, { services }) => ({ windows: (await services.gateway.listBudgetWindows()).map(gatewayBudgetWindowJson) }),
  }),
];

/**
 * The AI gateway's control plane (MLflow 3.9+ `service.proto`, spec §8.4 and §11.2), under
 * `/api/3.0/mlflow/gateway/...` and `/ajax-api/3.0/...`: secrets, model definitions, endpoints (models,
 * bindings, tags) and budget policies.
 */
export const gatewayRoutes = [...secretRoutes, ...modelDefinitionRoutes, ...endpointRoutes, ...budgetRoutes];
