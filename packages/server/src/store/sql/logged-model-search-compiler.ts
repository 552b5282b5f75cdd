import { sql, type RawBuilder } from 'kysely';
import { ApiError, type Comparison, type Filter, type FilterValue, type LoggedModelFilterEntity, type LoggedModelStatus } from '@loupe/protocol';
import type { DatasetFilter, LoggedModelOrderBy } from '../logged-model-store.js';
import { compileComparison } from './compile-comparison.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import type { LoggedModelsTable } from './schema.js';

/** Logged-model attribute keys, aliases included (MLflow's SqlLoggedModel.ALIASES), and their columns. */
const ATTRIBUTE_COLUMNS: Record<string, string> = {
  model_id: 'model_id',
  name: 'name',
  model_type: 'model_type',
  status: 'status',
  source_run_id: 'source_run_id',
  creation_timestamp_ms: 'creation_timestamp_ms',
  creation_timestamp: 'creation_timestamp_ms',
  creation_time: 'creation_timestamp_ms',
  last_updated_timestamp_ms: 'last_updated_timestamp_ms',
  last_updated_timestamp: 'last_updated_timestamp_ms',
  last_updated_time: 'last_updated_timestamp_ms',
};

const VALID_KEYS = "'name', 'model_id', 'model_type', 'status', 'source_run_id', 'creation_timestamp', 'last_updated_timestamp'";

// MLflow's Python entity names the statuses without the proto prefix; filters may use either form.
const STATUS_NAMES: Record<string, LoggedModelStatus> = {
  UNSPECIFIED: 'LOGGED_MODEL_STATUS_UNSPECIFIED',
  PENDING: 'LOGGED_MODEL_PENDING',
  READY: 'LOGGED_MODEL_READY',
  FAILED: 'LOGGED_MODEL_UPLOAD_FAILED',
  UPLOAD_FAILED: 'LOGGED_MODEL_UPLOAD_FAILED',
};

const KV_TABLES: Record<'param' | 'tag', string> = { param: 'logged_model_params', tag: 'logged_model_tags' };

function attributeColumn(key: string): string {
  const column = ATTRIBUTE_COLUMNS[key];
  if (!column) throw ApiError.invalid(`Invalid attribute key '${key}' specified for logged models. Valid keys are ${VALID_KEYS}.`);
  return column;
}

function statusValue(value: FilterValue): FilterValue {
  const norm = (v: string) => STATUS_NAMES[v] ?? v;
  if (value.kind === 'string') return { kind: 'string', value: norm(value.value) };
  if (value.kind === 'list') return { kind: 'list', values: value.values.map(norm) };
  return value;
}

/** `(d.dataset_name = ? [and d.dataset_digest = ?]) or ...` over the given metric-table alias. */
function datasetMatch(alias: string, datasets: DatasetFilter[]): RawBuilder<unknown> {
  const one = (d: DatasetFilter) =>
    d.datasetDigest
      ? sql`(${sql.ref(`${alias}.dataset_name`)} = ${d.datasetName} and ${sql.ref(`${alias}.dataset_digest`)} = ${d.datasetDigest})`
      : sql`${sql.ref(`${alias}.dataset_name`)} = ${d.datasetName}`;
  return sql`(${sql.join(datasets.map(one), sql` or `)})`;
}

function compileClause(dialect: SqlDialect, c: Comparison<LoggedModelFilterEntity>, alias: string, datasets: DatasetFilter[]): RawBuilder<unknown> {
  const value = sql.ref(`${alias}.value`);
  const owner = sql`${sql.ref(`${alias}.model_id`)} = m.model_id and ${sql.ref(`${alias}.key`)} = ${c.key}`;
  switch (c.entity) {
    case 'metric': {
      // MLflow's SQL store matches when any logged point of the key satisfies the comparison.
      const onDatasets = datasets.length > 0 ? sql` and ${datasetMatch(alias, datasets)}` : sql``;
      return sql`exists (select 1 from logged_model_metrics ${sql.id(alias)} where ${owner} and ${sql.ref(`${alias}.is_nan`)} = 0
        and ${compileComparison(dialect, value, c.op, c.value)}${onDatasets})`;
    }
    case 'param':
    case 'tag':
      return sql`exists (select 1 from ${sql.table(KV_TABLES[c.entity])} ${sql.id(alias)} where ${owner}
        and ${compileComparison(dialect, value, c.op, c.value)})`;
    case 'attribute': {
      const column = attributeColumn(c.key);
      const rhs = column === 'status' ? statusValue(c.value) : c.value;
      return sql`${compileComparison(dialect, sql.ref(`m.${column}`), c.op, rhs)}`;
    }
    default:
      throw ApiError.invalid(`Invalid filter entity '${String(c.entity)}' for logged models.`);
  }
}

