import type { Kysely } from 'kysely';

const TOKENS = ['input_tokens', 'output_tokens', 'total_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'] as const;
const COSTS = ['input_cost', 'output_cost', 'total_cost'] as const;

/**
 * Token usage, cost and model per span (from `mlflow.chat.tokenUsage`, `mlflow.llm.cost`,
 * `mlflow.llm.model`, `mlflow.llm.provider`), their per-trace totals, and a numeric form of assessment
 * values: what QueryTraceMetrics aggregates without parsing documents.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of TOKENS) {
    await db.schema.alterTable('spans').addColumn(column, 'bigint').execute();
    await db.schema.alterTable('traces').addColumn(column, 'bigint').execute();
  }
  for (const column of COSTS) {
    await db.schema.alterTable('spans').addColumn(column, 'double precision').execute();
    await db.schema.alterTable('traces').addColumn(column, 'double precision').execute();
  }
  await db.schema.alterTable('spans').addColumn('model_name', 'text').execute();
  await db.schema.alterTable('spans').addColumn('model_provider', 'text').execute();
  // 1 once StartTraceV3 brought the client's own totals (`mlflow.trace.tokenUsage` / `mlflow.trace.cost`): spans no longer change them.
  await db.schema
    .alterTable('traces')
    .addColumn('usage_final', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('assessments').addColumn('value_number', 'double precision').execute();
}
