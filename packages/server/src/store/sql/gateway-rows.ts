import type {
  BudgetAction,
  BudgetDurationUnit,
  BudgetTargetScope,
  BudgetUnit,
  GatewayFallbackStrategy,
  GatewayLinkageType,
  GatewayRoutingStrategy,
} from '@loupe/protocol';
import type { Selectable } from 'kysely';
import type {
  GatewayBindingRecord,
  GatewayBudgetPolicyRecord,
  GatewayEndpointRecord,
  GatewayFallbackConfig,
  GatewayModelDefinitionRecord,
  GatewayModelMappingRecord,
  GatewaySecretRecord,
} from '../gateway-store.js';
import type {
  GatewayBudgetPoliciesTable,
  GatewayEndpointBindingsTable,
  GatewayEndpointModelsTable,
  GatewayEndpointsTable,
  GatewayModelDefinitionsTable,
  GatewaySecretsTable,
} from './gateway-schema.js';

/** Row <-> record conversions of the gateway tables (nulls become absent fields). */

function optional<K extends string, V>(key: K, value: V | null): Partial<Record<K, V>> {
  return value === null ? {} : ({ [key]: value } as Record<K, V>);
}

export function toSecret(row: Selectable<GatewaySecretsTable>): GatewaySecretRecord {
  return {
    secretId: row.secret_id,
    secretName: row.secret_name,
    valueCiphertext: row.value_ciphertext,
    maskedValues: JSON.parse(row.masked_values) as Record<string, string>,
    ...optional('provider', row.provider),
    ...(row.auth_config === null ? {} : { authConfig: JSON.parse(row.auth_config) as Record<string, string> }),
    createdAt: Number(row.created_at),
    lastUpdatedAt: Number(row.last_updated_at),
    ...optional('createdBy', row.created_by),
    ...optional('lastUpdatedBy', row.last_updated_by),
  };
}

export function secretRow(record: GatewaySecretRecord): Selectable<GatewaySecretsTable> {
  return {
    secret_id: record.secretId,
    secret_name: record.secretName,
    value_ciphertext: record.valueCiphertext,
    masked_values: JSON.stringify(record.maskedValues),
    provider: record.provider ?? null,
    auth_config: record.authConfig === undefined ? null : JSON.stringify(record.authConfig),
    created_at: record.createdAt,
    last_updated_at: record.lastUpdatedAt,
    created_by: record.createdBy ?? null,
    last_updated_by: record.lastUpdatedBy ?? null,
  };
}

/** A model-definition row with its secret's name (left-joined). */
export type ModelDefinitionRow = Selectable<GatewayModelDefinitionsTable> & { secret_name: string | null };

export function toModelDefinition(row: ModelDefinitionRow): GatewayModelDefinitionRecord {
  return {
    modelDefinitionId: row.model_definition_id,
    name: row.name,
    ...optional('secretId', row.secret_id),
    ...optional('secretName', row.secret_name),
    provider: row.provider,
    modelName: row.model_name,
    createdAt: Number(row.created_at),
    lastUpdatedAt: Number(row.last_updated_at),
    ...optional('createdBy', row.created_by),
    ...optional('lastUpdatedBy', row.last_updated_by),
  };
}

export function modelDefinitionRow(record: GatewayModelDefinitionRecord): Selectable<GatewayModelDefinitionsTable> {
  return {
    model_definition_id: record.modelDefinitionId,
    name: record.name,
    secret_id: record.secretId ?? null,
    provider: record.provider,
    model_name: record.modelName,
    created_at: record.createdAt,
    last_updated_at: record.lastUpdatedAt,
    created_by: record.createdBy ?? null,
    last_updated_by: record.lastUpdatedBy ?? null,
  };
}

