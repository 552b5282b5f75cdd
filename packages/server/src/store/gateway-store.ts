import type {
  BudgetAction,
  BudgetDurationUnit,
  BudgetTargetScope,
  BudgetUnit,
  GatewayFallbackStrategy,
  GatewayLinkageType,
  GatewayRoutingStrategy,
} from '@loupe/protocol';
import type { Page } from './webhook-store.js';

/**
 * A gateway secret as stored: its value only encrypted (`SecretCipher`, bound to the secret id) and,
 * for display, masked. Times are epoch milliseconds.
 */
export interface GatewaySecretRecord {
  secretId: string;
  secretName: string;
  /** The JSON text of the `secret_value` map, encrypted. */
  valueCiphertext: string;
  /** One masked value per key of the map (`sk-...wxyz`). */
  maskedValues: Record<string, string>;
  provider?: string;
  authConfig?: Record<string, string>;
  createdAt: number;
  lastUpdatedAt: number;
  createdBy?: string;
  lastUpdatedBy?: string;
}

/** What a secret update changes (absent fields stay). */
export type GatewaySecretPatch = Partial<Pick<GatewaySecretRecord, 'valueCiphertext' | 'maskedValues' | 'authConfig'>> & {
  lastUpdatedAt: number;
  lastUpdatedBy?: string;
};

/** A model definition; `secretName` is read with it. `secretId` is absent once its secret was deleted. */
export interface GatewayModelDefinitionRecord {
  modelDefinitionId: string;
  name: string;
  secretId?: string;
  secretName?: string;
  provider: string;
  modelName: string;
  createdAt: number;
  lastUpdatedAt: number;
  createdBy?: string;
  lastUpdatedBy?: string;
}

/** What a model-definition update changes (absent fields stay). */
export type GatewayModelDefinitionPatch = Partial<Pick<GatewayModelDefinitionRecord, 'name' | 'secretId' | 'provider' | 'modelName'>> & {
  lastUpdatedAt: number;
  lastUpdatedBy?: string;
};

/** A model attached to an endpoint (`GatewayEndpointModelMapping`), with its definition when read. */
export interface GatewayModelMappingRecord {
  mappingId: string;
  endpointId: string;
  modelDefinitionId: string;
  linkageType: GatewayLinkageType;
  weight: number;
  fallbackOrder?: number;
  createdAt: number;
  createdBy?: string;
  /** Filled on reads. */
  modelDefinition?: GatewayModelDefinitionRecord;
}

/** A new mapping (its endpoint is given by the call). */
export type NewModelMapping = Omit<GatewayModelMappingRecord, 'endpointId' | 'modelDefinition'>;

/** An endpoint's fallback settings as MLflow stores them (`fallback_config_json`). */
export interface GatewayFallbackConfig {
  strategy?: GatewayFallbackStrategy;
  maxAttempts?: number;
  /** The FALLBACK models, in the order given. */
  modelDefinitionIds: string[];
}

/** An endpoint with its models (ordered PRIMARY first, then by fallback order) and tags. */
export interface GatewayEndpointRecord {
  endpointId: string;
  name: string;
  routingStrategy?: GatewayRoutingStrategy;
  fallbackConfig?: GatewayFallbackConfig;
  experimentId?: string;
  usageTracking: boolean;
  createdAt: number;
  lastUpdatedAt: number;
  createdBy?: string;
  lastUpdatedBy?: string;
  modelMappings: GatewayModelMappingRecord[];
  tags: { key: string; value: string }[];
}

/** A new endpoint and its first models. */
export type NewGatewayEndpoint = Omit<GatewayEndpointRecord, 'modelMappings' | 'tags'> & { modelMappings: NewModelMapping[] };

/** What an endpoint update changes; `modelMappings`, when given, replaces every model. */
export interface GatewayEndpointPatch {
  name?: string;
  routingStrategy?: GatewayRoutingStrategy;
  /** Null clears it. */
  fallbackConfig?: GatewayFallbackConfig | null;
  /** Null clears it. */
  experimentId?: string | null;
  usageTracking?: boolean;
  modelMappings?: NewModelMapping[];
  lastUpdatedAt: number;
  lastUpdatedBy?: string;
}

/** An endpoint bound to a resource (a scorer ...), keyed by all three ids. */
export interface GatewayBindingRecord {
  endpointId: string;
  resourceType: string;
  resourceId: string;
  createdAt: number;
  lastUpdatedAt: number;
  createdBy?: string;
  lastUpdatedBy?: string;
}

/** A spending limit per fixed window. */
export interface GatewayBudgetPolicyRecord {
  budgetPolicyId: string;
  budgetUnit: BudgetUnit;
  budgetAmount: number;
  durationUnit: BudgetDurationUnit;
  durationValue: number;
  targetScope: BudgetTargetScope;
  /** The endpoint id (ENDPOINT) or username (USER); absent for GLOBAL and WORKSPACE. */
  targetValue?: string;
  budgetAction: BudgetAction;
  createdAt: number;
  lastUpdatedAt: number;
  createdBy?: string;
  lastUpdatedBy?: string;
}

