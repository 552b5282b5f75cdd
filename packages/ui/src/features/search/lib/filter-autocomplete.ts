/**
 * Autocompletion for MLflow's search grammar (`span.type = 'LLM' AND tag.env = 'prod'`): at the
 * cursor, suggest the keys, then the comparators that key takes, then its known values, then `AND`.
 * It reads only what is left of the cursor and never needs the filter to be valid yet.
 */

/** A key the filter may use, with what it accepts. */
export interface FilterField {
  /** As written in a filter, quoted where needed (``tag.`mlflow.user` ``). */
  key: string;
  type: 'string' | 'number';
  ops: readonly string[];
  /** Known values (statuses, span types, tag values seen), in the order they are offered. */
  values?: readonly string[];
  /** What a value's suggestion says beside it (how many spans have that type). */
  valueDetails?: Readonly<Record<string, string>>;
  detail?: string;
}

/** One suggestion; `insert` replaces the text from `from` to `to` of the completion. */
export interface Suggestion {
  label: string;
  insert: string;
  kind: 'field' | 'operator' | 'value' | 'keyword';
  detail?: string;
}

/** What to suggest and which part of the input it replaces. */
export interface Completion {
  from: number;
  to: number;
  suggestions: Suggestion[];
}

type Token = { text: string; start: number; end: number; kind: 'word' | 'string' | 'op' | 'paren' | 'comma' };

const WORD_OPS = new Set(['LIKE', 'ILIKE', 'RLIKE', 'IN', 'NOT', 'IS', 'NULL']);

/** Splits the text before the cursor; an unterminated string or backtick runs to the end. */
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"') {
      i++;
      while (i < text.length && text[i] !== c) i += text[i] === '\\' ? 2 : 1;
      i = Math.min(text.length, i + 1);
      out.push({ text: text.slice(start, i), start, end: i, kind: 'string' });
    } else if ('=!<>'.includes(c)) {
      while (i < text.length && '=!<>'.includes(text[i]!)) i++;
      out.push({ text: text.slice(start, i), start, end: i, kind: 'op' });
    } else if (c === '(' || c === ')') {
      i++;
      out.push({ text: c, start, end: i, kind: 'paren' });
    } else if (c === ',') {
      i++;
      out.push({ text: c, start, end: i, kind: 'comma' });
    } else {
      // A key: letters, digits, dots, dashes, and backtick-quoted parts (``tag.`my key` ``).
      while (i < text.length && !/[\s=!<>(),'"]/.test(text[i]!)) {
        if (text[i] === '`') {
          i++;
          while (i < text.length && text[i] !== '`') i++;
        }
        i++;
      }
      i = Math.min(i, text.length);
      out.push({ text: text.slice(start, i), start, end: i, kind: 'word' });
    }
  }
  return out;
}

