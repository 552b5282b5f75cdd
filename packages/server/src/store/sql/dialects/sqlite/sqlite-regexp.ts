import { ApiError, REGEX_PATTERN_LIMITS } from '@loupe/protocol';
import { RE2JS } from 're2js';

/** Compiled patterns kept per dialect: a search compiles its pattern once, its rows reuse it. */
const CACHE_SIZE = 256;

/**
 * SQLite's REGEXP function (`RLIKE`), run on RE2 (`re2js`, a pure-JavaScript port): matching takes
 * time linear in the text, whatever the pattern, so a pattern written to backtrack (`^(a+)+$`)
 * cannot hold the server's only JavaScript thread (JavaScript's own `RegExp` took 47 s on 31
 * characters). The match is a search anywhere in the value, as MLflow's SQLite store does with
 * Python's `re.search`; the syntax is RE2's, which takes Python's (`(?i)`, `(?P<name>...)`, `\d`,
 * `[[:alpha:]]`) minus what only a backtracking engine can run. The filter parser has already refused
 * those and oversized patterns (`regexPatternProblem` in `@loupe/protocol`); what RE2 itself refuses is
 * a 400 here.
 *
 * @example
 * const regexps = new SqliteRegexps();
 * regexps.matches('(?i)^chat', 'ChatOpenAI'); // 1
 */
export class SqliteRegexps {
  private readonly compiled = new Map<string, RE2JS>();

  /** `pattern` compiled, or a 400 naming what RE2 finds wrong with it. */
  compileOrThrow(pattern: string): RE2JS {
    let re = this.compiled.get(pattern);
    if (re) return re;
    try {
      re = RE2JS.compile(pattern);
    } catch (err) {
      const reason = (err as Error).message.replace(/^error parsing regexp: /, '');
      throw ApiError.invalid(`Invalid pattern in the filter: ${reason} (RLIKE patterns use RE2 syntax).`);
    }
    // The edge's size estimate is an upper bound of this (sqlite-regexp.test.ts checks it); twice the limit
    // is only reached by a pattern that never went through the filter parser.
    if (re.programSize() > 2 * REGEX_PATTERN_LIMITS.maxSize) {
      throw ApiError.invalid(
        `Invalid pattern in the filter: it compiles to ${re.programSize()} steps; RLIKE patterns are limited to ${REGEX_PATTERN_LIMITS.maxSize}.`,
      );
    }
    if (this.compiled.size >= CACHE_SIZE) this.compiled.delete(this.compiled.keys().next().value as string);
    this.compiled.set(pattern, re);
    return re;
  }

  /** The REGEXP function's result: 1 when `value` contains a match of `pattern`, 0 otherwise or for NULL. */
  matches(pattern: unknown, value: unknown): 0 | 1 {
    if (typeof pattern !== 'string' || value === null || value === undefined) return 0;
    return this.compileOrThrow(pattern).test(String(value)) ? 1 : 0;
  }
}