/** Filters of the endpoint and model-definition lists. */
export interface GatewayListFilter {
  provider?: string;
  secretId?: string;
}

/** Filters of the binding list. */
export interface GatewayBindingFilter {
  endpointId?: string;
  resourceType?: string;
  resourceId?: string;
}

/**
 * The AI gateway's configuration (MLflow's `gateway_*` tables): secrets, model definitions, endpoints
 * with their models, tags and bindings, and budget policies. Names of secrets, model definitions and
 * endpoints are unique (a clash is `'taken'`, found by the unique constraints so racing servers cannot
 * both win); deleting a secret orphans its model definitions; a model definition attached to an
 * endpoint cannot be deleted (`'in-use'`); deleting an endpoint deletes its models, tags and bindings.
 * Lists are in creation order.
 */
export interface GatewayStore {
  createSecret(record: GatewaySecretRecord): Promise<'created' | 'taken'>;
  getSecret(secretId: string): Promise<GatewaySecretRecord | undefined>;
  getSecretByName(secretName: string): Promise<GatewaySecretRecord | undefined>;
  listSecrets(provider?: string): Promise<GatewaySecretRecord[]>;
  /** Undefined when there is no such secret. */
  updateSecret(secretId: string, patch: GatewaySecretPatch): Promise<GatewaySecretRecord | undefined>;
  /** False when there was no such secret. */
  deleteSecret(secretId: string): Promise<boolean>;

  /** `'no-secret'` when the secret does not exist. */
  createModelDefinition(record: GatewayModelDefinitionRecord): Promise<'created' | 'taken' | 'no-secret'>;
  getModelDefinition(modelDefinitionId: string): Promise<GatewayModelDefinitionRecord | undefined>;
  listModelDefinitions(filter: GatewayListFilter): Promise<GatewayModelDefinitionRecord[]>;
  /** The ids among these that exist. */
  existingModelDefinitionIds(ids: readonly string[]): Promise<Set<string>>;
  updateModelDefinition(
    modelDefinitionId: string,
    patch: GatewayModelDefinitionPatch,
  ): Promise<GatewayModelDefinitionRecord | 'taken' | 'no-secret' | undefined>;
  deleteModelDefinition(modelDefinitionId: string): Promise<'deleted' | 'in-use' | undefined>;

  /** The endpoint and its models in one transaction. */
  createEndpoint(record: NewGatewayEndpoint): Promise<'created' | 'taken'>;
  getEndpoint(endpointId: string): Promise<GatewayEndpointRecord | undefined>;
  getEndpointByName(name: string): Promise<GatewayEndpointRecord | undefined>;
  /** Endpoints with at least one model of the provider / using the secret, when filtered. */
  listEndpoints(filter: GatewayListFilter): Promise<GatewayEndpointRecord[]>;
  updateEndpoint(endpointId: string, patch: GatewayEndpointPatch): Promise<GatewayEndpointRecord | 'taken' | undefined>;
  deleteEndpoint(endpointId: string): Promise<boolean>;
  /** `'taken'`: the model is already attached with that linkage. */
  attachModel(endpointId: string, mapping: NewModelMapping, now: number): Promise<GatewayModelMappingRecord | 'taken'>;
  /** False when the model was not attached. */
  detachModel(endpointId: string, modelDefinitionId: string, now: number): Promise<boolean>;
  /** False when there is no such endpoint. */
  setEndpointTag(endpointId: string, key: string, value: string): Promise<boolean>;
  deleteEndpointTag(endpointId: string, key: string): Promise<boolean>;

  createBinding(record: GatewayBindingRecord): Promise<'created' | 'taken'>;
  deleteBinding(endpointId: string, resourceType: string, resourceId: string): Promise<boolean>;
  listBindings(filter: GatewayBindingFilter): Promise<GatewayBindingRecord[]>;

  createBudgetPolicy(record: GatewayBudgetPolicyRecord): Promise<void>;
  getBudgetPolicy(budgetPolicyId: string): Promise<GatewayBudgetPolicyRecord | undefined>;
  listBudgetPolicies(offset: number, limit: number): Promise<Page<GatewayBudgetPolicyRecord>>;
  /** Every policy (the windows list, enforcement). */
  allBudgetPolicies(): Promise<GatewayBudgetPolicyRecord[]>;
  /** Replaces the policy's fields. False when there is no such policy. */
  replaceBudgetPolicy(record: GatewayBudgetPolicyRecord): Promise<boolean>;
  deleteBudgetPolicy(budgetPolicyId: string): Promise<boolean>;
}
