import { sql, type Expression, type SqlBool } from 'kysely';
import type { Comparator, FilterValue } from '@loupe/protocol';
import type { SqlDialect } from './dialects/sql-dialect.js';

const PLAIN_OPERATORS = new Set<Comparator>(['=', '!=', '<', '<=', '>', '>=']);

function scalar(value: FilterValue): string | number {
  if (value.kind === 'string' || value.kind === 'number') return value.value;
  throw new Error(`expected a scalar filter value, got ${value.kind}`);
}

/**
 * Compiles one parsed comparison `lhs <op> value` to SQL. The operator comes from the parser's closed
 * set, so `sql.raw` only ever sees one of six literal tokens; values are always bound parameters.
 *
 * @example
 * compileComparison(dialect, sql.ref('r.name'), 'LIKE', { kind: 'string', value: 'a%' });
 */
export function compileComparison(dialect: SqlDialect, lhs: Expression<unknown>, op: Comparator, value: FilterValue): Expression<SqlBool> {
  if (PLAIN_OPERATORS.has(op)) return sql<SqlBool>`${lhs} ${sql.raw(op === '!=' ? '<>' : op)} ${scalar(value)}`;
  switch (op) {
    case 'LIKE':
      return sql<SqlBool>`${lhs} like ${scalar(value)}`;
    case 'ILIKE':
      return dialect.ilike(lhs, sql`${scalar(value)}`);
    case 'RLIKE':
      return dialect.regexp(lhs, String(scalar(value)));
    case 'IN':
    case 'NOT IN': {
      if (value.kind !== 'list') throw new Error('IN needs a list');
      if (value.values.length === 0) return op === 'IN' ? sql<SqlBool>`1 = 0` : sql<SqlBool>`1 = 1`;
      return sql<SqlBool>`${lhs} ${sql.raw(op === 'IN' ? 'in' : 'not in')} (${sql.join(value.values)})`;
    }
    case 'IS NULL':
      return sql<SqlBool>`${lhs} is null`;
    case 'IS NOT NULL':
      return sql<SqlBool>`${lhs} is not null`;
    default:
      throw new Error(`unsupported comparator ${op}`);
  }
}
