import type { SyntaxFail, Token } from './tokenizer.js';

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'IS', 'NULL', 'LIKE', 'ILIKE', 'RLIKE']);

/**
 * True when `token` is the word `keyword`, in any letter case (spec §9: keywords are case-insensitive).
 *
 * @example
 * isKeyword({ kind: 'word', text: 'and', start: 0, end: 3 }, 'AND'); // true
 */
export function isKeyword(token: Token | undefined, keyword: string): boolean {
  return token?.kind === 'word' && token.text.toUpperCase() === keyword;
}

/**
 * True when `token` is any reserved word of the grammar (`AND`, `OR`, `NOT`, `IN`, `IS`, `NULL`, `LIKE`, ...).
 *
 * @example
 * isReservedWord({ kind: 'word', text: 'or', start: 0, end: 2 }); // true
 */
export function isReservedWord(token: Token | undefined): boolean {
  return token?.kind === 'word' && KEYWORDS.has(token.text.toUpperCase());
}

/**
 * A read position over a token list, with the input kept for error excerpts.
 *
 * @example
 * const cursor = new TokenCursor(input, tokenize(input, fail), fail);
 * while (!cursor.atEnd()) cursor.next();
 */
export class TokenCursor {
  private index = 0;

  constructor(
    readonly input: string,
    private readonly tokens: readonly Token[],
    readonly fail: SyntaxFail,
  ) {}

  /** The token at the read position (or `offset` tokens after it), if any. */
  peek(offset = 0): Token | undefined {
    return this.tokens[this.index + offset];
  }

  /** The token before the read position, if any. */
  previous(): Token | undefined {
    return this.tokens[this.index - 1];
  }

  atEnd(): boolean {
    return this.index >= this.tokens.length;
  }

  /** Consumes and returns the next token; fails with `expected` when the input has ended. */
  next(expected: string): Token {
    const token = this.tokens[this.index];
    if (!token) {
      const after = this.previous();
      return this.fail(after ? `Expected ${expected} after '${this.excerpt(after)}'.` : `Expected ${expected}.`);
    }
    this.index += 1;
    return token;
  }

  /** True when the next token starts exactly where the previous one ended (no whitespace between). */
  nextIsAdjacent(): boolean {
    const prev = this.previous();
    const next = this.peek();
    return prev !== undefined && next !== undefined && prev.end === next.start;
  }

  /** The source text of a token, quotes included. */
  excerpt(token: Token): string {
    return this.input.slice(token.start, token.end);
  }
}
