import type { BudgetTargetScope } from '@loupe/protocol';

/** One invocation of a gateway endpoint, as the data plane records it. */
export interface GatewayUsageRecord {
  usageId: string;
  endpointId: string;
  endpointName: string;
  /** The caller (absent when auth is off). */
  username?: string;
  provider?: string;
  modelName?: string;
  status: 'OK' | 'ERROR';
  inputTokens?: number;
  outputTokens?: number;
  /** USD; 0 when the model's price is unknown or the call failed. */
  totalCost: number;
  traceId?: string;
  createdAt: number;
}

/** Which usage rows a budget counts: all of them, one endpoint's, or one user's. */
export interface SpendScope {
  targetScope: BudgetTargetScope;
  targetValue?: string;
}

/** An ALERT budget to check after a usage row is written: its window and limit, and its event's payload. */
export interface BudgetAlertCheck {
  budgetPolicyId: string;
  scope: SpendScope;
  windowStartMs: number;
  windowEndMs: number;
  limit: number;
  /** The webhook event's `data`, given the window's spend. */
  payload(spend: number): Record<string, unknown>;
}

/**
 * Spend of the AI gateway (migration 0020): usage rows summed per budget window, and the once-per-window
 * `budget_policy.exceeded` event written with the row that crossed the limit.
 *
 * @example
 * const crossed = await store.recordUsage(usage, alertChecks); // ids of the budgets whose event was written
 */
export interface GatewayUsageStore {
  /**
   * Stores the row, then, in the same transaction, for each check whose window spend is at or over its
   * limit and has no alert yet: an alert row and a `registry_events` row (`budget_policy` /
   * `exceeded`), so the webhook event is committed with the spend that caused it, once per window.
   * Returns the ids of the budgets whose event was written.
   */
  recordUsage(usage: GatewayUsageRecord, checks: readonly BudgetAlertCheck[]): Promise<string[]>;
  /** The cost (USD) of the scope's usage in `[startMs, endMs)`. */
  spend(scope: SpendScope, startMs: number, endMs: number): Promise<number>;
}
