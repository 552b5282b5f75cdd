/** AI gateway tables (migrations/0017). Times are epoch milliseconds; maps and configs are JSON text. */
export interface GatewaySecretsTable {
  secret_id: string;
  secret_name: string;
  /** `SecretCipher` ciphertext of the JSON value map, bound to `secret_id`. */
  value_ciphertext: string;
  masked_values: string;
  provider: string | null;
  auth_config: string | null;
  created_at: number;
  last_updated_at: number;
  created_by: string | null;
  last_updated_by: string | null;
}

export interface GatewayModelDefinitionsTable {
  model_definition_id: string;
  name: string;
  /** Null once the secret was deleted. */
  secret_id: string | null;
  provider: string;
  model_name: string;
  created_at: number;
  last_updated_at: number;
  created_by: string | null;
  last_updated_by: string | null;
}

export interface GatewayEndpointsTable {
  endpoint_id: string;
  name: string;
  routing_strategy: string | null;
  /** `{"strategy", "max_attempts", "model_definition_ids"}`, as MLflow's `fallback_config_json`. */
  fallback_config: string | null;
  experiment_id: string | null;
  usage_tracking: number;
  created_at: number;
  last_updated_at: number;
  created_by: string | null;
  last_updated_by: string | null;
}

export interface GatewayEndpointModelsTable {
  mapping_id: string;
  endpoint_id: string;
  model_definition_id: string;
  /** `PRIMARY` or `FALLBACK`. */
  linkage_type: string;
  weight: number;
  fallback_order: number | null;
  created_at: number;
  created_by: string | null;
}

export interface GatewayEndpointTagsTable {
  endpoint_id: string;
  key: string;
  value: string;
}

export interface GatewayEndpointBindingsTable {
  endpoint_id: string;
  resource_type: string;
  resource_id: string;
  created_at: number;
  last_updated_at: number;
  created_by: string | null;
  last_updated_by: string | null;
}

export interface GatewayBudgetPoliciesTable {
  budget_policy_id: string;
  budget_unit: string;
  budget_amount: number;
  duration_unit: string;
  duration_value: number;
  target_scope: string;
  target_value: string | null;
  budget_action: string;
  created_at: number;
  last_updated_at: number;
  created_by: string | null;
  last_updated_by: string | null;
}

/** One invocation of a gateway endpoint (migration 0020). */
export interface GatewayUsageTable {
  usage_id: string;
  endpoint_id: string;
  endpoint_name: string;
  username: string | null;
  provider: string | null;
  model_name: string | null;
  /** `OK` or `ERROR`. */
  status: string;
  input_tokens: number | null;
  output_tokens: number | null;
  total_cost: number;
  trace_id: string | null;
  created_at: number;
}

/** An ALERT budget's window whose limit was crossed (its webhook event was written). */
export interface GatewayBudgetAlertsTable {
  budget_policy_id: string;
  window_start: number;
  spend: number;
  created_at: number;
}

/** The gateway tables, part of {@link Database}. */
export interface GatewayTables {
  gateway_secrets: GatewaySecretsTable;
  gateway_model_definitions: GatewayModelDefinitionsTable;
  gateway_endpoints: GatewayEndpointsTable;
  gateway_endpoint_models: GatewayEndpointModelsTable;
  gateway_endpoint_tags: GatewayEndpointTagsTable;
  gateway_endpoint_bindings: GatewayEndpointBindingsTable;
  gateway_budget_policies: GatewayBudgetPoliciesTable;
  gateway_usage: GatewayUsageTable;
  gateway_budget_alerts: GatewayBudgetAlertsTable;
}
