/**
 * The lexer of MLflow's filter and order_by strings (spec §9). It knows nothing about entities: it
 * only cuts the input into words, quoted tokens, operators and punctuation, keeping each token's
 * source offsets so the parser can tell `tags.` + `` `a.b` `` (one identifier) from `tags. 'x'`.
 */

/**
 * Reports a syntax error; the caller decides the message frame (filter or order_by).
 *
 * @example
 * const fail: SyntaxFail = (detail) => { throw ApiError.invalid(`Invalid filter '${input}'. Could not be parsed. ${detail}`); };
 */
export type SyntaxFail = (detail: string) => never;

/**
 * The quote characters: `'` and `"` delimit strings (or quoted keys), `` ` `` quotes identifiers.
 *
 * @example
 * const q: QuoteChar = '`';
 */
export type QuoteChar = "'" | '"' | '`';

/**
 * One lexical token with its `[start, end)` offsets in the input.
 *
 * @example
 * const t: Token = { kind: 'op', text: '>=', start: 12, end: 14 };
 */
export type Token =
  /** A run of characters that are not whitespace, quotes, operators or punctuation (`metrics.acc`, `0.5`, `AND`). */
  | { kind: 'word'; text: string; start: number; end: number }
  /** A quoted token; `value` has the quotes removed and escapes resolved. */
  | { kind: 'quoted'; quote: QuoteChar; value: string; text: string; start: number; end: number }
  /** A run of comparison characters (`=`, `!=`, `<=`; also invalid ones such as `==`, kept for the error). */
  | { kind: 'op'; text: string; start: number; end: number }
  | { kind: 'punct'; text: '(' | ')' | ',' | ';'; start: number; end: number };

const OPERATOR_CHARS = new Set(['=', '!', '<', '>']);
const PUNCTUATION = new Set(['(', ')', ',', ';']);
const QUOTES = new Set(["'", '"', '`']);

function isWhitespace(ch: string): boolean {
  return /\s/.test(ch);
}

function isWordChar(ch: string): boolean {
  return !isWhitespace(ch) && !OPERATOR_CHARS.has(ch) && !PUNCTUATION.has(ch) && !QUOTES.has(ch);
}

/**
 * Reads a quoted token starting at `start`. Like sqlparse (which MLflow uses), a doubled quote and a
 * backslash-escaped quote do not end the token; both stand for the quote character itself, and `\\`
 * for one backslash. Any other backslash is kept as written (LIKE patterns such as `a\_b` survive).
 */
function readQuoted(input: string, start: number, fail: SyntaxFail): Extract<Token, { kind: 'quoted' }> {
  const quote = input[start] as QuoteChar;
  let value = '';
  let i = start + 1;
  while (i < input.length) {
    const ch = input[i] as string;
    const next = input[i + 1];
    if (ch === quote) {
      if (next === quote) {
        value += quote;
        i += 2;
        continue;
      }
      return { kind: 'quoted', quote, value, text: input.slice(start, i + 1), start, end: i + 1 };
    }
    if (ch === '\\' && quote !== '`' && (next === quote || next === '\\')) {
      value += next;
      i += 2;
      continue;
    }
    value += ch;
    i += 1;
  }
  const what = quote === '`' ? 'backtick-quoted identifier' : 'string';
  return fail(`Unterminated ${what} starting at position ${start}: ${input.slice(start)}`);
}

/**
 * Splits a filter or order_by string into tokens.
 *
 * @example
 * tokenize("tags.`a b` = 'x'", fail).map((t) => t.kind); // ['word', 'quoted', 'op', 'quoted']
 */
export function tokenize(input: string, fail: SyntaxFail): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] as string;
    if (isWhitespace(ch)) {
      i += 1;
    } else if (QUOTES.has(ch)) {
      const token = readQuoted(input, i, fail);
      tokens.push(token);
      i = token.end;
    } else if (PUNCTUATION.has(ch)) {
      tokens.push({ kind: 'punct', text: ch as '(' | ')' | ',' | ';', start: i, end: i + 1 });
      i += 1;
    } else {
      const start = i;
      const inRun = OPERATOR_CHARS.has(ch) ? (c: string) => OPERATOR_CHARS.has(c) : isWordChar;
      while (i < input.length && inRun(input[i] as string)) i += 1;
      const text = input.slice(start, i);
      tokens.push(OPERATOR_CHARS.has(ch) ? { kind: 'op', text, start, end: i } : { kind: 'word', text, start, end: i });
    }
  }
  return tokens;
}
