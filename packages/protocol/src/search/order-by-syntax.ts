import { ApiError } from '../errors/api-error.js';
import { parseIdentifier, type RawIdentifier } from './identifier.js';
import { TokenCursor } from './token-cursor.js';
import { tokenize, type SyntaxFail } from './tokenizer.js';

/**
 * One order_by term before any entity grammar is applied.
 *
 * @example
 * const o: RawOrderBy = { ident: { key: 'start_time', text: 'start_time' }, ascending: false }; // "start_time DESC"
 */
export interface RawOrderBy {
  ident: RawIdentifier;
  ascending: boolean;
}

/**
 * Parses one order_by string, `"<key> [ASC|DESC]"` (spec §9): the key may be quoted like a filter
 * identifier, the direction is case-insensitive and defaults to ascending.
 *
 * @example
 * parseOrderBySyntax('metrics.`val loss` desc'); // { ident: { prefix: 'metrics', key: 'val loss', ... }, ascending: false }
 */
export function parseOrderBySyntax(input: string): RawOrderBy {
  const fail: SyntaxFail = (detail) => {
    throw ApiError.invalid(`Invalid order_by clause '${input}'. Could not be parsed. ${detail}`);
  };
  const tokens = tokenize(input, fail);
  if (tokens.length === 0) fail('Expected a key, optionally followed by ASC or DESC.');
  const cursor = new TokenCursor(input, tokens, fail);
  const ident = parseIdentifier(cursor);
  let ascending = true;
  const direction = cursor.peek();
  if (direction) {
    cursor.next('ASC or DESC');
    const word = direction.kind === 'word' ? direction.text.toUpperCase() : '';
    if (word !== 'ASC' && word !== 'DESC') {
      throw ApiError.invalid(
        `Invalid ordering key in order_by clause '${input}'. Expected ASC or DESC after '${ident.text}' but found '${cursor.excerpt(direction)}'.`,
      );
    }
    ascending = word === 'ASC';
  }
  const extra = cursor.peek();
  if (extra) fail(`Unexpected '${cursor.excerpt(extra)}' after the ordering direction.`);
  return { ident, ascending };
}
