import type { Kysely } from 'kysely';
import type { MetricPoint, TraceMetricsQuery } from '../trace-store.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import type { Database } from './schema.js';
import { toDbId } from './sql-ids.js';
import { compileTraceMetrics } from './trace-metrics-compiler.js';

/**
 * Runs a QueryTraceMetrics query (compiled by `compileTraceMetrics`) and reads its rows as points:
 * bucket start, dimension values (null: none) and one value per aggregation label.
 *
 * @example
 * const { points } = await queryTraceMetrics(db, dialect, query);
 */
export async function queryTraceMetrics(
  db: Kysely<Database>,
  dialect: SqlDialect,
  query: TraceMetricsQuery,
): Promise<{ points: MetricPoint[]; hasMore: boolean }> {
  const experimentIds = query.experimentIds.map(toDbId).filter((id): id is number => id !== undefined);
  if (experimentIds.length === 0) return { points: [], hasMore: false };
  const { limit, offset } = query.page;
  const { rows } = await compileTraceMetrics(dialect, { ...query, page: { offset, limit: limit + 1 } }, experimentIds).execute(db);
  const points = rows.slice(0, limit).map((row): MetricPoint => {
    const point: MetricPoint = { dimensions: {}, values: {} };
    if (query.bucketMs !== undefined) point.bucketStartMs = Number(row.bucket);
    query.dimensions.forEach((d, i) => {
      const v = row[`d${i}`];
      point.dimensions[d] = v === null || v === undefined ? null : String(v);
    });
    query.aggregations.forEach((a, i) => {
      const v = row[`v${i}`];
      point.values[a.label] = v === null || v === undefined ? null : Number(v);
    });
    return point;
  });
  return { points, hasMore: rows.length > limit };
}
