import { z } from 'zod';
import {
  BUDGET_ACTIONS,
  BUDGET_DURATION_UNITS,
  BUDGET_TARGET_SCOPES,
  BUDGET_UNITS,
  GATEWAY_FALLBACK_STRATEGIES,
  GATEWAY_LINKAGE_TYPES,
  GATEWAY_ROUTING_STRATEGIES,
} from '../entities/gateway.js';
import { double, int64, maxChars, protoEnum, repeated, requiredStr, str, bool, wireCheck, type WireIssue } from './fields.js';

/**
 * Request schemas of the AI gateway control plane (MLflow 3.9+ `service.proto`: `CreateGatewaySecret`
 * ... `ListGatewayBudgetWindows`), decoded from JSON bodies and query strings. Maps (`secret_value`,
 * `auth_config`) are JSON objects of strings, as protobuf-JSON writes `map<string, string>`. What needs
 * the database (names taken, ids that exist) is checked by the service.
 */

/** Loupe's limits on gateway fields (MLflow's columns are unbounded text or VARCHAR(255)). */
export const GATEWAY_LIMITS = {
  nameLength: 255,
  providerLength: 100,
  userLength: 255,
  mapEntries: 50,
  mapKeyLength: 100,
  /** A GCP service-account JSON or a PEM key fits. */
  secretValueLength: 16_384,
  authConfigValueLength: 4_096,
  modelConfigs: 100,
  tagKeyLength: 250,
  tagValueLength: 5_000,
  resourceLength: 255,
} as const;

const invalid = { loupe: 'invalid' } satisfies WireIssue;

/** A `map<string, string>` field: an object whose values are strings (numbers are written as strings). */
function stringMap(field: string, valueLength: number) {
  return z.record(z.string(), str(), { error: 'expected an object of strings' }).superRefine((map, ctx) => {
    const entries = Object.entries(map);
    if (entries.length > GATEWAY_LIMITS.mapEntries)
      ctx.addIssue({ code: 'custom', message: `'${field}' has ${entries.length} entries; at most ${GATEWAY_LIMITS.mapEntries} are allowed.`, params: invalid });
    for (const [key, value] of entries) {
      if (key === '' || key.length > GATEWAY_LIMITS.mapKeyLength)
        ctx.addIssue({ code: 'custom', message: `Keys of '${field}' must be 1 to ${GATEWAY_LIMITS.mapKeyLength} characters long.`, params: invalid });
      if (value.length > valueLength)
        ctx.addIssue({
          code: 'custom',
          message: `'${field}.${key}' exceeds the maximum length of ${valueLength} characters (got ${value.length}).`,
          params: invalid,
        });
    }
  });
}

const name = (field = 'name') => maxChars(requiredStr({ blankIsMissing: true }), GATEWAY_LIMITS.nameLength, field);

const ENDPOINT_NAME_RE = /^[A-Za-z0-9_.-]+$/;
/** MLflow's `is_valid_endpoint_name`, in its words. */
const endpointNameRule = <T extends z.ZodType<string>>(schema: T) =>
  wireCheck(
    schema,
    (n) => ENDPOINT_NAME_RE.test(n),
    (n) => `Invalid endpoint name '${n}'. Name can only contain letters, numbers, underscores, hyphens, and dots.`,
  );
const optionalName = (field = 'name') => z.preprocess((v) => (v === '' ? undefined : v), maxChars(str(), GATEWAY_LIMITS.nameLength, field).optional());
const provider = maxChars(str(), GATEWAY_LIMITS.providerLength, 'provider');
const user = maxChars(str(), GATEWAY_LIMITS.userLength, 'user');
function id<K extends string>(field: K): Record<K, ReturnType<typeof requiredStr>> {
  return { [field]: requiredStr() } as Record<K, ReturnType<typeof requiredStr>>;
}
/** Proto enum fields: names (any case) or numbers; 0 (UNSPECIFIED) reads as unset. */
function enumField<const T extends readonly [string, ...string[]]>(names: T) {
  return z.preprocess(
    (v) => (v === 0 || v === '0' || (typeof v === 'string' && /_UNSPECIFIED$/i.test(v)) ? undefined : typeof v === 'string' ? v.trim().toUpperCase() : v),
    protoEnum(names, 1).optional(),
  );
}
const optionalString = (field: string, max: number) => z.preprocess((v) => (v === '' ? undefined : v), maxChars(str(), max, field).optional());

const secretValue = stringMap('secret_value', GATEWAY_LIMITS.secretValueLength);
const authConfig = stringMap('auth_config', GATEWAY_LIMITS.authConfigValueLength);

export const CreateGatewaySecret = z.object({
  secret_name: name('secret_name'),
  secret_value: z.preprocess(
    (v) => (v === undefined || v === null ? {} : v),
    secretValue.refine((m) => Object.keys(m).length > 0, { params: { loupe: 'missing', field: 'secret_value' } satisfies WireIssue }),
  ),
  provider: optionalString('provider', GATEWAY_LIMITS.providerLength),
  auth_config: authConfig.optional(),
  created_by: optionalString('created_by', GATEWAY_LIMITS.userLength),
});

