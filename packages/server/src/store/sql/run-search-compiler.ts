import { sql, type Kysely, type RawBuilder } from 'kysely';
import { ApiError, DATASET_CONTEXT_TAG, type Comparison, type Filter, type OrderBy, type RunFilterEntity, type ViewType } from '@loupe/protocol';
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

/** One ordered slice of a search's results; slices are read in order to fill a page. */
export interface RunSearchSegment {
  select(page: { limit: number; offset: number }): RawBuilder<RunsTable>;
  count(): RawBuilder<{ n: number }>;
}

interface Parts {
  /** The FROM source; `runs r` unless a segment pins its join order. */
  from?: RawBuilder<unknown>;
  joins: RawBuilder<unknown>[];
  where: RawBuilder<unknown>[];
  order: RawBuilder<unknown>[];
}

/**
 * Plans a run search as one or more ordered segments. Scope: experiments and lifecycle. Filters: one
 * inner join per metric / param / tag clause (a missing key makes a clause false, as in MLflow),
 * EXISTS for dataset clauses. Order: MLflow's rules (missing values last, NaN after numbers, then
 * `start_time DESC, run_id`). When the first order key is a metric, the search is split into the runs
 * that have a real value (walked in the `(key, is_nan, value)` index order, so a page stops early),
 * then the NaN ones, then the ones without it, instead of sorting every run. An order on a metric the
 * filter already joins reuses that join. Only `sql.ref` names and bound values reach the SQL text.
 *
 * @example
 * const [first] = planRunSearch(dialect, query);
 * const { rows } = await first.select({ limit: 101, offset: 0 }).execute(db);
 */
export function planRunSearch(dialect: SqlDialect, query: RunSearchQuery): RunSearchSegment[] {
  const base: Parts = {
    joins: [],
    where: [sql`r.experiment_id in (${sql.join(query.experimentIds)})`, sql`r.lifecycle_stage in (${sql.join(lifecycleStages(query.viewType))})`],
    order: [],
  };
  const joinedMetrics = new Map<string, string>();
  query.filter.forEach((c, i) => applyClause(dialect, c, `f${i}`, base.joins, base.where, joinedMetrics));

  const [first, ...rest] = query.orderBy;
  if (!first || first.entity !== 'metric' || joinedMetrics.has(first.key)) {
    return [segment(withOrder(base, query.orderBy, joinedMetrics))];
  }
  const key = first.key;
  const hasValue = sql`s.run_uuid = r.run_uuid and s.key = ${key} and s.is_nan = 0`;
  // Without filters narrowing the runs, walking the metric's (key, is_nan, value) index in order and
  // stopping at the page size beats any plan that sorts; SQLite keeps a CROSS JOIN's order as written.
  const real: Parts =
    query.filter.length === 0
      ? { ...base, from: sql`latest_metrics s cross join runs r`, where: [hasValue, ...base.where] }
      : { ...base, joins: [...base.joins, sql`join latest_metrics s on ${hasValue}`] };
  const withValue = withOrder(real, query.orderBy, new Map([...joinedMetrics, [key, 's']]));
  const nan = {
    ...base,
    where: [...base.where, sql`exists (select 1 from latest_metrics s where s.run_uuid = r.run_uuid and s.key = ${key} and s.is_nan = 1)`],
  };
  const missing = { ...base, where: [...base.where, sql`not exists (select 1 from latest_metrics s where s.run_uuid = r.run_uuid and s.key = ${key})`] };
  return [segment(withValue), segment(withOrder(nan, rest, joinedMetrics)), segment(withOrder(missing, rest, joinedMetrics))];
}

function segment(parts: Parts): RunSearchSegment {
  const from = sql`from ${parts.from ?? sql`runs r`} ${sql.join(parts.joins, sql` `)} where ${sql.join(parts.where, sql` and `)}`;
  return {
    select: (page) => sql<RunsTable>`select r.* ${from} order by ${sql.join(parts.order)} limit ${page.limit} offset ${page.offset}`,
    count: () => sql<{ n: number }>`select count(*) as n ${from}`,
  };
}

function withOrder(parts: Parts, orderBy: OrderBy<RunFilterEntity>[], joinedMetrics: Map<string, string>): Parts {
  const joins = [...parts.joins];
  const order: RawBuilder<unknown>[] = [];
  let orderedByStart = false;
  let orderedById = false;
  orderBy.forEach((o, i) => {
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
  return { ...parts, joins, order };
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
      and it.key = ${sql.lit(DATASET_CONTEXT_TAG)} where ri.run_uuid = r.run_uuid and ${compileComparison(dialect, sql.ref('it.value'), c.op, c.value)})`;
  }
  if (c.key !== 'name' && c.key !== 'digest') throw ApiError.invalid(`Invalid dataset key '${c.key}'. Valid keys are 'name', 'digest', 'context'.`);
  return sql`exists (select 1 from run_inputs ri join datasets d on d.dataset_uuid = ri.dataset_uuid
    where ri.run_uuid = r.run_uuid and ${compileComparison(dialect, sql.ref(`d.${c.key}`), c.op, c.value)})`;
}

/**
 * Runs a search plan: reads segments in order until the page is full. When a page starts past a
 * segment's end, that segment is counted to find where the next one starts.
 *
 * @example
 * const rows = await executeRunSearch(db, dialect, query, { limit: 101, offset: 0 });
 */
export async function executeRunSearch(db: Kysely<Database>, dialect: SqlDialect, query: RunSearchQuery, page: { limit: number; offset: number }) {
  const rows: RunsTable[] = [];
  let offset = page.offset;
  for (const seg of planRunSearch(dialect, query)) {
    const need = page.limit - rows.length;
    if (need <= 0) break;
    const { rows: got } = await seg.select({ limit: need, offset }).execute(db);
    rows.push(...got);
    if (got.length > 0) offset = 0;
    else if (offset > 0) offset = Math.max(0, offset - Number((await seg.count().execute(db)).rows[0]?.n ?? 0));
  }
  return rows;
}
