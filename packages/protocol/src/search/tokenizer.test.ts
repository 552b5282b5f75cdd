import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error.js';
import { expectInvalid } from './testing/expect-invalid.js';
import { tokenize, type SyntaxFail } from './tokenizer.js';

const fail: SyntaxFail = (detail) => {
  throw ApiError.invalid(detail);
};

const lex = (input: string) => tokenize(input, fail);
const summary = (input: string) => lex(input).map((t) => (t.kind === 'quoted' ? `${t.kind}${t.quote}${t.value}` : `${t.kind}:${t.text}`));

describe('tokenize', () => {
  it('returns no tokens for empty or whitespace input', () => {
    expect(lex('')).toEqual([]);
    expect(lex(' \t\n ')).toEqual([]);
  });

  it('cuts words, operators, quoted tokens and punctuation, with offsets', () => {
    expect(lex('metrics.acc >= 0.5')).toEqual([
      { kind: 'word', text: 'metrics.acc', start: 0, end: 11 },
      { kind: 'op', text: '>=', start: 12, end: 14 },
      { kind: 'word', text: '0.5', start: 15, end: 18 },
    ]);
    expect(lex("tags.`a b`='x'")).toEqual([
      { kind: 'word', text: 'tags.', start: 0, end: 5 },
      { kind: 'quoted', quote: '`', value: 'a b', text: '`a b`', start: 5, end: 10 },
      { kind: 'op', text: '=', start: 10, end: 11 },
      { kind: 'quoted', quote: "'", value: 'x', text: "'x'", start: 11, end: 14 },
    ]);
  });

  it('splits operators from adjacent words and numbers', () => {
    expect(summary('metrics.a<-1')).toEqual(['word:metrics.a', 'op:<', 'word:-1']);
    expect(summary('a!=b')).toEqual(['word:a', 'op:!=', 'word:b']);
  });

  it('keeps unknown operator runs whole so the parser can name them', () => {
    expect(summary('a == 1')).toEqual(['word:a', 'op:==', 'word:1']);
    expect(summary('a <> 1')).toEqual(['word:a', 'op:<>', 'word:1']);
  });

  it('lexes punctuation one character at a time', () => {
    expect(summary("IN ('a','b');")).toEqual(['word:IN', 'punct:(', "quoted'a", 'punct:,', "quoted'b", 'punct:)', 'punct:;']);
  });

  it('keeps operators and punctuation inside quotes', () => {
    expect(summary(`"a = (b); c"`)).toEqual(['quoted"a = (b); c']);
  });

  it.each([
    ["'it''s'", "it's"],
    ["'it\\'s'", "it's"],
    ['"say ""hi"""', 'say "hi"'],
    ['"say \\"hi\\""', 'say "hi"'],
    ["'C:\\\\dir'", 'C:\\dir'],
    ["'a\\_b%'", 'a\\_b%'],
    ["'tab\\there'", 'tab\\there'],
    ['`a``b`', 'a`b'],
    ["''", ''],
  ])('resolves escapes in %s', (input, value) => {
    const [token] = lex(input);
    expect(token).toMatchObject({ kind: 'quoted', value, text: input });
  });

  it('does not treat a backslash as an escape inside backticks', () => {
    expect(summary('`a\\` = 1')).toEqual(['quoted`a\\', 'op:=', 'word:1']);
  });

  it.each([
    ["tags.x = 'abc", 'Unterminated string starting at position 9'],
    ['metrics."my metric > 1', 'Unterminated string starting at position 8'],
    ['tags.`x = 1', 'Unterminated backtick-quoted identifier starting at position 5'],
    ["tags.x = 'it\\'", 'Unterminated string'],
  ])('rejects the unterminated quote in %s', (input, message) => {
    expectInvalid(() => lex(input), message);
  });
});
