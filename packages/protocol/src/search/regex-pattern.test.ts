import { describe, expect, it } from 'vitest';
import { REGEX_PATTERN_LIMITS, regexPatternProblem, regexPatternSize } from './regex-pattern.js';
import { parseTraceFilter } from './trace-search.js';

describe('regexPatternProblem', () => {
  it.each([
    '^foo',
    'bar$',
    '(?i)abc',
    '(?i:abc)',
    '[a-z0-9_]+',
    '[^]x]',
    '[[:alpha:]]+',
    '\\d{4}-\\d{2}-\\d{2}',
    '\\w+\\s\\w+',
    'cat|dog|bird',
    '.*',
    '^(a+)+$',
    '(?P<model>gpt-4o)',
    '\\bword\\b',
    '\\101',
    '\\\\1',
    '[\\1]',
    '\\Q(?=\\1\\E',
    'a{2,5}?',
    'x{998}',
    '(a*b?|c){0,3}'.repeat(10),
  ])('accepts %s', (pattern) => {
    expect(regexPatternProblem(pattern)).toBeUndefined();
  });

  it.each([
    ['(a)\\1', 'backreference', '\\1'],
    ['(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\10', 'backreference', '\\10'],
    ['(?P<x>a)(?P=x)', 'named backreference', '(?P='],
    ['(?<x>a)\\k<x>', 'named backreference', '\\k<'],
    ['foo(?=bar)', 'lookahead', '(?='],
    ['foo(?!bar)', 'negative lookahead', '(?!'],
    ['(?<=foo)bar', 'lookbehind', '(?<='],
    ['(?<!foo)bar', 'negative lookbehind', '(?<!'],
    ['(?>a+)b', 'atomic group', '(?>'],
    ['a*+b', 'possessive quantifier', '*+'],
    ['a++b', 'possessive quantifier', '++'],
    ['a?+b', 'possessive quantifier', '?+'],
    ['(ab){2}+', 'possessive quantifier', '{2}+'],
    ['(a)?(?(1)b|c)', 'conditional group', '(?('],
  ])('refuses %s, naming the %s', (pattern, feature, token) => {
    const problem = regexPatternProblem(pattern);
    expect(problem).toContain(`${feature} ('${token}')`);
    expect(problem).toMatch(/RLIKE does not support/);
  });

  it('bounds the length and the size once counted repetitions are unrolled', () => {
    expect(regexPatternProblem('a'.repeat(REGEX_PATTERN_LIMITS.maxChars))).toBeUndefined();
    expect(regexPatternProblem('a'.repeat(REGEX_PATTERN_LIMITS.maxChars + 1))).toMatch(/is 501 characters long; RLIKE patterns are limited to 500/);
    expect(regexPatternProblem('x{499}y{499}')).toBeUndefined();
    // Only counted repetitions reach the size bound within the length bound.
    for (const unit of ['a', '(a)', '(|)', 'a*', '[a]+?', '\\d|'])
      expect(regexPatternProblem(unit.repeat(Math.floor(500 / unit.length))), unit).toBeUndefined();
    expect(regexPatternProblem('x{500}y{500}')).toMatch(/expands to more than 1000 steps/);
    // Nested counts multiply; the count stops past the limit, so no overflow to Infinity or NaN.
    expect(regexPatternProblem('((((((((((a{1000}){1000}){1000}){1000}){1000}){1000}){1000}){1000}){1000}){1000}){1}')).toMatch(/expands/);
    expect(regexPatternProblem('(ab|cd){100}')).toBeUndefined();
  });
});

describe('regexPatternSize', () => {
  it("counts as RE2's compiler does: a step per item, two per capture, counted repetitions unrolled", () => {
    expect(regexPatternSize('abc')).toBe(5);
    expect(regexPatternSize('[0-9a-f]{32}')).toBe(34);
    expect(regexPatternSize('(ab|cd|ef){100}')).toBe(1002);
    expect(regexPatternSize('(?:a?){1000}')).toBe(2002);
    expect(regexPatternSize('a{2,5}?b{3,}?')).toBe(15);
    expect(regexPatternSize('(a)\\1')).toBeUndefined();
  });
});

describe('RLIKE patterns in a trace filter', () => {
  it('refuses a backtracking-only construct with a 400 naming the field and the construct', () => {
    expect(() => parseTraceFilter("span.name RLIKE '(a)\\1'")).toThrow(
      expect.objectContaining({
        code: 'INVALID_PARAMETER_VALUE',
        message: expect.stringMatching(/^Invalid pattern in the filter for span 'name': the RLIKE pattern uses a backreference \('\\1'\)/),
      }),
    );
    expect(() => parseTraceFilter(`tag.env RLIKE '${'a'.repeat(501)}'`)).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/^Invalid pattern in the filter for tag 'env': the RLIKE pattern is 501 characters long/) }),
    );
  });

  it('leaves LIKE patterns alone', () => {
    expect(parseTraceFilter("span.name LIKE '(?=%'")).toHaveLength(1);
  });
});
