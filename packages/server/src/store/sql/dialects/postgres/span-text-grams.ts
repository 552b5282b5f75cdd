/**
 * Trigram keys for PostgreSQL's span text index (ADR 0006). A document containing a literal contains
 * each of the literal's 3-character windows, so the documents holding all of a pattern's windows are
 * a superset of its matches. Windows are taken over UTF-16 code units after a per-code-unit case fold,
 * and stored as int4 keys: exact for characters below U+0400 (Latin, Greek, Cyrillic: 10 bits each),
 * hashed into the negative range for the rest (a collision only adds a candidate, re-checked by LIKE).
 */

/** The highest int4: never a key, so it marks an empty slot in {@link GramSet}. */
const EMPTY = 0x7fffffff;

let foldTable: Uint16Array | undefined;

/**
 * Every code unit's fold: the first code unit of its lower case. A per-code-unit map, so a document
 * containing a literal still contains the literal's folded windows once both are folded; and coarser
 * than PostgreSQL's per-character `lower()` for the characters that lower to ASCII (`K` Kelvin sign,
 * `İ`), which is what an ASCII ILIKE pattern needs (see {@link patternGrams}).
 */
function fold(): Uint16Array {
  if (!foldTable) {
    foldTable = new Uint16Array(0x10000);
    for (let c = 0; c < 0x10000; c++) foldTable[c] = String.fromCharCode(c).toLowerCase().charCodeAt(0);
  }
  return foldTable;
}

/**
 * The int4 key of the window of (folded) code units `a b c`.
 *
 * @example
 * gramKey(0x6f, 0x72, 0x64); // 'ord' -> 116818276
 */
export function gramKey(a: number, b: number, c: number): number {
  if (a < 0x400 && b < 0x400 && c < 0x400) return (a << 20) | (b << 10) | c;
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 13;
  return -1 - (h & 0x3fffffff);
}

/**
 * A set of int4 keys (open addressing): the union of many documents' windows without a JS `Set`'s
 * per-entry cost.
 *
 * @example
 * const set = new GramSet();
 * set.addText('Order 42');
 * set.toArray(); // the keys of 'ord', 'rde', 'der', 'er ', 'r 4', ' 42'
 */
export class GramSet {
  private slots = new Int32Array(1024).fill(EMPTY);
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(key: number): void {
    if (this.count * 2 >= this.slots.length) this.grow();
    const mask = this.slots.length - 1;
    for (let i = Math.imul(key, 0x9e3779b1) >>> 0; ; i++) {
      const at = i & mask;
      const slot = this.slots[at] as number;
      if (slot === key) return;
      if (slot === EMPTY) {
        this.slots[at] = key;
        this.count++;
        return;
      }
    }
  }

  /** Adds every window of `text`, folded. */
  addText(text: string): void {
    const f = fold();
    const n = text.length;
    if (n < 3) return;
    let a = f[text.charCodeAt(0)] as number;
    let b = f[text.charCodeAt(1)] as number;
    for (let i = 2; i < n; i++) {
      const c = f[text.charCodeAt(i)] as number;
      this.add(gramKey(a, b, c));
      a = b;
      b = c;
    }
  }

  toArray(): number[] {
    const out: number[] = [];
    for (const slot of this.slots) if (slot !== EMPTY) out.push(slot);
    return out;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2).fill(EMPTY);
    this.count = 0;
    for (const slot of old) if (slot !== EMPTY) this.add(slot);
  }
}

/**
 * The literal runs of a PostgreSQL LIKE pattern: the text between unescaped `%` and `_`, with
 * backslash escapes (PostgreSQL's default) resolved. Undefined for a pattern PostgreSQL itself
 * refuses (a trailing escape).
 *
 * @example
 * likeLiterals('%50\\% off_now%'); // ['50% off', 'now']
 */
export function likeLiterals(pattern: string): string[] | undefined {
  const runs: string[] = [];
  let run = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\') {
      if (i + 1 >= pattern.length) return undefined;
      run += pattern[++i];
    } else if (ch === '%' || ch === '_') {
      if (run) runs.push(run);
      run = '';
    } else {
      run += ch;
    }
  }
  if (run) runs.push(run);
  return runs;
}

/** At most this many keys per lookup: any subset of a pattern's windows still names a superset. */
const MAX_PATTERN_GRAMS = 48;

/**
 * The keys every document matching `pattern` must hold, or undefined when the index cannot answer:
 * no literal run of 3 characters, or an ILIKE pattern with non-ASCII literals (PostgreSQL lower-cases
 * those by the database's locale, which the fold cannot promise to follow).
 *
 * @example
 * patternGrams('%Order 42%', false)?.length; // 6
 */
export function patternGrams(pattern: string, caseInsensitive: boolean): number[] | undefined {
  const runs = likeLiterals(pattern);
  if (!runs) return undefined;
  if (caseInsensitive && runs.some((r) => [...r].some((ch) => ch.charCodeAt(0) > 0x7f))) return undefined;
  const set = new GramSet();
  for (const run of runs) set.addText(run);
  if (set.size === 0) return undefined;
  const keys = set.toArray().sort((x, y) => x - y);
  if (keys.length <= MAX_PATTERN_GRAMS) return keys;
  // Spread evenly over the sorted keys: deterministic, so one pattern always asks the same.
  return Array.from({ length: MAX_PATTERN_GRAMS }, (_, i) => keys[Math.floor((i * keys.length) / MAX_PATTERN_GRAMS)] as number);
}
