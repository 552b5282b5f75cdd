import { sql, type Kysely, type RawBuilder } from 'kysely';
import { ApiError, type Comparison, type Filter, type OrderBy, type RunFilterEntity, type ViewType } from '@loupe/protocol';
import { compileComparison } from './compile-comparison.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import type { Database, RunsTable } from './schema.js';
import { lifecycleStages } from './sql-ids.js';

/** Run attribute keys (after the parser's alias resolution) and their columns. */
const ATTRIBUTE_COLUMNS: Record<string, string> = {
  run_id: 'r.run_uuid',
  run_uuid: 'r.run_uuid',
  run_name: 'r.name',
  status: 'r.status',
  user_id: 'r.user_id',
  artifact_uri: 'r.artifact_uri',
  start_time: 'r.start_time',
  end_time: 'r.end_time',
  lifecycle_stage: 'r.lifecycle_stage',
};

const KV_TABLES: Record<'param' | 'tag', string> = { param: 'params', tag: 'tags' };

function attributeColumn(key: string): string {
  const column = ATTRIBUTE_COLUMNS[key];
  if (!column) throw ApiError.invalid(`Invalid attribute key '${key}' specified. Valid keys are '${Object.keys(ATTRIBUTE_COLUMNS).join("', '")}'.`);
  return column;
}

/** A run search: its scope, filter and order. */
export interface RunSearchQuery {
  experimentIds: number[];
  viewType: ViewType;
  filter: Filter<RunFilterEntity>;
  orderBy: OrderBy<RunFilterEntity>[];
}

/**
 * Builds the SQL of a run search: experiment and lifecycle scope, one inner join per metric / param /
 * tag clause (a missing key makes a clause false, as in MLflow), EXISTS for dataset clauses, and the
 * order_by with MLflow's rules (missing values last, NaN after numbers, then `start_time DESC, run_id`).
 * An order_by on a metric the filter already joins reuses that join, so `metrics.m > x ORDER BY
 * metrics.m` walks the (key, value) index in order and stops at the page size. Only `sql.ref` names
 * and bound values reach the SQL text.
 *
 * @example
 * const rows = await compileRunSearch(dialect, query, { limit: 101, offset: 0 }).execute(db);
 */
export function compileRunSearch(dialect: SqlDialect, query: RunSearchQuery, page: { limit: number; offset: number }): RawBuilder<RunsTable> {
  const joins: RawBuilder<unknown>[] = [];
  const where: RawBuilder<unknown>[] = [
    sql`r.experiment_id in (${sql.join(query.experimentIds)})`,
    sql`r.lifecycle_stage in (${sql.join(lifecycleStages(query.viewType))})`,
  ];
  const joinedMetrics = new Map<string, string>();
  query.filter.forEach((c, i) => applyClause(dialect, c, `f${i}`, joins, where, joinedMetrics));

  const order: RawBuilder<unknown>[] = [];
  let orderedByStart = false;
  let orderedById = false;
  query.orderBy.forEach((o, i) => {
    const dir = sql.raw(o.ascending ? 'asc' : 'desc');
    const alias = `o${i}`;
    if (o.entity === 'metric') {
      const joined = joinedMetrics.get(o.key);
      if (joined) {
        // Inner-joined with is_nan = 0: never null, never NaN.
        order.push(sql`${sql.ref(`${joined}.value`)} ${dir}`);
        return;
      }
      joins.push(sql`left join latest_metrics ${sql.id(alias)} on ${sql.ref(`${alias}.run_uuid`)} = r.run_uuid and ${sql.ref(`${alias}.key`)} = ${o.key}`);
      order.push(sql`case when ${sql.ref(`${alias}.value`)} is null then 2 when ${sql.ref(`${alias}.is_nan`)} = 1 then 1 else 0 end`);
      order.push(sql`${sql.ref(`${alias}.value`)} ${dir}`);
      return;
    }
    if (o.entity === 'param' || o.entity === 'tag') {
      joins.push(
        sql`left join ${sql.table(KV_TABLES[o.entity])} ${sql.id(alias)} on ${sql.ref(`${alias}.run_uuid`)} = r.run_uuid and ${sql.ref(`${alias}.key`)} = ${o.key}`,
      );
      order.push(sql`case when ${sql.ref(`${alias}.value`)} is null then 1 else 0 end`);
      order.push(sql`${sql.ref(`${alias}.value`)} ${dir}`);
      return;
    }
    if (o.entity !== 'attribute') throw ApiError.invalid(`Invalid order_by entity '${o.entity}' for runs.`);
    const column = attributeColumn(o.key);
    if (column === 'r.start_time') orderedByStart = true;
    if (column === 'r.run_uuid') orderedById = true;
    if (column === 'r.end_time') order.push(sql`case when r.end_time is null then 1 else 0 end`);
    order.push(sql`${sql.ref(column)} ${dir}`);
  });
  if (!orderedByStart) order.push(sql`r.start_time desc`);
  if (!orderedById) order.push(sql`r.run_uuid asc`);

  return sql<RunsTable>`select r.* from runs r ${sql.join(joins, sql` `)}
    where ${sql.join(where, sql` and `)}
    order by ${sql.join(order)}
    limit ${page.limit} offset ${page.offset}`;
}

