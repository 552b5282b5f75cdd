import { sql, type RawBuilder } from 'kysely';
import { ApiError, PromptTagKey, type Comparison, type ModelVersionFilterEntity, type OrderBy, type RegisteredModelFilterEntity } from '@loupe/protocol';
import { DELETED_STAGE, type ModelVersionSearchQuery, type RegisteredModelSearchQuery } from '../registry-store.js';
import { compileComparison } from './compile-comparison.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import type { ModelVersionRow, RegisteredModelRow } from './registry-hydration.js';

/** Registered-model order_by keys (after parsing) and their columns. */
const MODEL_ORDER_COLUMNS: Record<string, string> = {
  name: 'm.name',
  last_updated_timestamp: 'm.last_updated_time',
  creation_timestamp: 'm.creation_time',
};

/** Model-version attribute keys (after parsing: `source_path` is `source`, `version_number` is `version`) and their columns. */
const VERSION_COLUMNS: Record<string, string> = {
  name: 'm.name',
  run_id: 'mv.run_id',
  source: 'mv.source',
  version: 'mv.version',
  creation_timestamp: 'mv.creation_time',
  last_updated_timestamp: 'mv.last_updated_time',
};

function column(columns: Record<string, string>, key: string, what: string): string {
  const found = columns[key];
  if (!found) throw ApiError.invalid(`Invalid ${what} key '${key}' specified.`);
  return found;
}

function orderClause(columns: Record<string, string>, orderBy: OrderBy<string>[], tieBreaks: [string, 'asc' | 'desc'][]): RawBuilder<unknown> {
  const terms = orderBy.map((o) => sql`${sql.ref(column(columns, o.key, 'order by'))} ${sql.raw(o.ascending ? 'asc' : 'desc')}`);
  const ordered = new Set(orderBy.map((o) => o.key));
  for (const [key, dir] of tieBreaks) if (!ordered.has(key)) terms.push(sql`${sql.ref(column(columns, key, 'order by'))} ${sql.raw(dir)}`);
  return sql.join(terms);
}

/** A tag clause: the entity has the tag and its value satisfies the comparison (a missing tag makes it false). */
function tagClause(dialect: SqlDialect, c: Comparison<string>, alias: string, table: string, owner: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`exists (select 1 from ${sql.table(table)} ${sql.id(alias)} where ${owner} and ${sql.ref(`${alias}.key`)} = ${c.key}
    and ${compileComparison(dialect, sql.ref(`${alias}.value`), c.op, c.value)})`;
}

/**
 * The SQL of a registered-model search (spec §9.3, MLflow's SQL store): `name` comparisons on the
 * model, one EXISTS per tag clause, prompts or models only (models: no tag `mlflow.prompt.is_prompt`
 * = `true`, MLflow's anti-join), then the order_by with `name ASC` as tie-break, one row past the page
 * to tell whether more follow. Only `sql.ref` names and bound values reach the SQL text.
 *
 * @example
 * const { rows } = await compileRegisteredModelSearch(dialect, query).execute(db);
 */
export function compileRegisteredModelSearch(dialect: SqlDialect, query: RegisteredModelSearchQuery): RawBuilder<RegisteredModelRow> {
  const where: RawBuilder<unknown>[] = [];
  query.filter.forEach((c: Comparison<RegisteredModelFilterEntity>, i) => {
    if (c.entity === 'attribute') where.push(sql`${compileComparison(dialect, sql.ref(column({ name: 'm.name' }, c.key, 'attribute')), c.op, c.value)}`);
    else where.push(tagClause(dialect, c, `t${i}`, 'registered_model_tags', sql`${sql.ref(`t${i}.model_key`)} = m.model_key`));
  });
  if (!query.prompts) {
    where.push(
      sql`not exists (select 1 from registered_model_tags p where p.model_key = m.model_key and p.key = ${PromptTagKey.IS_PROMPT} and p.value = 'true')`,
    );
  }
  const whereSql = where.length > 0 ? sql`where ${sql.join(where, sql` and `)}` : sql``;
  return sql<RegisteredModelRow>`select m.model_key, m.name, m.creation_time, m.last_updated_time, m.description from registered_models m ${whereSql}
    order by ${orderClause(MODEL_ORDER_COLUMNS, query.orderBy, [['name', 'asc']])}
    limit ${query.page.limit + 1} offset ${query.page.offset}`;
}

/**
 * The SQL of a model-version search (spec §9.4): live versions only; `name` compares the model's
 * name, `run_id`, `source` and `version` the version's columns; one EXISTS per tag clause; prompts or
 * models only (models: no version of the model carries `mlflow.prompt.is_prompt` = `true`, as MLflow
 * excludes them); the order_by with `name ASC, version DESC` as tie-breaks, one row past the page.
 *
 * @example
 * const { rows } = await compileModelVersionSearch(dialect, query).execute(db);
 */
export function compileModelVersionSearch(dialect: SqlDialect, query: ModelVersionSearchQuery): RawBuilder<ModelVersionRow> {
  const where: RawBuilder<unknown>[] = [sql`mv.current_stage <> ${DELETED_STAGE}`];
  query.filter.forEach((c: Comparison<ModelVersionFilterEntity>, i) => {
    if (c.entity === 'attribute') where.push(sql`${compileComparison(dialect, sql.ref(column(VERSION_COLUMNS, c.key, 'attribute')), c.op, c.value)}`);
    else
      where.push(
        tagClause(dialect, c, `t${i}`, 'model_version_tags', sql`${sql.ref(`t${i}.model_key`)} = mv.model_key and ${sql.ref(`t${i}.version`)} = mv.version`),
      );
  });
  if (!query.prompts) {
    where.push(
      sql`not exists (select 1 from model_version_tags p where p.model_key = mv.model_key and p.key = ${PromptTagKey.IS_PROMPT} and p.value = 'true')`,
    );
  }
  return sql<ModelVersionRow>`select mv.*, m.name from model_versions mv join registered_models m on m.model_key = mv.model_key
    where ${sql.join(where, sql` and `)}
    order by ${orderClause(VERSION_COLUMNS, query.orderBy, [
      ['name', 'asc'],
      ['version', 'desc'],
    ])}
    limit ${query.page.limit + 1} offset ${query.page.offset}`;
}
