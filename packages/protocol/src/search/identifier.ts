import { isReservedWord, type TokenCursor } from './token-cursor.js';
import type { Token } from './tokenizer.js';

/**
 * An identifier before any grammar is applied: `prefix` is the text before the first unquoted dot
 * (absent for a bare key), `key` the rest with quotes removed, `text` the identifier as written.
 *
 * @example
 * const id: RawIdentifier = { prefix: 'tags', key: 'mlflow.runName', text: 'tags.`mlflow.runName`' };
 */
export interface RawIdentifier {
  prefix?: string;
  key: string;
  text: string;
}

function isQuoted(token: Token | undefined): token is Extract<Token, { kind: 'quoted' }> {
  return token?.kind === 'quoted';
}

/**
 * Reads the key after `prefix.`: either the rest of the current word (`params.a.b` -> `a.b`) or, when
 * that rest is empty or ends with a dot, an adjacent quoted token (``tags.`mlflow.runName` ``,
 * `metrics."my metric"`, ``span.attributes.`x.y` `` -> `attributes.x.y`).
 */
function readKey(cursor: TokenCursor, prefix: string, rest: string, startToken: Token): RawIdentifier {
  let key = rest;
  if (rest === '' || rest.endsWith('.')) {
    const quoted = cursor.nextIsAdjacent() ? cursor.peek() : undefined;
    if (!isQuoted(quoted)) {
      const text = cursor.input.slice(startToken.start, cursor.previous()?.end);
      return cursor.fail(`Invalid identifier '${text}'. Expected a key after '.'.`);
    }
    cursor.next('a key');
    key = rest + quoted.value;
  }
  const last = cursor.previous() ?? startToken;
  const text = cursor.input.slice(startToken.start, last.end);
  const glued = cursor.nextIsAdjacent() ? cursor.peek() : undefined;
  if (glued && (glued.kind === 'quoted' || glued.kind === 'word')) {
    return cursor.fail(`Invalid identifier '${text}${cursor.excerpt(glued)}'. Quote the whole key after the prefix.`);
  }
  if (key === '') return cursor.fail(`Invalid identifier '${text}'. The key must not be empty.`);
  return { prefix, key, text };
}

/**
 * Parses the left-hand side of a comparison (or an order_by key). The prefix is split from the key at
 * the first dot; the key may be quoted with backticks or double quotes, and so may a prefix
 * (`` `tags`.`x` ``). A single token without a dot is a bare key; quoted, it may hold spaces and dots
 * (`` `Run name` ``).
 *
 * @example
 * parseIdentifier(cursor); // for "metrics.`val loss` < 1": { prefix: 'metrics', key: 'val loss', text: 'metrics.`val loss`' }
 */
export function parseIdentifier(cursor: TokenCursor): RawIdentifier {
  const first = cursor.next('an identifier');
  if (first.kind === 'word') {
    if (isReservedWord(first)) return cursor.fail(`Expected an identifier but found keyword '${first.text}'.`);
    const dot = first.text.indexOf('.');
    if (dot < 0) {
      if (cursor.nextIsAdjacent() && isQuoted(cursor.peek())) {
        return cursor.fail(`Invalid identifier '${first.text}${cursor.excerpt(cursor.peek() as Token)}'.`);
      }
      return { key: first.text, text: first.text };
    }
    if (dot === 0) return cursor.fail(`Invalid identifier '${first.text}'. Expected a prefix before '.'.`);
    return readKey(cursor, first.text.slice(0, dot), first.text.slice(dot + 1), first);
  }
  if (first.kind === 'quoted' && first.quote !== "'") {
    const after = cursor.nextIsAdjacent() ? cursor.peek() : undefined;
    if (after?.kind === 'word' && after.text.startsWith('.')) {
      cursor.next('a key');
      return readKey(cursor, first.value, after.text.slice(1), first);
    }
    if (first.value === '') return cursor.fail(`Invalid identifier '${first.text}'. The key must not be empty.`);
    return { key: first.value, text: first.text };
  }
  if (first.kind === 'quoted') {
    return cursor.fail(`Expected an identifier but found the string ${first.text}. Quote identifiers with backticks or double quotes.`);
  }
  if (first.kind === 'punct' && first.text === '(') {
    return cursor.fail('Parentheses for grouping are not supported; join comparisons with AND.');
  }
  return cursor.fail(`Expected an identifier but found '${cursor.excerpt(first)}'.`);
}