const norm = (s: string) => s.replace(/[`"]/g, '').toLowerCase();

function matches(candidate: string, typed: string): boolean {
  if (!typed) return true;
  const c = norm(candidate);
  const t = norm(typed);
  return c.startsWith(t) || c.includes(t);
}

/** Where the clause at the cursor stands, walking the tokens before it. */
function clauseState(tokens: Token[], fields: readonly FilterField[]): { state: 'key' | 'op' | 'value' | 'after'; field?: FilterField; opSoFar: string } {
  let state: 'key' | 'op' | 'value' | 'after' = 'key';
  let field: FilterField | undefined;
  let op = '';
  for (const t of tokens) {
    const upper = t.text.toUpperCase();
    if (state === 'key') {
      if (t.kind === 'word' && upper !== 'AND') {
        field = fields.find((f) => norm(f.key) === norm(t.text)) ?? { key: t.text, type: 'string', ops: ['=', '!=', 'LIKE', 'ILIKE'] };
        state = 'op';
        op = '';
      }
    } else if (state === 'op') {
      if (t.kind === 'op' || WORD_OPS.has(upper)) {
        op = `${op} ${upper}`.trim();
        if (op === 'IS NULL' || op === 'IS NOT NULL') state = 'after';
        else if (op !== 'NOT' && op !== 'IS' && op !== 'IS NOT') state = 'value';
      }
    } else if (state === 'value') {
      if (t.kind === 'paren' && t.text === '(') continue;
      if (t.kind === 'comma') continue;
      if (t.kind === 'paren' && t.text === ')') state = 'after';
      else if (!op.endsWith('IN')) state = 'after';
    } else if (state === 'after' && upper === 'AND') {
      state = 'key';
      field = undefined;
    }
  }
  return field ? { state, field, opSoFar: op } : { state, opSoFar: op };
}

function quoteValue(v: string, type: FilterField['type']): string {
  return type === 'number' ? v : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * Suggestions for the cursor position in a filter being typed.
 *
 * @example
 * completeFilter("span.ty", 7, TRACE_FIELDS).suggestions[0]?.insert; // 'span.type'
 * completeFilter("span.type = ", 12, TRACE_FIELDS).suggestions.map((s) => s.insert); // ["'LLM'", "'CHAT_MODEL'", ...]
 */
export function completeFilter(input: string, cursor: number, fields: readonly FilterField[]): Completion {
  const before = input.slice(0, cursor);
  const tokens = tokenize(before);
  const last = tokens.at(-1);
  // The token under the cursor is being typed (no space after it): complete it in place.
  const typing = last && last.end === before.length && !/\s$/.test(before) && last.kind !== 'paren' && last.kind !== 'comma' ? last : undefined;
  const done = typing ? tokens.slice(0, -1) : tokens;
  const { state, field, opSoFar } = clauseState(done, fields);
  const from = typing ? typing.start : cursor;
  const typed = typing?.text ?? '';
  const to = cursor + (/^[^\s=!<>(),]*/.exec(input.slice(cursor))?.[0].length ?? 0);
  // Prefix matches first, then those that only contain what was typed.
  const rank = (label: string) => (norm(label).replace(/^'/, '').startsWith(norm(typed).replace(/^'/, '')) ? 0 : 1);
  const result = (suggestions: Suggestion[]): Completion => ({
    from,
    to,
    suggestions: suggestions
      .map((s, i) => ({ s, i, r: rank(s.label) }))
      .sort((a, b) => a.r - b.r || a.i - b.i)
      .map((x) => x.s)
      .slice(0, 50),
  });

  if (state === 'key') {
    return result(
      fields.filter((f) => matches(f.key, typed)).map((f) => ({ label: f.key, insert: f.key, kind: 'field', ...(f.detail ? { detail: f.detail } : {}) })),
    );
  }
  if (state === 'op' && field) {
    // A word right after the key may be the start of an operator (`LI` -> LIKE).
    const ops = field.ops.filter((o) => !typed || o.toLowerCase().startsWith(typed.toLowerCase()) || (opSoFar && `${opSoFar} ${o}`.startsWith(opSoFar)));
    return result(ops.map((o) => ({ label: o, insert: o, kind: 'operator' })));
  }
  if (state === 'value' && field) {
    const bare = typed.replace(/^['"]/, '').replace(/['"]$/, '');
    const values = (field.values ?? []).filter((v) => matches(v, bare));
    const suggestions: Suggestion[] = values.map((v) => {
      const detail = field.valueDetails?.[v];
      return { label: v, insert: quoteValue(v, field.type), kind: 'value', ...(detail ? { detail } : {}) };
    });
    if (field.type === 'string' && /LIKE$/.test(opSoFar) && !typed) suggestions.unshift({ label: "'%…%'", insert: "'%%'", kind: 'value', detail: 'pattern' });
    return result(suggestions);
  }
  if (state === 'after') {
    return result('AND'.startsWith(typed.toUpperCase()) ? [{ label: 'AND', insert: 'AND', kind: 'keyword' }] : []);
  }
  return result([]);
}

/**
 * The input with a suggestion applied, and where the cursor goes (after it and a space).
 *
 * @example
 * applySuggestion('span.ty', completeFilter('span.ty', 7, TRACE_FIELDS), { insert: 'span.type', label: 'span.type', kind: 'field' });
 * // { text: 'span.type ', cursor: 10 }
 */
export function applySuggestion(input: string, completion: Completion, suggestion: Suggestion): { text: string; cursor: number } {
  const head = input.slice(0, completion.from) + suggestion.insert;
  const tail = input.slice(completion.to).replace(/^\s*/, '');
  // In a pattern value, the cursor lands between the wildcards.
  if (suggestion.insert === "'%%'") return { text: `${head} ${tail}`.trimEnd(), cursor: head.length - 2 };
  return { text: `${head} ${tail}`.replace(/\s+$/, ' '), cursor: head.length + 1 };
}

/**
 * A filter key with a free part quoted when it needs it (dots, spaces, dashes).
 *
 * @example
 * keyWithName('tag', 'mlflow.user'); // 'tag.`mlflow.user`'
 * keyWithName('metrics', 'acc'); // 'metrics.acc'
 */
export function keyWithName(prefix: string, name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? `${prefix}.${name}` : `${prefix}.\`${name.replace(/`/g, '')}\``;
}
