import type {
  GatewayBudgetPolicy,
  GatewayBudgetWindow,
  GatewayEndpoint,
  GatewayEndpointBinding,
  GatewayEndpointModelMapping,
  GatewayModelDefinition,
  GatewaySecretInfo,
} from '@loupe/protocol';
import type {
  GatewayBindingRecord,
  GatewayBudgetPolicyRecord,
  GatewayEndpointRecord,
  GatewayModelDefinitionRecord,
  GatewayModelMappingRecord,
  GatewaySecretRecord,
} from '../../store/gateway-store.js';
import type { BudgetWindowReport } from '../../services/gateway/gateway-commands.js';

/** Wire JSON of the AI gateway's entities (MLflow's `Gateway*` messages), made at the HTTP edge. */

function by(createdBy: string | undefined, lastUpdatedBy: string | undefined) {
  return { ...(createdBy !== undefined ? { created_by: createdBy } : {}), ...(lastUpdatedBy !== undefined ? { last_updated_by: lastUpdatedBy } : {}) };
}

/**
 * A secret's metadata: its masked values, never the value (nor its ciphertext).
 *
 * @example
 * return { secret: gatewaySecretJson(record) };
 */
export function gatewaySecretJson(record: GatewaySecretRecord): GatewaySecretInfo {
  return {
    secret_id: record.secretId,
    secret_name: record.secretName,
    masked_values: { ...record.maskedValues },
    created_at: record.createdAt,
    last_updated_at: record.lastUpdatedAt,
    ...(record.provider !== undefined ? { provider: record.provider } : {}),
    ...by(record.createdBy, record.lastUpdatedBy),
    ...(record.authConfig !== undefined && Object.keys(record.authConfig).length > 0 ? { auth_config: { ...record.authConfig } } : {}),
  };
}

/** A model definition with its secret's id and name. */
export function gatewayModelDefinitionJson(record: GatewayModelDefinitionRecord): GatewayModelDefinition {
  return {
    model_definition_id: record.modelDefinitionId,
    name: record.name,
    ...(record.secretId !== undefined ? { secret_id: record.secretId } : {}),
    ...(record.secretName !== undefined ? { secret_name: record.secretName } : {}),
    provider: record.provider,
    model_name: record.modelName,
    created_at: record.createdAt,
    last_updated_at: record.lastUpdatedAt,
    ...by(record.createdBy, record.lastUpdatedBy),
  };
}

/** A model of an endpoint, with its definition when it was read with it. */
export function gatewayMappingJson(record: GatewayModelMappingRecord): GatewayEndpointModelMapping {
  return {
    mapping_id: record.mappingId,
    endpoint_id: record.endpointId,
    model_definition_id: record.modelDefinitionId,
    ...(record.modelDefinition ? { model_definition: gatewayModelDefinitionJson(record.modelDefinition) } : {}),
    weight: record.weight,
    created_at: record.createdAt,
    ...(record.createdBy !== undefined ? { created_by: record.createdBy } : {}),
    linkage_type: record.linkageType,
    ...(record.fallbackOrder !== undefined ? { fallback_order: record.fallbackOrder } : {}),
  };
}

/** An endpoint with its models and tags; the FALLBACK model ids MLflow keeps with the fallback settings stay inside. */
export function gatewayEndpointJson(record: GatewayEndpointRecord): GatewayEndpoint {
  const fallback = record.fallbackConfig;
  return {
    endpoint_id: record.endpointId,
    name: record.name,
    created_at: record.createdAt,
    last_updated_at: record.lastUpdatedAt,
    model_mappings: record.modelMappings.map(gatewayMappingJson),
    ...by(record.createdBy, record.lastUpdatedBy),
    tags: record.tags.map((t) => ({ key: t.key, value: t.value })),
    ...(record.routingStrategy !== undefined ? { routing_strategy: record.routingStrategy } : {}),
    ...(fallback && (fallback.strategy !== undefined || fallback.maxAttempts !== undefined)
      ? {
          fallback_config: {
            ...(fallback.strategy !== undefined ? { strategy: fallback.strategy } : {}),
            ...(fallback.maxAttempts !== undefined ? { max_attempts: fallback.maxAttempts } : {}),
          },
        }
      : {}),
    ...(record.experimentId !== undefined ? { experiment_id: record.experimentId } : {}),
    usage_tracking: record.usageTracking,
  };
}

/** An endpoint binding. */
export function gatewayBindingJson(record: GatewayBindingRecord): GatewayEndpointBinding {
  return {
    endpoint_id: record.endpointId,
    resource_type: record.resourceType,
    resource_id: record.resourceId,
    created_at: record.createdAt,
    last_updated_at: record.lastUpdatedAt,
    ...by(record.createdBy, record.lastUpdatedBy),
  };
}

/** A budget policy. */
export function gatewayBudgetPolicyJson(record: GatewayBudgetPolicyRecord): GatewayBudgetPolicy {
  return {
    budget_policy_id: record.budgetPolicyId,
    budget_unit: record.budgetUnit,
    budget_amount: record.budgetAmount,
    duration: { unit: record.durationUnit, value: record.durationValue },
    target_scope: record.targetScope,
    budget_action: record.budgetAction,
    ...(record.createdBy !== undefined ? { created_by: record.createdBy } : {}),
    created_at: record.createdAt,
    ...(record.lastUpdatedBy !== undefined ? { last_updated_by: record.lastUpdatedBy } : {}),
    last_updated_at: record.lastUpdatedAt,
    ...(record.targetValue !== undefined ? { target_value: record.targetValue } : {}),
  };
}

/** A budget's current window and spend. */
export function gatewayBudgetWindowJson(report: BudgetWindowReport): GatewayBudgetWindow {
  return {
    budget_policy_id: report.budgetPolicyId,
    window_start_ms: report.window.startMs,
    window_end_ms: report.window.endMs,
    current_spend: report.currentSpend,
  };
}
