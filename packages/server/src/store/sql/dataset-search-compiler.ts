import { sql, type RawBuilder } from 'kysely';
import { ApiError, type Comparison, type DatasetFilterEntity } from '@loupe/protocol';
import type { DatasetSearchQuery } from '../dataset-store.js';
import { compileComparison } from './compile-comparison.js';
import type { DatasetRow } from './dataset-rows.js';
import type { SqlDialect } from './dialects/sql-dialect.js';

/** Dataset attributes a filter or order_by may name (after parsing) and their columns. */
const COLUMNS: Record<string, string> = {
  name: 'd.name',
  created_by: 'd.created_by',
  last_updated_by: 'd.last_updated_by',
  created_time: 'd.created_time',
  last_update_time: 'd.last_update_time',
};

function column(key: string): string {
  const found = COLUMNS[key];
  if (!found) throw ApiError.invalid(`Invalid attribute key '${key}' specified.`);
  return found;
}

function clause(dialect: SqlDialect, c: Comparison<DatasetFilterEntity>, i: number): RawBuilder<unknown> {
  if (c.entity === 'attribute') return sql`${compileComparison(dialect, sql.ref(column(c.key)), c.op, c.value)}`;
  const alias = `t${i}`;
  return sql`exists (select 1 from evaluation_dataset_tags ${sql.id(alias)} where ${sql.ref(`${alias}.dataset_id`)} = d.dataset_id
    and ${sql.ref(`${alias}.key`)} = ${c.key} and ${compileComparison(dialect, sql.ref(`${alias}.value`), c.op, c.value)})`;
}

/**
 * The SQL of an evaluation-dataset search (MLflow's `search_datasets`): datasets linked to any of the
 * experiments when some are given, attribute comparisons on the dataset, one EXISTS per tag clause
 * (a missing tag makes the clause false), the order_by with `dataset_id DESC` as tie-break, one row
 * past the page to tell whether more follow. Only `sql.ref` names and bound values reach the SQL text.
 *
 * @example
 * const { rows } = await compileDatasetSearch(dialect, query).execute(db);
 */
export function compileDatasetSearch(dialect: SqlDialect, query: DatasetSearchQuery): RawBuilder<DatasetRow> {
  const where: RawBuilder<unknown>[] = query.filter.map((c, i) => clause(dialect, c, i));
  if (query.experimentIds.length > 0) {
    where.push(
      sql`exists (select 1 from evaluation_dataset_experiments x where x.dataset_id = d.dataset_id and x.experiment_id in (${sql.join(query.experimentIds)}))`,
    );
  }
  const terms = query.orderBy.map((o) => sql`${sql.ref(column(o.key))} ${sql.raw(o.ascending ? 'asc' : 'desc')}`);
  terms.push(sql`d.dataset_id desc`);
  const whereSql = where.length > 0 ? sql`where ${sql.join(where, sql` and `)}` : sql``;
  return sql<DatasetRow>`select d.* from evaluation_datasets d ${whereSql}
    order by ${sql.join(terms)}
    limit ${query.page.limit + 1} offset ${query.page.offset}`;
}
