import type { Kysely } from 'kysely';
import type { BudgetAlertCheck, GatewayUsageRecord, GatewayUsageStore, SpendScope } from '../gateway-usage-store.js';
import type { Database } from './schema.js';

/** The usage rows a scope counts (GLOBAL and WORKSPACE: all; one workspace here). */
function scoped(db: Kysely<Database>, scope: SpendScope, startMs: number, endMs: number) {
  let query = db.selectFrom('gateway_usage').where('created_at', '>=', startMs).where('created_at', '<', endMs);
  if (scope.targetScope === 'ENDPOINT') query = query.where('endpoint_id', '=', scope.targetValue ?? '');
  if (scope.targetScope === 'USER') query = query.where('username', '=', scope.targetValue ?? '');
  return query;
}

async function spendIn(db: Kysely<Database>, scope: SpendScope, startMs: number, endMs: number): Promise<number> {
  const row = await scoped(db, scope, startMs, endMs)
    .select((eb) => eb.fn.sum<number | string | null>('total_cost').as('spend'))
    .executeTakeFirst();
  return Number(row?.spend ?? 0);
}

/**
 * The gateway's spend on SQLite or PostgreSQL (migration 0020). A crossed ALERT budget's event goes
 * into `registry_events` (the webhook outbox) in the transaction of the usage row that crossed it;
 * the alert row's primary key (policy, window) keeps it to one event per window across servers.
 *
 * @example
 * const usage = new SqlGatewayUsageStore(db);
 * await usage.spend({ targetScope: 'GLOBAL' }, window.startMs, window.endMs);
 */
export class SqlGatewayUsageStore implements GatewayUsageStore {
  constructor(private readonly db: Kysely<Database>) {}

  recordUsage(usage: GatewayUsageRecord, checks: readonly BudgetAlertCheck[]): Promise<string[]> {
    return this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('gateway_usage')
        .values({
          usage_id: usage.usageId,
          endpoint_id: usage.endpointId,
          endpoint_name: usage.endpointName,
          username: usage.username ?? null,
          provider: usage.provider ?? null,
          model_name: usage.modelName ?? null,
          status: usage.status,
          input_tokens: usage.inputTokens ?? null,
          output_tokens: usage.outputTokens ?? null,
          total_cost: usage.totalCost,
          trace_id: usage.traceId ?? null,
          created_at: usage.createdAt,
        })
        .execute();
      const crossed: string[] = [];
      if (usage.totalCost <= 0) return crossed;
      for (const check of checks) {
        const spend = await spendIn(tx, check.scope, check.windowStartMs, check.windowEndMs);
        if (spend < check.limit) continue;
        const inserted = await tx
          .insertInto('gateway_budget_alerts')
          .values({ budget_policy_id: check.budgetPolicyId, window_start: check.windowStartMs, spend, created_at: usage.createdAt })
          .onConflict((oc) => oc.columns(['budget_policy_id', 'window_start']).doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) continue;
        await tx
          .insertInto('registry_events')
          .values({ entity: 'budget_policy', action: 'exceeded', payload: JSON.stringify(check.payload(spend)), created_at: usage.createdAt })
          .execute();
        crossed.push(check.budgetPolicyId);
      }
      return crossed;
    });
  }

  spend(scope: SpendScope, startMs: number, endMs: number): Promise<number> {
    return spendIn(this.db, scope, startMs, endMs);
  }
}
