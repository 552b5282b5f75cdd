import type { GatewayBudgetPolicy, GatewayBudgetWindow } from '@loupe/protocol';
import { useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../shared/api/http-client';
import type { BudgetBody } from '../lib/budgets';
import { GW, gatewayKeys, useGatewayMutation } from './gateway-queries';

/**
 * Every budget policy (admins only), all pages read, oldest first as the server lists them.
 *
 * @example
 * const { data: budgets } = useBudgetPolicies();
 */
export function useBudgetPolicies() {
  return useQuery({
    queryKey: gatewayKeys.budgets,
    queryFn: async ({ signal }) => {
      const policies: GatewayBudgetPolicy[] = [];
      let pageToken: string | undefined;
      do {
        const page = await apiRequest<{ budget_policies?: GatewayBudgetPolicy[]; next_page_token?: string }>('GET', `${GW}/budgets/list`, {
          query: { max_results: 1000, page_token: pageToken },
          signal,
        });
        policies.push(...(page.budget_policies ?? []));
        pageToken = page.next_page_token;
      } while (pageToken);
      return policies;
    },
  });
}

/**
 * Each budget's current window and what was spent in it, by policy id; read again every 10 s while shown.
 *
 * @example
 * const spend = useBudgetWindows().data?.get('bp-1')?.current_spend;
 */
export function useBudgetWindows() {
  return useQuery({
    queryKey: gatewayKeys.budgetWindows,
    queryFn: async ({ signal }) =>
      new Map(
        ((await apiRequest<{ windows?: GatewayBudgetWindow[] }>('GET', `${GW}/budgets/windows`, { signal })).windows ?? []).map((w) => [w.budget_policy_id, w]),
      ),
    refetchInterval: 10_000,
  });
}

/**
 * Creating a budget policy.
 *
 * @example
 * create.mutate(budgetRequest(values));
 */
export function useCreateBudget() {
  return useGatewayMutation((body: BudgetBody) => apiRequest<{ budget_policy: GatewayBudgetPolicy }>('POST', `${GW}/budgets/create`, { body }));
}

/**
 * Changing a budget policy (every field sent again).
 *
 * @example
 * update.mutate({ id: 'bp-1', body: budgetRequest(values) });
 */
export function useUpdateBudget() {
  return useGatewayMutation(({ id, body }: { id: string; body: BudgetBody }) =>
    apiRequest<{ budget_policy: GatewayBudgetPolicy }>('POST', `${GW}/budgets/update`, { body: { budget_policy_id: id, ...body } }),
  );
}

/**
 * Deleting a budget policy.
 *
 * @example
 * remove.mutate('bp-1');
 */
export function useDeleteBudget() {
  return useGatewayMutation((id: string) => apiRequest('DELETE', `${GW}/budgets/delete`, { body: { budget_policy_id: id } }));
}
