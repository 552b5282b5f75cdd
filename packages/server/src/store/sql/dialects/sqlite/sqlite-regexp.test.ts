import { REGEX_PATTERN_LIMITS, regexPatternSize } from '@loupe/protocol';
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { SqliteRegexps } from './sqlite-regexp.js';

describe('SqliteRegexps', () => {
  const regexps = new SqliteRegexps();
  const matches = (pattern: string, value: unknown) => regexps.matches(pattern, value);

  it('searches anywhere in the value, as Python re.search does for MLflow on SQLite', () => {
    expect(matches('Open', 'ChatOpenAI')).toBe(1);
    expect(matches('^Chat', 'ChatOpenAI')).toBe(1);
    expect(matches('^Open', 'ChatOpenAI')).toBe(0);
    expect(matches('AI$', 'ChatOpenAI')).toBe(1);
    expect(matches('Chat$', 'ChatOpenAI')).toBe(0);
  });

  it('keeps the dialect MLflow users write: inline flags, classes, \\d, \\w, alternation, .*', () => {
    expect(matches('(?i)chatopenai', 'ChatOpenAI')).toBe(1);
    expect(matches('(?i:CHAT)Open', 'ChatOpenAI')).toBe(1);
    expect(matches('chatopenai', 'ChatOpenAI')).toBe(0);
    expect(matches('gpt-[0-9]o', 'gpt-4o-mini')).toBe(1);
    expect(matches('[^a-z]', 'abc')).toBe(0);
    expect(matches('[[:digit:]]{3}', 'order 123')).toBe(1);
    expect(matches('\\d{4}-\\d{2}-\\d{2}', 'on 2026-12-07')).toBe(1);
    expect(matches('^\\w+$', 'snake_case_1')).toBe(1);
    expect(matches('^\\w+$', 'two words')).toBe(0);
    expect(matches('\\s', 'two words')).toBe(1);
    expect(matches('^(retriever|reranker)$', 'reranker')).toBe(1);
    expect(matches('^ret.*er$', 'retriever')).toBe(1);
    expect(matches('(?P<model>gpt-4o)', 'gpt-4o')).toBe(1);
    expect(matches('\\bword\\b', 'a word here')).toBe(1);
    expect(matches('.', '')).toBe(0);
    expect(matches('x', null)).toBe(0);
    expect(matches('^42$', 42)).toBe(1);
  });

  it('answers a catastrophic-backtracking pattern at once (JavaScript RegExp took 47 s on 31 characters)', () => {
    expect(matches('^(a+)+$', `${'a'.repeat(30)}!`)).toBe(0);
    expect(matches('^(a+)+$', `${'a'.repeat(100_000)}!`)).toBe(0);
    expect(matches('^(a+)+$', 'a'.repeat(30))).toBe(1);
    expect(matches('^(a|aa)+$', `${'a'.repeat(5000)}b`)).toBe(0);
  });

  it('refuses what RE2 cannot compile with a 400 naming the reason', () => {
    for (const [pattern, reason] of [
      ['look(', /missing closing \)/],
      ['[a', /missing closing \]/],
      ['\\Z', /invalid escape sequence: `\\Z`/],
      ['a{1001}', /invalid repeat count/],
    ] as const) {
      expect(() => regexps.compileOrThrow(pattern), pattern).toThrow(
        expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(/^Invalid pattern in the filter: /) }),
      );
      expect(() => regexps.compileOrThrow(pattern), pattern).toThrow(reason);
    }
    // A pattern that skipped the filter parser's size check is still bounded here.
    expect(() => regexps.compileOrThrow('x{1000}'.repeat(5))).toThrow(/compiles to 5002 steps; RLIKE patterns are limited to 1000/);
  });

  it("never lets the edge's size estimate fall below RE2's program size (a pattern the edge lets through is no larger)", () => {
    const patterns = [
      'abc',
      '^foo.*bar$',
      '[0-9a-f]{32}',
      '(ab|cd|ef){100}',
      '(?i)(?:ab|xy|.){300}q',
      'x{1000}x{998}',
      '((a{10}){10}){10}',
      '(a*)*b+c?',
      '\\d{1,999}',
      '[[:alpha:]]{2,}',
      '(?P<n>a|b){0,500}',
      '\\Qa.b\\E{20}',
      '(?:(?:a|b)?){400}',
      '\\pL{100}\\x41{3}\\101{2}\\p{Greek}+',
      'a{2,5}?b{3,}?',
      '(a?){1000}',
      '(|a){500}',
      '(a|b|c|d|e|f){100}',
      '(?i)ΣΑΣ[[:^space:]]\\Aé$',
    ];
    // Past the limit the estimate stops counting: there it only has to be past the limit too.
    const capped = (size: number) => Math.min(size, REGEX_PATTERN_LIMITS.maxSize + 1);
    for (const pattern of patterns) {
      const estimate = regexPatternSize(pattern) as number;
      expect(capped(estimate), pattern).toBeGreaterThanOrEqual(capped(RE2JS.compile(pattern).programSize()));
    }
    // And over patterns built at random (a fixed seed) from the pieces RE2 takes.
    let seed = 7;
    const next = (n: number) => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) % n) as number;
    const ATOMS = ['a', 'bc', '.', '\\d', '[a-z]', '[^x]', '\\pL', '\\x41', '^', '$', '\\b', '(?i)k'];
    const QUANTIFIERS = ['', '', '*', '+', '?', '*?', '{3}', '{2,}', '{0,4}', '{5,9}?', '{40}'];
    const piece = (depth: number): string => {
      const roll = next(10);
      if (depth < 3 && roll < 2) return `(${piece(depth + 1)}${piece(depth + 1)}|${next(3) === 0 ? '' : piece(depth + 1)})`;
      if (depth < 3 && roll < 4) return `(?:${piece(depth + 1)}${piece(depth + 1)})${QUANTIFIERS[next(QUANTIFIERS.length)]}`;
      return `${ATOMS[next(ATOMS.length)]}${QUANTIFIERS[next(QUANTIFIERS.length)]}`;
    };
    for (let n = 0; n < 500; n++) {
      const pattern = Array.from({ length: 1 + next(4) }, () => piece(0)).join('');
      let program: number;
      try {
        program = RE2JS.compile(pattern).programSize();
      } catch {
        continue; // `x**` and the like: RE2's own error
      }
      expect(capped(regexPatternSize(pattern) as number), pattern).toBeGreaterThanOrEqual(capped(program));
    }
  });
});
