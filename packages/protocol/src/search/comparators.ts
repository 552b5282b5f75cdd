import type { Comparator } from './ast.js';

/**
 * Every comparator of the grammar, in the order messages list them.
 *
 * @example
 * ALL_COMPARATORS.includes('RLIKE'); // true
 */
export const ALL_COMPARATORS: readonly Comparator[] = ['=', '!=', '<', '<=', '>', '>=', 'LIKE', 'ILIKE', 'RLIKE', 'IN', 'NOT IN', 'IS NULL', 'IS NOT NULL'];

/**
 * Comparators written with symbols (the others are keywords).
 *
 * @example
 * SYMBOL_COMPARATORS.find((c) => c === '<='); // '<='
 */
export const SYMBOL_COMPARATORS: readonly Comparator[] = ['=', '!=', '<', '<=', '>', '>='];

/**
 * Comparators on numbers (metrics, numeric attributes): spec §9.
 *
 * @example
 * const rule: FieldRule = { type: 'number', ops: NUMERIC_OPS, label: 'metrics' };
 */
export const NUMERIC_OPS: readonly Comparator[] = ['=', '!=', '<', '<=', '>', '>='];

/**
 * Comparators on strings (params, tags, most string attributes): spec §9.1.
 *
 * @example
 * const rule: FieldRule = { type: 'string', ops: STRING_OPS, label: 'tags' };
 */
export const STRING_OPS: readonly Comparator[] = ['=', '!=', 'LIKE', 'ILIKE'];

/**
 * String comparators plus list membership (run_id, dataset fields, logged-model attributes).
 *
 * @example
 * STRING_LIST_OPS.includes('NOT IN'); // true
 */
export const STRING_LIST_OPS: readonly Comparator[] = [...STRING_OPS, 'IN', 'NOT IN'];

/**
 * String comparators plus regular expressions (trace tags, metadata, spans, assessments): spec §9.5.
 *
 * @example
 * REGEX_STRING_OPS.includes('RLIKE'); // true
 */
export const REGEX_STRING_OPS: readonly Comparator[] = [...STRING_OPS, 'RLIKE'];

/**
 * The shape of the right-hand side each comparator takes (see {@link VALUE_SHAPE}).
 *
 * @example
 * const shape: ValueShape = VALUE_SHAPE['IS NULL']; // 'none'
 */
export type ValueShape = 'scalar' | 'list' | 'none';

/**
 * What follows each comparator: one value, a parenthesized list, or nothing (`IS NULL`).
 *
 * @example
 * VALUE_SHAPE['NOT IN']; // 'list'
 */
export const VALUE_SHAPE: Readonly<Record<Comparator, ValueShape>> = {
  '=': 'scalar',
  '!=': 'scalar',
  '<': 'scalar',
  '<=': 'scalar',
  '>': 'scalar',
  '>=': 'scalar',
  LIKE: 'scalar',
  ILIKE: 'scalar',
  RLIKE: 'scalar',
  IN: 'list',
  'NOT IN': 'list',
  'IS NULL': 'none',
  'IS NOT NULL': 'none',
};