/** Either `secret_id` or `secret_name` (exactly one, checked by the service in MLflow's words). */
export const GetGatewaySecretInfo = z.object({
  secret_id: optionalString('secret_id', GATEWAY_LIMITS.nameLength),
  secret_name: optionalString('secret_name', GATEWAY_LIMITS.nameLength),
});

/** An empty `secret_value` or `auth_config` changes nothing (protobuf cannot tell an empty map from none). */
export const UpdateGatewaySecret = z.object({
  ...id('secret_id'),
  secret_value: secretValue.optional().transform((m) => (m && Object.keys(m).length > 0 ? m : undefined)),
  auth_config: authConfig.optional().transform((m) => (m && Object.keys(m).length > 0 ? m : undefined)),
  updated_by: optionalString('updated_by', GATEWAY_LIMITS.userLength),
});

export const SecretIdOnly = z.object(id('secret_id'));

export const ListGatewaySecretInfos = z.object({ provider: optionalString('provider', GATEWAY_LIMITS.providerLength) });

export const GetSecretsConfig = z.object({});

export const CreateGatewayModelDefinition = z.object({
  name: name(),
  secret_id: requiredStr(),
  provider: maxChars(requiredStr({ blankIsMissing: true }), GATEWAY_LIMITS.providerLength, 'provider'),
  model_name: maxChars(requiredStr({ blankIsMissing: true }), GATEWAY_LIMITS.nameLength, 'model_name'),
  created_by: optionalString('created_by', GATEWAY_LIMITS.userLength),
});

export const ModelDefinitionIdOnly = z.object(id('model_definition_id'));

export const ListGatewayModelDefinitions = z.object({
  provider: optionalString('provider', GATEWAY_LIMITS.providerLength),
  secret_id: optionalString('secret_id', GATEWAY_LIMITS.nameLength),
});

export const UpdateGatewayModelDefinition = z.object({
  ...id('model_definition_id'),
  name: optionalName(),
  secret_id: optionalString('secret_id', GATEWAY_LIMITS.nameLength),
  model_name: optionalString('model_name', GATEWAY_LIMITS.nameLength),
  provider: z.preprocess((v) => (v === '' ? undefined : v), provider.optional()),
  updated_by: z.preprocess((v) => (v === '' ? undefined : v), user.optional()),
});

/** `GatewayEndpointModelConfig`: linkage PRIMARY unless said, weight 1 unless said. */
export const GatewayEndpointModelConfig = z.object({
  model_definition_id: requiredStr({ field: 'model_configs.model_definition_id' }),
  linkage_type: enumField(GATEWAY_LINKAGE_TYPES).transform((t) => t ?? 'PRIMARY'),
  weight: wireCheck(double().optional(), (w) => w === undefined || (Number.isFinite(w) && w >= 0), 'weight must be a finite number >= 0.'),
  fallback_order: wireCheck(int64().optional(), (n) => n === undefined || n >= 0, 'fallback_order must be >= 0.'),
});
export type GatewayEndpointModelConfigInput = z.output<typeof GatewayEndpointModelConfig>;

const FallbackConfig = z.object({
  strategy: enumField(GATEWAY_FALLBACK_STRATEGIES),
  max_attempts: wireCheck(int64().optional(), (n) => n === undefined || (n >= 1 && n <= 100), 'fallback_config.max_attempts must be between 1 and 100.'),
});

const modelConfigs = wireCheck(
  repeated(GatewayEndpointModelConfig),
  (list) => list.length <= GATEWAY_LIMITS.modelConfigs,
  `An endpoint takes at most ${GATEWAY_LIMITS.modelConfigs} model configurations.`,
);

export const CreateGatewayEndpoint = z.object({
  name: endpointNameRule(name()),
  model_configs: modelConfigs,
  created_by: optionalString('created_by', GATEWAY_LIMITS.userLength),
  routing_strategy: enumField(GATEWAY_ROUTING_STRATEGIES),
  fallback_config: FallbackConfig.optional(),
  experiment_id: optionalString('experiment_id', GATEWAY_LIMITS.nameLength),
  usage_tracking: bool().optional(),
});

/** Either `endpoint_id` or `name`. */
export const GetGatewayEndpoint = z.object({
  endpoint_id: optionalString('endpoint_id', GATEWAY_LIMITS.nameLength),
  name: optionalString('name', GATEWAY_LIMITS.nameLength),
});

/** `model_configs`, when given (non-empty), replaces every model of the endpoint. */
export const UpdateGatewayEndpoint = z.object({
  ...id('endpoint_id'),
  name: z.preprocess((v) => (v === '' ? undefined : v), endpointNameRule(maxChars(str(), GATEWAY_LIMITS.nameLength, 'name')).optional()),
  updated_by: optionalString('updated_by', GATEWAY_LIMITS.userLength),
  model_configs: modelConfigs.optional().transform((list) => (list && list.length > 0 ? list : undefined)),
  routing_strategy: enumField(GATEWAY_ROUTING_STRATEGIES),
  fallback_config: FallbackConfig.optional(),
  experiment_id: optionalString('experiment_id', GATEWAY_LIMITS.nameLength),
  usage_tracking: bool().optional(),
});

