import { ApiError } from '../errors/api-error.js';
import type { Comparator, FilterValue } from './ast.js';
import { parseIdentifier, type RawIdentifier } from './identifier.js';
import { ALL_COMPARATORS, SYMBOL_COMPARATORS, VALUE_SHAPE } from './comparators.js';
import { bracketList } from './messages.js';
import { isKeyword, isReservedWord, TokenCursor } from './token-cursor.js';
import { tokenize, type SyntaxFail, type Token } from './tokenizer.js';

/**
 * A right-hand side as written: a typed value, or a bare word / backticked name that no grammar accepts as a value.
 *
 * @example
 * const v: RawValue = { kind: 'bare', text: 'FINISHED' }; // from `status = FINISHED`
 */
export type RawValue = FilterValue | { kind: 'bare'; text: string };

/**
 * One comparison before any entity grammar is applied. `valueText` is the value as written.
 *
 * @example
 * // metrics.acc > 0.9
 * const c: RawClause = { ident: { prefix: 'metrics', key: 'acc', text: 'metrics.acc' }, op: '>', value: { kind: 'number', value: 0.9 }, valueText: '0.9' };
 */
export interface RawClause {
  ident: RawIdentifier;
  op: Comparator;
  value: RawValue;
  valueText: string;
}

const NUMBER_RE = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function parseComparator(cursor: TokenCursor, ident: RawIdentifier): Comparator {
  const token = cursor.next(`a comparison operator`);
  if (token.kind === 'op') {
    const op = SYMBOL_COMPARATORS.find((c) => c === token.text);
    if (!op) return cursor.fail(`Invalid comparator '${token.text}'. Valid comparators are ${bracketList(ALL_COMPARATORS)}.`);
    return op;
  }
  if (token.kind === 'word') {
    const word = token.text.toUpperCase();
    if (word === 'LIKE' || word === 'ILIKE' || word === 'RLIKE' || word === 'IN') return word;
    if (word === 'NOT') {
      if (isKeyword(cursor.peek(), 'IN')) {
        cursor.next('IN');
        return 'NOT IN';
      }
      const after = cursor.peek();
      return cursor.fail(`Invalid comparator 'NOT${after ? ` ${cursor.excerpt(after)}` : ''}'. Only 'NOT IN' is supported.`);
    }
    if (word === 'IS') {
      const negated = isKeyword(cursor.peek(), 'NOT');
      if (negated) cursor.next('NOT');
      if (!isKeyword(cursor.peek(), 'NULL')) return cursor.fail(`Expected NULL after '${negated ? 'IS NOT' : 'IS'}'.`);
      cursor.next('NULL');
      return negated ? 'IS NOT NULL' : 'IS NULL';
    }
  }
  return cursor.fail(`Expected a comparison operator after '${ident.text}' but found '${cursor.excerpt(token)}'.`);
}

function parseList(cursor: TokenCursor, op: Comparator): FilterValue {
  const open = cursor.next(`a parenthesized list of quoted strings`);
  if (open.kind !== 'punct' || open.text !== '(') {
    return cursor.fail(`Expected a parenthesized list of quoted strings after '${op}' but found '${cursor.excerpt(open)}'.`);
  }
  const values: string[] = [];
  for (;;) {
    const item = cursor.next(`a quoted string or ')'`);
    if (item.kind === 'punct' && item.text === ')' && values.length === 0) {
      return cursor.fail(`Expected a non-empty list of quoted strings after '${op}' but got an empty list.`);
    }
    if (item.kind !== 'quoted' || item.quote === '`') {
      return cursor.fail(`Expected a quoted string in the list after '${op}' but found '${cursor.excerpt(item)}'.`);
    }
    values.push(item.value);
    const sep = cursor.next(`',' or ')'`);
    if (sep.kind === 'punct' && sep.text === ')') return { kind: 'list', values };
    if (sep.kind !== 'punct' || sep.text !== ',') {
      return cursor.fail(`Expected ',' or ')' in the list after '${op}' but found '${cursor.excerpt(sep)}'.`);
    }
  }
}

function parseScalar(cursor: TokenCursor, op: Comparator): RawValue {
  const token = cursor.next('a value');
  if (token.kind === 'quoted') {
    return token.quote === '`' ? { kind: 'bare', text: token.text } : { kind: 'string', value: token.value };
  }
  if (token.kind === 'word' && !isReservedWord(token)) {
    if (!NUMBER_RE.test(token.text)) return { kind: 'bare', text: token.text };
    const value = Number(token.text);
    if (!Number.isFinite(value)) return cursor.fail(`Number ${token.text} is out of range.`);
    return { kind: 'number', value };
  }
  if (token.kind === 'punct' && token.text === '(') {
    return cursor.fail(`Expected a single value after '${op}' but found a list. Use IN (...) to compare with a list.`);
  }
  return cursor.fail(`Expected a value after '${op}' but found '${cursor.excerpt(token)}'.`);
}

function parseValue(cursor: TokenCursor, op: Comparator): RawValue {
  const shape = VALUE_SHAPE[op];
  if (shape === 'list') return parseList(cursor, op);
  if (shape === 'none') return { kind: 'none' };
  return parseScalar(cursor, op);
}

function parseClause(cursor: TokenCursor): RawClause {
  const ident = parseIdentifier(cursor);
  const op = parseComparator(cursor, ident);
  const before = cursor.peek();
  const value = parseValue(cursor, op);
  const last = cursor.previous();
  const valueText = before && last && value.kind !== 'none' ? cursor.input.slice(before.start, last.end) : '';
  return { ident, op, value, valueText };
}

function rejectStatementSeparators(tokens: readonly Token[], fail: SyntaxFail): void {
  if (tokens.some((t) => t.kind === 'punct' && t.text === ';')) {
    fail(`Multiple statements (';') are not supported. Provide an AND-ed expression list.`);
  }
}

function expectJoin(cursor: TokenCursor, clause: RawClause): void {
  const token = cursor.peek();
  if (token === undefined || isKeyword(token, 'AND')) {
    if (token) cursor.next('AND');
    return;
  }
  if (isKeyword(token, 'OR')) cursor.fail(`'${token.kind === 'word' ? token.text : 'OR'}' is not supported. Only AND can join comparisons.`);
  const after = `${clause.ident.text} ${clause.op}${clause.valueText ? ` ${clause.valueText}` : ''}`;
  cursor.fail(`Unexpected '${cursor.excerpt(token)}' after '${after}'. Join comparisons with AND.`);
}

/**
 * Parses a filter string into comparisons joined by AND, without entity rules (those are applied by
 * {@link parseFilterWithGrammar}). An empty or whitespace-only filter is `[]`.
 *
 * @example
 * parseFilterSyntax("metrics.acc > 0.9 and tags.`a b` LIKE 'x%'").length; // 2
 */
export function parseFilterSyntax(input: string): RawClause[] {
  const fail: SyntaxFail = (detail) => {
    throw ApiError.invalid(`Invalid filter '${input}'. Could not be parsed. ${detail}`);
  };
  const tokens = tokenize(input, fail);
  rejectStatementSeparators(tokens, fail);
  const cursor = new TokenCursor(input, tokens, fail);
  const clauses: RawClause[] = [];
  while (!cursor.atEnd()) {
    const clause = parseClause(cursor);
    clauses.push(clause);
    expectJoin(cursor, clause);
    if (cursor.atEnd() && isKeyword(cursor.previous(), 'AND')) fail(`Expected a comparison after the trailing 'AND'.`);
  }
  return clauses;
}
