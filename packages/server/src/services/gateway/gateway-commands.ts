import type {
  BudgetAction,
  BudgetDurationUnit,
  BudgetTargetScope,
  BudgetUnit,
  GatewayFallbackStrategy,
  GatewayLinkageType,
  GatewayRoutingStrategy,
} from '@loupe/protocol';
import type { GatewayBudgetPolicyRecord, GatewayFallbackConfig, GatewayModelDefinitionRecord } from '../../store/gateway-store.js';
import type { BudgetWindow } from './budget-windows.js';

/**
 * What the gateway service takes (commands, in domain terms: the HTTP edge maps the wire requests to
 * them) and what it gives the data plane (resolved endpoints with decrypted credentials, the budgets
 * that apply to a request).
 */

/** Who made a change (`created_by` / `updated_by` as the client sent it). */
export interface Author {
  by?: string;
}

export interface CreateSecretCommand extends Author {
  secretName: string;
  value: Record<string, string>;
  provider?: string;
  authConfig?: Record<string, string>;
}

/** Absent fields stay; `value` rotates the key. */
export interface UpdateSecretCommand extends Author {
  value?: Record<string, string>;
  authConfig?: Record<string, string>;
}

export interface CreateModelDefinitionCommand extends Author {
  name: string;
  secretId: string;
  provider: string;
  modelName: string;
}

export type UpdateModelDefinitionCommand = Partial<Omit<CreateModelDefinitionCommand, 'by'>> & Author;

/** One model of an endpoint (`GatewayEndpointModelConfig`). */
export interface ModelConfig {
  modelDefinitionId: string;
  linkageType: GatewayLinkageType;
  weight?: number;
  fallbackOrder?: number;
}

export interface FallbackSettings {
  strategy?: GatewayFallbackStrategy;
  maxAttempts?: number;
}

export interface CreateEndpointCommand extends Author {
  name: string;
  modelConfigs: ModelConfig[];
  routingStrategy?: GatewayRoutingStrategy;
  fallbackConfig?: FallbackSettings;
  experimentId?: string;
  usageTracking?: boolean;
}

/** Absent fields stay; `modelConfigs` replaces every model. */
export type UpdateEndpointCommand = Partial<Omit<CreateEndpointCommand, 'by'>> & Author;

export interface BudgetPolicyFields {
  budgetUnit?: BudgetUnit;
  budgetAmount?: number;
  durationUnit?: BudgetDurationUnit;
  durationValue?: number;
  targetScope?: BudgetTargetScope;
  targetValue?: string;
  budgetAction?: BudgetAction;
}

/** A secret as the data plane uses it: decrypted. Server-internal: never put on the wire. */
export interface ResolvedSecret {
  secretId: string;
  secretName: string;
  provider?: string;
  /** The decrypted `secret_value` map (`{api_key}`, or compound credentials). */
  value: Record<string, string>;
  authConfig: Record<string, string>;
}

/** One model of a resolved endpoint, with its definition and decrypted secret. */
export interface ResolvedModel {
  mappingId: string;
  linkageType: GatewayLinkageType;
  weight: number;
  fallbackOrder?: number;
  modelDefinition: GatewayModelDefinitionRecord;
  /** Undefined when the definition's secret was deleted (the model cannot be called). */
  secret?: ResolvedSecret;
}

/** An endpoint ready to be called: PRIMARY models first, then FALLBACK ones in order. */
export interface ResolvedEndpoint {
  endpointId: string;
  name: string;
  routingStrategy?: GatewayRoutingStrategy;
  fallbackConfig?: GatewayFallbackConfig;
  experimentId?: string;
  usageTracking: boolean;
  models: ResolvedModel[];
}

/** A budget that applies to a request, with the window it is counted in now. */
export interface ActiveBudget {
  policy: GatewayBudgetPolicyRecord;
  window: BudgetWindow;
}

/** The current window of a budget and its spend (`ListGatewayBudgetWindows`). */
export interface BudgetWindowReport {
  budgetPolicyId: string;
  window: BudgetWindow;
  currentSpend: number;
}