export const EndpointIdOnly = z.object(id('endpoint_id'));

export const ListGatewayEndpoints = z.object({
  provider: optionalString('provider', GATEWAY_LIMITS.providerLength),
  secret_id: optionalString('secret_id', GATEWAY_LIMITS.nameLength),
});

export const AttachModelToGatewayEndpoint = z.object({
  ...id('endpoint_id'),
  model_config: z.preprocess((v, ctx) => {
    if (v === undefined) ctx.addIssue({ code: 'custom', message: 'missing', params: { loupe: 'missing' } satisfies WireIssue });
    return v;
  }, GatewayEndpointModelConfig),
  created_by: optionalString('created_by', GATEWAY_LIMITS.userLength),
});

export const DetachModelFromGatewayEndpoint = z.object({ ...id('endpoint_id'), ...id('model_definition_id') });

const resourceType = maxChars(requiredStr(), GATEWAY_LIMITS.resourceLength, 'resource_type');
const resourceId = maxChars(requiredStr(), GATEWAY_LIMITS.resourceLength, 'resource_id');

export const CreateGatewayEndpointBinding = z.object({
  ...id('endpoint_id'),
  resource_type: resourceType,
  resource_id: resourceId,
  created_by: optionalString('created_by', GATEWAY_LIMITS.userLength),
});

export const DeleteGatewayEndpointBinding = z.object({ ...id('endpoint_id'), resource_type: resourceType, resource_id: resourceId });

export const ListGatewayEndpointBindings = z.object({
  endpoint_id: optionalString('endpoint_id', GATEWAY_LIMITS.nameLength),
  resource_type: optionalString('resource_type', GATEWAY_LIMITS.resourceLength),
  resource_id: optionalString('resource_id', GATEWAY_LIMITS.resourceLength),
});

export const SetGatewayEndpointTag = z.object({
  ...id('endpoint_id'),
  key: maxChars(requiredStr(), GATEWAY_LIMITS.tagKeyLength, 'key'),
  value: maxChars(str(), GATEWAY_LIMITS.tagValueLength, 'value')
    .optional()
    .transform((v) => v ?? ''),
});

export const DeleteGatewayEndpointTag = z.object({ ...id('endpoint_id'), key: maxChars(requiredStr(), GATEWAY_LIMITS.tagKeyLength, 'key') });

const BudgetDuration = z.object({
  unit: enumField(BUDGET_DURATION_UNITS),
  value: wireCheck(int64().optional(), (n) => n === undefined || (n >= 1 && n <= 1_000_000), 'duration.value must be between 1 and 1000000.'),
});

const budgetAmount = wireCheck(double().optional(), (n) => n === undefined || (Number.isFinite(n) && n > 0), 'budget_amount must be a positive number.');

/** The policy fields; which are required and how target_scope and target_value agree is checked by the service. */
const budgetFields = {
  budget_unit: enumField(BUDGET_UNITS),
  budget_amount: budgetAmount,
  duration: BudgetDuration.optional(),
  target_scope: enumField(BUDGET_TARGET_SCOPES),
  budget_action: enumField(BUDGET_ACTIONS),
  target_value: optionalString('target_value', GATEWAY_LIMITS.nameLength),
};

/**
 * An earlier MLflow's budget messages had `duration_unit` and `duration_value` beside the others; 3.11
 * nests them in `duration`. Both are read.
 */
function nestDuration(v: unknown): unknown {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
  const { duration_unit: unit, duration_value: value, ...rest } = v as Record<string, unknown>;
  if ((rest as { duration?: unknown }).duration !== undefined || (unit === undefined && value === undefined)) return rest;
  return { ...rest, duration: { ...(unit !== undefined ? { unit } : {}), ...(value !== undefined ? { value } : {}) } };
}

export const CreateGatewayBudgetPolicy = z.preprocess(
  nestDuration,
  z.object({ ...budgetFields, created_by: optionalString('created_by', GATEWAY_LIMITS.userLength) }),
);

export const UpdateGatewayBudgetPolicy = z.preprocess(
  nestDuration,
  z.object({
    ...id('budget_policy_id'),
    ...budgetFields,
    updated_by: optionalString('updated_by', GATEWAY_LIMITS.userLength),
  }),
);

export const BudgetPolicyIdOnly = z.object(id('budget_policy_id'));

export const ListGatewayBudgetPolicies = z.object({
  max_results: wireCheck(int64().optional(), (n) => n === undefined || n === 0 || (n >= 1 && n <= 1000), 'max_results must be between 1 and 1000.').transform(
    (n) => (n === undefined || n === 0 ? 100 : n),
  ),
  page_token: str().optional(),
});

export const ListGatewayBudgetWindows = z.object({});
