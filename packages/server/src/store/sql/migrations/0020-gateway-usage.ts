import type { Kysely } from 'kysely';

/**
 * The AI gateway's data plane: one `gateway_usage` row per invocation (who called which endpoint,
 * which model answered, tokens and cost), which budget windows sum, and `gateway_budget_alerts`, one
 * row per (ALERT policy, window) whose limit was crossed, so its `budget_policy.exceeded` webhook
 * event is written once per window however many servers record spend.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('gateway_usage')
    .addColumn('usage_id', 'text', (c) => c.primaryKey())
    .addColumn('endpoint_id', 'text', (c) => c.notNull())
    .addColumn('endpoint_name', 'text', (c) => c.notNull())
    .addColumn('username', 'text')
    .addColumn('provider', 'text')
    .addColumn('model_name', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('input_tokens', 'bigint')
    .addColumn('output_tokens', 'bigint')
    .addColumn('total_cost', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('trace_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('gateway_usage_time').on('gateway_usage').column('created_at').execute();
  await db.schema.createIndex('gateway_usage_endpoint_time').on('gateway_usage').columns(['endpoint_id', 'created_at']).execute();
  await db.schema.createIndex('gateway_usage_user_time').on('gateway_usage').columns(['username', 'created_at']).execute();
  await db.schema
    .createTable('gateway_budget_alerts')
    .addColumn('budget_policy_id', 'text', (c) => c.notNull())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('spend', 'double precision', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('gateway_budget_alerts_pk', ['budget_policy_id', 'window_start'])
    .execute();
}
