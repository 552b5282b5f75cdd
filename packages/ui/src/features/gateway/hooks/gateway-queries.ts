import { useMutation, useQueryClient } from '@tanstack/react-query';

/** The control plane's RPCs under `/ajax-api/`. */
export const GW = '3.0/mlflow/gateway';

/**
 * The gateway's query keys: every write refreshes everything under `gateway`, since endpoints carry
 * their model definitions and these their secret's name.
 *
 * @example
 * qc.invalidateQueries({ queryKey: gatewayKeys.all });
 */
export const gatewayKeys = {
  all: ['gateway'] as const,
  secrets: ['gateway', 'secrets'] as const,
  secretsConfig: ['gateway', 'secrets-config'] as const,
  modelDefinitions: ['gateway', 'model-definitions'] as const,
  endpoints: ['gateway', 'endpoints'] as const,
  endpoint: (name: string) => ['gateway', 'endpoint', name] as const,
  bindings: (endpointId: string) => ['gateway', 'bindings', endpointId] as const,
  budgets: ['gateway', 'budgets'] as const,
  budgetWindows: ['gateway', 'budget-windows'] as const,
};

/**
 * A mutation that refreshes the gateway's queries when it succeeds.
 *
 * @example
 * const remove = useGatewayMutation((id: string) => apiRequest('DELETE', `${GW}/budgets/delete`, { body: { budget_policy_id: id } }));
 */
export function useGatewayMutation<TVars, TResult>(mutationFn: (vars: TVars) => Promise<TResult>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn, onSuccess: () => qc.invalidateQueries({ queryKey: gatewayKeys.all }) });
}