function applyClause(
  dialect: SqlDialect,
  c: Comparison<RunFilterEntity>,
  alias: string,
  joins: RawBuilder<unknown>[],
  where: RawBuilder<unknown>[],
  joinedMetrics: Map<string, string>,
): void {
  const value = sql.ref(`${alias}.value`);
  switch (c.entity) {
    case 'metric':
      if (!joinedMetrics.has(c.key)) joinedMetrics.set(c.key, alias);
      joins.push(
        sql`join latest_metrics ${sql.id(alias)} on ${sql.ref(`${alias}.run_uuid`)} = r.run_uuid and ${sql.ref(`${alias}.key`)} = ${c.key} and ${sql.ref(`${alias}.is_nan`)} = 0`,
      );
      where.push(sql`${compileComparison(dialect, value, c.op, c.value)}`);
      return;
    case 'param':
    case 'tag':
      joins.push(
        sql`join ${sql.table(KV_TABLES[c.entity])} ${sql.id(alias)} on ${sql.ref(`${alias}.run_uuid`)} = r.run_uuid and ${sql.ref(`${alias}.key`)} = ${c.key}`,
      );
      where.push(sql`${compileComparison(dialect, value, c.op, c.value)}`);
      return;
    case 'attribute':
      where.push(sql`${compileComparison(dialect, sql.ref(attributeColumn(c.key)), c.op, c.value)}`);
      return;
    case 'dataset':
      where.push(datasetExists(dialect, c));
      return;
    default:
      throw ApiError.invalid(`Invalid filter entity '${String(c.entity)}' for runs.`);
  }
}

function datasetExists(dialect: SqlDialect, c: Comparison<RunFilterEntity>): RawBuilder<unknown> {
  if (c.key === 'context') {
    return sql`exists (select 1 from run_inputs ri join input_tags it on it.run_uuid = ri.run_uuid and it.dataset_uuid = ri.dataset_uuid
      and it.key = 'mlflow.data.context' where ri.run_uuid = r.run_uuid and ${compileComparison(dialect, sql.ref('it.value'), c.op, c.value)})`;
  }
  if (c.key !== 'name' && c.key !== 'digest') throw ApiError.invalid(`Invalid dataset key '${c.key}'. Valid keys are 'name', 'digest', 'context'.`);
  return sql`exists (select 1 from run_inputs ri join datasets d on d.dataset_uuid = ri.dataset_uuid
    where ri.run_uuid = r.run_uuid and ${compileComparison(dialect, sql.ref(`d.${c.key}`), c.op, c.value)})`;
}

/** Runs the search. */
export async function executeRunSearch(db: Kysely<Database>, dialect: SqlDialect, query: RunSearchQuery, page: { limit: number; offset: number }) {
  const { rows } = await compileRunSearch(dialect, query, page).execute(db);
  return rows;
}
