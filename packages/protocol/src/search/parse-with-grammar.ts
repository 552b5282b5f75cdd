import { ApiError } from '../errors/api-error.js';
import type { Comparison, Filter, OrderBy } from './ast.js';
import { VALUE_SHAPE } from './comparators.js';
import { parseFilterSyntax, type RawClause } from './filter-syntax.js';
import type { SearchGrammar } from './grammar.js';
import { quotedList } from './messages.js';
import { parseOrderBySyntax } from './order-by-syntax.js';
import { regexPatternProblem } from './regex-pattern.js';
import { resolveFilterField, resolveOrderField, type ResolvedFilterField } from './resolve-field.js';

function typeError(field: ResolvedFilterField<string>, written: string, clause: RawClause): ApiError {
  const what = `${field.label} '${clause.ident.key}'`;
  if (field.rule.type === 'number') return ApiError.invalid(`Expected a numeric value for ${what}. Found ${written}.`);
  return ApiError.invalid(`Expected a quoted string value for ${what} (e.g. 'my-value'). Found ${written}.`);
}

/** Applies a field's rule to a clause: comparator first, then the value's type, then the field's own check and an RLIKE pattern's. */
function checkClause<E extends string>(field: ResolvedFilterField<E>, clause: RawClause): Comparison<E> {
  const { rule } = field;
  if (!rule.ops.includes(clause.op)) {
    throw ApiError.invalid(
      `Invalid comparator '${clause.op}' for ${field.label} '${clause.ident.key}'. Only ${quotedList(rule.ops)} ${rule.ops.length === 1 ? 'is' : 'are'} supported for ${rule.label}.`,
    );
  }
  const value = clause.value;
  if (value.kind === 'bare') throw typeError(field, value.text, clause);
  if (VALUE_SHAPE[clause.op] === 'scalar' && value.kind !== rule.type) throw typeError(field, clause.valueText, clause);
  const problem = rule.check?.(value);
  if (problem) throw ApiError.invalid(problem);
  // Every backend refuses the same RLIKE patterns, before any database sees them.
  const patternProblem = clause.op === 'RLIKE' && value.kind === 'string' ? regexPatternProblem(value.value) : undefined;
  if (patternProblem) throw ApiError.invalid(`Invalid pattern in the filter for ${field.label} '${clause.ident.key}': the RLIKE pattern ${patternProblem}.`);
  return { entity: field.entity, key: field.key, op: clause.op, value };
}

/**
 * Parses a filter string with an entity grammar: syntax first, then every clause's key, comparator
 * and value against the grammar's tables. Empty or whitespace-only input is `[]`. Every failure is
 * an `ApiError` with code `INVALID_PARAMETER_VALUE`.
 *
 * @example
 * parseFilterWithGrammar(RUN_GRAMMAR, "metrics.acc > 0.9");
 * // [{ entity: 'metric', key: 'acc', op: '>', value: { kind: 'number', value: 0.9 } }]
 */
export function parseFilterWithGrammar<E extends string>(grammar: SearchGrammar<E>, filter: string | null | undefined): Filter<E> {
  if (filter === undefined || filter === null) return [];
  if (typeof filter !== 'string') throw ApiError.invalid(`Invalid filter ${JSON.stringify(filter)}: expected a string.`);
  if (filter.trim() === '') return [];
  try {
    return parseFilterSyntax(filter).map((clause) => checkClause(resolveFilterField(grammar, clause.ident), clause));
  } catch (error) {
    if (ApiError.is(error)) throw error;
    throw ApiError.invalid(`Invalid filter '${filter}'. Could not be parsed.`);
  }
}

/**
 * Parses order_by strings (`"<key> [ASC|DESC]"`) with an entity grammar. Absent input is `[]`; an
 * empty string in the list is an error, as in MLflow.
 *
 * @example
 * parseOrderByWithGrammar(RUN_GRAMMAR, ['metrics.acc DESC']); // [{ entity: 'metric', key: 'acc', ascending: false }]
 */
export function parseOrderByWithGrammar<E extends string>(grammar: SearchGrammar<E>, orderBy: readonly string[] | null | undefined): OrderBy<E>[] {
  if (orderBy === undefined || orderBy === null) return [];
  return orderBy.map((clause) => {
    if (typeof clause !== 'string') throw ApiError.invalid(`Invalid order_by clause ${JSON.stringify(clause)}: expected a string.`);
    try {
      const { ident, ascending } = parseOrderBySyntax(clause);
      const { entity, key } = resolveOrderField(grammar, ident);
      return { entity, key, ascending };
    } catch (error) {
      if (ApiError.is(error)) throw error;
      throw ApiError.invalid(`Invalid order_by clause '${clause}'. Could not be parsed.`);
    }
  });
}