export function toMapping(row: Selectable<GatewayEndpointModelsTable>, definition?: GatewayModelDefinitionRecord): GatewayModelMappingRecord {
  return {
    mappingId: row.mapping_id,
    endpointId: row.endpoint_id,
    modelDefinitionId: row.model_definition_id,
    linkageType: row.linkage_type as GatewayLinkageType,
    weight: Number(row.weight),
    ...(row.fallback_order === null ? {} : { fallbackOrder: Number(row.fallback_order) }),
    createdAt: Number(row.created_at),
    ...optional('createdBy', row.created_by),
    ...(definition ? { modelDefinition: definition } : {}),
  };
}

export function fallbackConfigText(config: GatewayFallbackConfig | undefined | null): string | null {
  if (!config) return null;
  return JSON.stringify({ strategy: config.strategy ?? null, max_attempts: config.maxAttempts ?? null, model_definition_ids: config.modelDefinitionIds });
}

function parseFallbackConfig(text: string | null): GatewayFallbackConfig | undefined {
  if (text === null) return undefined;
  const json = JSON.parse(text) as { strategy?: string | null; max_attempts?: number | null; model_definition_ids?: string[] };
  return {
    ...(json.strategy ? { strategy: json.strategy as GatewayFallbackStrategy } : {}),
    ...(typeof json.max_attempts === 'number' ? { maxAttempts: json.max_attempts } : {}),
    modelDefinitionIds: json.model_definition_ids ?? [],
  };
}

export function toEndpoint(
  row: Selectable<GatewayEndpointsTable>,
  mappings: GatewayModelMappingRecord[],
  tags: { key: string; value: string }[],
): GatewayEndpointRecord {
  const fallbackConfig = parseFallbackConfig(row.fallback_config);
  return {
    endpointId: row.endpoint_id,
    name: row.name,
    ...(row.routing_strategy === null ? {} : { routingStrategy: row.routing_strategy as GatewayRoutingStrategy }),
    ...(fallbackConfig ? { fallbackConfig } : {}),
    ...optional('experimentId', row.experiment_id),
    usageTracking: Number(row.usage_tracking) === 1,
    createdAt: Number(row.created_at),
    lastUpdatedAt: Number(row.last_updated_at),
    ...optional('createdBy', row.created_by),
    ...optional('lastUpdatedBy', row.last_updated_by),
    modelMappings: mappings,
    tags,
  };
}

export function toBinding(row: Selectable<GatewayEndpointBindingsTable>): GatewayBindingRecord {
  return {
    endpointId: row.endpoint_id,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    createdAt: Number(row.created_at),
    lastUpdatedAt: Number(row.last_updated_at),
    ...optional('createdBy', row.created_by),
    ...optional('lastUpdatedBy', row.last_updated_by),
  };
}

export function toBudgetPolicy(row: Selectable<GatewayBudgetPoliciesTable>): GatewayBudgetPolicyRecord {
  return {
    budgetPolicyId: row.budget_policy_id,
    budgetUnit: row.budget_unit as BudgetUnit,
    budgetAmount: Number(row.budget_amount),
    durationUnit: row.duration_unit as BudgetDurationUnit,
    durationValue: Number(row.duration_value),
    targetScope: row.target_scope as BudgetTargetScope,
    ...optional('targetValue', row.target_value),
    budgetAction: row.budget_action as BudgetAction,
    createdAt: Number(row.created_at),
    lastUpdatedAt: Number(row.last_updated_at),
    ...optional('createdBy', row.created_by),
    ...optional('lastUpdatedBy', row.last_updated_by),
  };
}

export function budgetPolicyRow(record: GatewayBudgetPolicyRecord): Selectable<GatewayBudgetPoliciesTable> {
  return {
    budget_policy_id: record.budgetPolicyId,
    budget_unit: record.budgetUnit,
    budget_amount: record.budgetAmount,
    duration_unit: record.durationUnit,
    duration_value: record.durationValue,
    target_scope: record.targetScope,
    target_value: record.targetValue ?? null,
    budget_action: record.budgetAction,
    created_at: record.createdAt,
    last_updated_at: record.lastUpdatedAt,
    created_by: record.createdBy ?? null,
    last_updated_by: record.lastUpdatedBy ?? null,
  };
}
