/**
 * The edge check of `RLIKE` patterns, the same for every backend. Loupe runs regular expressions in
 * linear time (RE2 syntax on SQLite; PostgreSQL runs its own engine), so a pattern is refused with a
 * message naming the problem when it uses what only a backtracking engine can run (backreferences,
 * lookaround, atomic groups, possessive quantifiers, conditionals), when it is longer than
 * {@link REGEX_PATTERN_LIMITS}`.maxChars`, or when its counted repetitions expand past
 * {@link REGEX_PATTERN_LIMITS}`.maxSize` steps: a linear-time match costs the pattern's size times
 * the text's length, so the size is what bounds one match.
 */

/**
 * Bounds on an `RLIKE` pattern: its length in characters, and its size once counted repetitions are
 * unrolled, counted as RE2 compiles it (a step per character, class or anchor, two per capturing
 * group, one per `|` or `?`, up to two per `*` or `+`: `[0-9a-f]{32}` is 34, `(ab|cd){100}` 702, `.{0,499}` 1000).
 * Patterns of 500 characters without counted repetitions stay under 1,000; a linear-time match costs
 * up to about the size times the value's length: at 1,000, `.{0,499}$` spends ~3 us per character
 * where an ordinary pattern spends a few ns (docs/adr/0011).
 *
 * @example
 * 'x'.repeat(REGEX_PATTERN_LIMITS.maxChars + 1); // refused
 */
export const REGEX_PATTERN_LIMITS = { maxChars: 500, maxSize: 1000 } as const;

/** What a backtracking-only construct is called, and the text that starts it. */
interface Unsupported {
  feature: string;
  token: string;
}

/**
 * One group level of the size count: the finished alternatives (`done`, `alternatives` of them before
 * the current one), the current alternative, and its last item (what a quantifier repeats).
 */
interface Frame {
  capturing: boolean;
  done: number;
  alternatives: number;
  current: number;
  last: number;
}

/**
 * Counts the size RE2's compiler gives a pattern, item by item as a scan meets them: a step per
 * character, class or anchor, two per capture, one per `|` or `?`, two per `*` or `+`, counted repetitions
 * unrolled, two for the program's end (sqlite-regexp.test.ts holds it against RE2's `programSize`).
 */
class SizeCounter {
  private readonly stack: Frame[] = [SizeCounter.frame(false)];

  private static frame(capturing: boolean): Frame {
    return { capturing, done: 0, alternatives: 0, current: 0, last: 0 };
  }

  /** A group's size: its alternatives (an empty one is one step) and one step per `|`, plus two for a capture. */
  private static size(f: Frame): number {
    const inner = f.alternatives > 0 ? f.done + Math.max(1, f.current) + f.alternatives : f.current;
    return inner + (f.capturing ? 2 : 0);
  }

  private get top(): Frame {
    return this.stack[this.stack.length - 1] as Frame;
  }

  /** The size so far, unclosed groups counted as if closed. */
  get total(): number {
    return this.stack.reduce((sum, f) => sum + SizeCounter.size(f), 0) + 2;
  }

  item(size: number): void {
    const f = this.top;
    f.current += size;
    f.last = size;
  }

  open(capturing: boolean): void {
    this.stack.push(SizeCounter.frame(capturing));
  }

  close(): void {
    if (this.stack.length > 1) this.item(SizeCounter.size(this.stack.pop() as Frame));
    else this.item(1);
  }

  alternate(): void {
    const f = this.top;
    f.done += Math.max(1, f.current);
    f.alternatives++;
    f.current = 0;
    f.last = 0;
  }

  /** The last item repeated `{min,max}` times (`max` undefined: no upper bound), as RE2 unrolls it. */
  repeat(min: number, max: number | undefined): void {
    const f = this.top;
    // A star or plus costs up to two steps (RE2 guards an item that may match empty: a group, an
    // anchor); x{n,m} is n copies, then m - n nested optional copies of one step more each.
    const loop = 2;
    const size = max === undefined ? (min === 0 ? f.last : min * f.last) + loop : min * f.last + (max - min) * (f.last + 1);
    f.current += size - f.last;
    f.last = size;
  }
}

const GROUP_OPENERS: readonly [string, string][] = [
  ['(?=', 'lookahead'],
  ['(?!', 'negative lookahead'],
  ['(?<=', 'lookbehind'],
  ['(?<!', 'negative lookbehind'],
  ['(?>', 'atomic group'],
  ['(?(', 'conditional group'],
  ['(?P=', 'named backreference'],
];
const COUNTED = /^\{(\d{1,9})(,(\d{0,9}))?\}/;

/** The index just past the character class that opens at `start` (`[...]`, `[^]...]`, `[[:alpha:]]`). */
function skipClass(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === '\\') i += 2;
    else if (ch === '[' && pattern[i + 1] === ':') {
      const end = pattern.indexOf(':]', i + 2);
      i = end < 0 ? i + 1 : end + 2;
    } else if (ch === ']') return i + 1;
    else i++;
  }
  return pattern.length;
}

