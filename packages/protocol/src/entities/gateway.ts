import { z } from 'zod';
import { wireDouble } from '../schemas/fields.js';

/**
 * AI gateway control-plane entities as they travel on the wire (MLflow 3.9+ `service.proto`, the
 * `Gateway*` messages; spec §8.4, §11.2). Enums go by their proto names. A secret's value never
 * travels back: a secret carries `masked_values` (`{"api_key": "sk-...xyz1"}`) instead.
 */

/** How an endpoint spreads requests over its PRIMARY models (`RoutingStrategy`). */
export const GATEWAY_ROUTING_STRATEGIES = ['REQUEST_BASED_TRAFFIC_SPLIT'] as const;
export type GatewayRoutingStrategy = (typeof GATEWAY_ROUTING_STRATEGIES)[number];

/** How an endpoint falls back over its FALLBACK models (`FallbackStrategy`). */
export const GATEWAY_FALLBACK_STRATEGIES = ['SEQUENTIAL'] as const;
export type GatewayFallbackStrategy = (typeof GATEWAY_FALLBACK_STRATEGIES)[number];

/** What a model is to its endpoint (`GatewayModelLinkageType`). */
export const GATEWAY_LINKAGE_TYPES = ['PRIMARY', 'FALLBACK'] as const;
export type GatewayLinkageType = (typeof GATEWAY_LINKAGE_TYPES)[number];

/** The length unit of a budget window (`BudgetDurationUnit`). */
export const BUDGET_DURATION_UNITS = ['MINUTES', 'HOURS', 'DAYS', 'WEEKS', 'MONTHS'] as const;
export type BudgetDurationUnit = (typeof BUDGET_DURATION_UNITS)[number];

/** What a budget counts (`BudgetTargetScope`): everything, the workspace, one endpoint or one user. */
export const BUDGET_TARGET_SCOPES = ['GLOBAL', 'WORKSPACE', 'ENDPOINT', 'USER'] as const;
export type BudgetTargetScope = (typeof BUDGET_TARGET_SCOPES)[number];

/** What happens past the limit (`BudgetAction`). */
export const BUDGET_ACTIONS = ['ALERT', 'REJECT'] as const;
export type BudgetAction = (typeof BUDGET_ACTIONS)[number];

/** What a budget is counted in (`BudgetUnit`). */
export const BUDGET_UNITS = ['USD'] as const;
export type BudgetUnit = (typeof BUDGET_UNITS)[number];

const stringMap = z.record(z.string(), z.string());

/** A secret's metadata (`GatewaySecretInfo`): never its value. */
export const GatewaySecretInfoJson = z.strictObject({
  secret_id: z.string(),
  secret_name: z.string(),
  masked_values: stringMap.optional(),
  created_at: z.number().int(),
  last_updated_at: z.number().int(),
  provider: z.string().optional(),
  created_by: z.string().optional(),
  last_updated_by: z.string().optional(),
  auth_config: stringMap.optional(),
});
export type GatewaySecretInfo = z.infer<typeof GatewaySecretInfoJson>;

/** A reusable provider model with the secret it authenticates with (`GatewayModelDefinition`). */
export const GatewayModelDefinitionJson = z.strictObject({
  model_definition_id: z.string(),
  name: z.string(),
  /** Absent once its secret was deleted (MLflow orphans the definition). */
  secret_id: z.string().optional(),
  secret_name: z.string().optional(),
  provider: z.string(),
  model_name: z.string(),
  created_at: z.number().int(),
  last_updated_at: z.number().int(),
  created_by: z.string().optional(),
  last_updated_by: z.string().optional(),
});
export type GatewayModelDefinition = z.infer<typeof GatewayModelDefinitionJson>;

/** A model attached to an endpoint (`GatewayEndpointModelMapping`). */
export const GatewayEndpointModelMappingJson = z.strictObject({
  mapping_id: z.string(),
  endpoint_id: z.string(),
  model_definition_id: z.string(),
  model_definition: GatewayModelDefinitionJson.optional(),
  weight: wireDouble().optional(),
  created_at: z.number().int(),
  created_by: z.string().optional(),
  linkage_type: z.enum(GATEWAY_LINKAGE_TYPES),
  fallback_order: z.number().int().optional(),
});
export type GatewayEndpointModelMapping = z.infer<typeof GatewayEndpointModelMappingJson>;

/** `FallbackConfig`. */
export const GatewayFallbackConfigJson = z.strictObject({
  strategy: z.enum(GATEWAY_FALLBACK_STRATEGIES).optional(),
  max_attempts: z.number().int().optional(),
});

/** `GatewayEndpointTag`. */
export const GatewayEndpointTagJson = z.strictObject({ key: z.string(), value: z.string().optional() });

/** An endpoint with its models and tags (`GatewayEndpoint`). */
export const GatewayEndpointJson = z.strictObject({
  endpoint_id: z.string(),
  name: z.string(),
  created_at: z.number().int(),
  last_updated_at: z.number().int(),
  model_mappings: z.array(GatewayEndpointModelMappingJson).optional(),
  created_by: z.string().optional(),
  last_updated_by: z.string().optional(),
  tags: z.array(GatewayEndpointTagJson).optional(),
  routing_strategy: z.enum(GATEWAY_ROUTING_STRATEGIES).optional(),
  fallback_config: GatewayFallbackConfigJson.optional(),
  experiment_id: z.string().optional(),
  usage_tracking: z.boolean().optional(),
});
export type GatewayEndpoint = z.infer<typeof GatewayEndpointJson>;

/** An endpoint bound to an MLflow resource, e.g. a scorer (`GatewayEndpointBinding`). */
export const GatewayEndpointBindingJson = z.strictObject({
  endpoint_id: z.string(),
  resource_type: z.string(),
  resource_id: z.string(),
  created_at: z.number().int(),
  last_updated_at: z.number().int(),
  created_by: z.string().optional(),
  last_updated_by: z.string().optional(),
  display_name: z.string().optional(),
});
export type GatewayEndpointBinding = z.infer<typeof GatewayEndpointBindingJson>;

/** `BudgetDuration`: a window of `value` units. */
export const BudgetDurationJson = z.strictObject({ unit: z.enum(BUDGET_DURATION_UNITS), value: z.number().int() });

/** A spending limit per window (`GatewayBudgetPolicy`). */
export const GatewayBudgetPolicyJson = z.strictObject({
  budget_policy_id: z.string(),
  budget_unit: z.enum(BUDGET_UNITS),
  budget_amount: wireDouble(),
  duration: BudgetDurationJson,
  target_scope: z.enum(BUDGET_TARGET_SCOPES),
  budget_action: z.enum(BUDGET_ACTIONS),
  created_by: z.string().optional(),
  created_at: z.number().int(),
  last_updated_by: z.string().optional(),
  last_updated_at: z.number().int(),
  target_value: z.string().optional(),
});
export type GatewayBudgetPolicy = z.infer<typeof GatewayBudgetPolicyJson>;

/** The current window of a budget and what was spent in it (`ListGatewayBudgetWindows.BudgetWindow`). */
export const GatewayBudgetWindowJson = z.strictObject({
  budget_policy_id: z.string(),
  window_start_ms: z.number().int(),
  window_end_ms: z.number().int(),
  current_spend: wireDouble().optional(),
});
export type GatewayBudgetWindow = z.infer<typeof GatewayBudgetWindowJson>;