/** The latest point of a metric (by timestamp, then step; MLflow's rule), optionally on one dataset. */
function latestMetric(o: LoggedModelOrderBy, column: 'value' | 'is_nan'): RawBuilder<unknown> {
  const dataset = [
    ...(o.datasetName !== undefined ? [sql` and x.dataset_name = ${o.datasetName}`] : []),
    ...(o.datasetDigest !== undefined ? [sql` and x.dataset_digest = ${o.datasetDigest}`] : []),
  ];
  return sql`(select ${sql.ref(`x.${column}`)} from logged_model_metrics x where x.model_id = m.model_id and x.key = ${o.key}${sql.join(dataset, sql``)}
    order by x.timestamp desc, x.step desc, x.is_nan asc, x.value desc limit 1)`;
}

/** A logged-model search after id resolution. */
export interface LoggedModelSearchSql {
  experimentIds: number[];
  filter: Filter<LoggedModelFilterEntity>;
  datasets: DatasetFilter[];
  orderBy: LoggedModelOrderBy[];
}

/**
 * Builds the SQL of a logged-model search: experiment scope, active models only, one EXISTS per
 * metric / param / tag clause (a missing key makes a clause false; metric clauses only see points on
 * the `datasets`, and with `datasets` but no metric clause a model needs some metric on them), then
 * the order_by: metrics by their latest point (missing last, NaN after numbers, both directions),
 * attributes with nulls last, then `creation_timestamp_ms DESC, model_id ASC`. Only `sql.ref` names
 * and bound values reach the SQL text.
 *
 * @example
 * const { rows } = await compileLoggedModelSearch(dialect, query, { limit: 51, offset: 0 }).execute(db);
 */
export function compileLoggedModelSearch(
  dialect: SqlDialect,
  query: LoggedModelSearchSql,
  page: { limit: number; offset: number },
): RawBuilder<LoggedModelsTable> {
  const where: RawBuilder<unknown>[] = [sql`m.experiment_id in (${sql.join(query.experimentIds)})`, sql`m.lifecycle_stage = 'active'`];
  query.filter.forEach((c, i) => where.push(compileClause(dialect, c, `f${i}`, query.datasets)));
  if (query.datasets.length > 0 && !query.filter.some((c) => c.entity === 'metric')) {
    where.push(sql`exists (select 1 from logged_model_metrics d where d.model_id = m.model_id and ${datasetMatch('d', query.datasets)})`);
  }

  const sortColumns: RawBuilder<unknown>[] = [];
  const order: RawBuilder<unknown>[] = [];
  const ordered = new Set<string>();
  query.orderBy.forEach((o, i) => {
    const dir = sql.raw(o.ascending ? 'asc' : 'desc');
    if (o.entity === 'metric') {
      const v = `o${i}_v`;
      const n = `o${i}_n`;
      sortColumns.push(sql`, ${latestMetric(o, 'value')} as ${sql.id(v)}, ${latestMetric(o, 'is_nan')} as ${sql.id(n)}`);
      order.push(sql`case when ${sql.ref(`s.${v}`)} is null then 2 when ${sql.ref(`s.${n}`)} = 1 then 1 else 0 end`);
      order.push(sql`${sql.ref(`s.${v}`)} ${dir}`);
      return;
    }
    if (o.entity !== 'attribute')
      throw ApiError.invalid(`Invalid order by field '${o.entity}.${o.key}' for logged models: only metrics and attributes can be ordered by.`);
    const column = ATTRIBUTE_COLUMNS[o.key];
    if (!column) throw ApiError.invalid(`Invalid order by field name: ${o.key}. Valid keys are ${VALID_KEYS}.`);
    ordered.add(column);
    order.push(sql`case when ${sql.ref(`s.${column}`)} is null then 1 else 0 end`);
    order.push(sql`${sql.ref(`s.${column}`)} ${dir}`);
  });
  if (!ordered.has('creation_timestamp_ms')) order.push(sql`s.creation_timestamp_ms desc`);
  if (!ordered.has('model_id')) order.push(sql`s.model_id asc`);

  return sql<LoggedModelsTable>`select s.* from (select m.*${sql.join(sortColumns, sql``)} from logged_models m
      where ${sql.join(where, sql` and `)}) s
    order by ${sql.join(order)}
    limit ${page.limit} offset ${page.offset}`;
}
