import { sql, type Expression, type SqlBool } from 'kysely';
import { ApiError, type Comparison, type TraceFilterEntity } from '@loupe/protocol';
import { compileComparison } from './compile-comparison.js';
import type { SqlDialect } from './dialects/sql-dialect.js';

/** Span fields a filter may name, and their columns on the span alias `s`. */
const SPAN_COLUMNS: Record<string, string> = { name: 's.name', type: 's.type', status: 's.status' };

/** The filter entities that describe one span (as opposed to the trace around it). */
export const SPAN_ENTITIES: ReadonlySet<TraceFilterEntity> = new Set(['span', 'span_attribute', 'text']);

/**
 * One span-level comparison as a predicate over the span row `s`: `span.name|type|status`,
 * `span.attributes.<key>` (matched against the attribute's JSON-encoded value, as MLflow stores it)
 * and `trace.text` (the span's whole stored document).
 *
 * @example
 * sql`exists (select 1 from spans s where s.trace_key = t.trace_key and ${spanPredicate(dialect, c)})`;
 */
export function spanPredicate(dialect: SqlDialect, c: Comparison<TraceFilterEntity>): Expression<SqlBool> {
  switch (c.entity) {
    case 'span': {
      const column = SPAN_COLUMNS[c.key];
      if (!column) throw ApiError.invalid(`Invalid span field '${c.key}'. Supported attributes: name, status, type, attributes.<attribute_name>.`);
      return compileComparison(dialect, sql.ref(column), c.op, c.value);
    }
    case 'span_attribute':
      return dialect.jsonAttributeMatches(sql.ref('s.content'), c.key, (value) => compileComparison(dialect, value, c.op, c.value));
    case 'text':
      return compileComparison(dialect, sql.ref('s.content'), c.op, c.value);
    default:
      throw new Error(`not a span comparison: ${c.entity}`);
  }
}