/** The index just past the escape at `start`, or what it is when it is a backreference. */
function scanEscape(pattern: string, start: number): number | Unsupported {
  const next = pattern[start + 1] ?? '';
  // Python reads `\1`..`\99` as a group reference, three octal digits (`\101`) as a character.
  if (next >= '1' && next <= '9' && !/^[0-7]{3}/.test(pattern.slice(start + 1, start + 4))) {
    return { feature: 'backreference', token: /^\\\d{1,2}/.exec(pattern.slice(start))?.[0] ?? `\\${next}` };
  }
  if (next === 'k' && /^[<'{]/.test(pattern[start + 2] ?? '')) return { feature: 'named backreference', token: pattern.slice(start, start + 3) };
  // `\x{41}`, `\p{Greek}`: the braces belong to the escape; so do `\x41`'s digits, `\pL`'s letter and `\101`'s.
  if ((next === 'x' || next === 'p' || next === 'P') && pattern[start + 2] === '{') {
    const end = pattern.indexOf('}', start + 3);
    return end < 0 ? pattern.length : end + 1;
  }
  if (next === 'x') return start + 2 + (/^[0-9a-fA-F]{0,2}/.exec(pattern.slice(start + 2, start + 4))?.[0].length ?? 0);
  if (next === 'p' || next === 'P') return start + 3;
  if (/^[0-7]{3}/.test(pattern.slice(start + 1, start + 4))) return start + 4;
  return start + 2;
}

/** The quantifier at `i` (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`) as written with its bounds, if one starts there. */
function quantifierAt(pattern: string, i: number): { written: string; min: number; max: number | undefined } | undefined {
  const ch = pattern[i];
  if (ch === '*') return { written: ch, min: 0, max: undefined };
  if (ch === '+') return { written: ch, min: 1, max: undefined };
  if (ch === '?') return { written: ch, min: 0, max: 1 };
  const m = ch === '{' ? COUNTED.exec(pattern.slice(i, i + 22)) : null;
  if (!m) return undefined;
  const min = Number(m[1]);
  return { written: m[0], min, max: m[2] === undefined ? min : m[3] ? Number(m[3]) : undefined };
}

/** Scans `pattern` once: the first backtracking-only construct, else the size RE2's program will have (an upper estimate). */
function scan(pattern: string): Unsupported | number {
  const size = new SizeCounter();
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i] as string;
    const quantifier = quantifierAt(pattern, i);
    if (ch === '\\' && pattern[i + 1] === 'Q') {
      // RE2's quoted literal `\Q...\E`: one step per character; a quantifier repeats the last one.
      const end = pattern.indexOf('\\E', i + 2);
      const stop = end < 0 ? pattern.length : end;
      const literal = stop - (i + 2);
      if (literal > 1) size.item(literal - 1);
      if (literal > 0) size.item(1);
      i = end < 0 ? pattern.length : end + 2;
    } else if (ch === '\\') {
      const next = scanEscape(pattern, i);
      if (typeof next !== 'number') return next;
      size.item(1);
      i = next;
    } else if (ch === '[') {
      size.item(1);
      i = skipClass(pattern, i);
    } else if (ch === '(') {
      const opener = GROUP_OPENERS.find(([text]) => pattern.startsWith(text, i));
      if (opener) return { feature: opener[1], token: opener[0] };
      // `(?:`, `(?i:`: no capture; `(?P<name>`, `(?<name>`: a named one; `(?i)` sets flags, no group.
      const syntax = pattern[i + 1] === '?' ? (/^\(\?(P?<[^>]*>|[a-zA-Z-]*[:)])/.exec(pattern.slice(i, i + 40))?.[0] ?? '(?') : '(';
      if (!syntax.endsWith(')')) size.open(syntax === '(' || syntax.includes('<'));
      i += syntax.length;
    } else if (ch === ')') {
      size.close();
      i++;
    } else if (ch === '|') {
      size.alternate();
      i++;
    } else if (quantifier) {
      size.repeat(quantifier.min, quantifier.max);
      i += quantifier.written.length;
      if (pattern[i] === '+') return { feature: 'possessive quantifier', token: `${quantifier.written}+` };
      if (pattern[i] === '?') i++;
    } else {
      size.item(1);
      i++;
    }
    // Sizes only grow: stop counting once past the limit (and long before numbers could overflow).
    if (size.total > REGEX_PATTERN_LIMITS.maxSize) return size.total;
  }
  return size.total;
}

/**
 * An upper estimate of the size of `pattern` once counted repetitions are expanded (see
 * {@link REGEX_PATTERN_LIMITS}); counting stops just past the limit. Undefined when the pattern uses a
 * construct only backtracking engines run.
 *
 * @example
 * regexPatternSize('[0-9a-f]{32}'); // 34
 */
export function regexPatternSize(pattern: string): number | undefined {
  const result = scan(pattern);
  return typeof result === 'number' ? result : undefined;
}

/**
 * What is wrong with `pattern` as an `RLIKE` pattern, in words that end a sentence beginning with the
 * field's name; undefined when it passes this check (the engine that runs it may still find it
 * invalid: an unbalanced parenthesis, an unknown escape).
 *
 * @example
 * regexPatternProblem('(a)\\1');
 * // "uses a backreference ('\\1'), which RLIKE does not support: patterns run in linear time (RE2 syntax), without backreferences, lookaround, atomic groups or possessive quantifiers"
 */
export function regexPatternProblem(pattern: string): string | undefined {
  const { maxChars, maxSize } = REGEX_PATTERN_LIMITS;
  if (pattern.length > maxChars) return `is ${pattern.length} characters long; RLIKE patterns are limited to ${maxChars}`;
  const result = scan(pattern);
  if (typeof result !== 'number') {
    const article = /^[aeiou]/.test(result.feature) ? 'an' : 'a';
    return (
      `uses ${article} ${result.feature} ('${result.token}'), which RLIKE does not support: patterns run in linear time (RE2 syntax), ` +
      'without backreferences, lookaround, atomic groups or possessive quantifiers'
    );
  }
  if (result > maxSize) {
    return `expands to more than ${maxSize} steps once its counted repetitions ({n}, {n,m}) are unrolled; RLIKE patterns are limited to ${maxSize}`;
  }
  return undefined;
}
