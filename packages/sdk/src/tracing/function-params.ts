/** A parameter of a function as written: its name, and whether it gathers the rest (`...args`). */
export interface ParamName {
  name: string;
  rest: boolean;
}

/**
 * The parameter names of a function, read from its source once (so inputs are recorded by name, as
 * MLflow's SDKs do). Destructured parameters get positional names (`arg0`); a function whose source
 * cannot be read (native, bound) gets none, and its inputs are recorded positionally.
 *
 * @example
 * paramNames(function add(a, b = 2, ...more) {}); // [{name:'a'}, {name:'b'}, {name:'more', rest:true}]
 */
export function paramNames(fn: (...args: never[]) => unknown): ParamName[] {
  let source: string;
  try {
    source = Function.prototype.toString.call(fn);
  } catch {
    return [];
  }
  const list = paramList(source);
  if (list === null) return [];
  return splitTopLevel(list)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p, i) => {
      const rest = p.startsWith('...');
      const body = rest ? p.slice(3).trim() : p;
      const match = /^([A-Za-z_$][\w$]*)/.exec(body);
      // A destructuring pattern ({a, b} or [a, b]) has no single name.
      const name = match && !/^[{[]/.test(body) ? (match[1] as string) : `arg${i}`;
      return { name, rest };
    });
}

/** The text between a function's parameter parentheses, or a lone arrow parameter; null if none. */
function paramList(source: string): string | null {
  const text = stripComments(source).trim();
  if (text.includes('[native code]')) return null;
  // `x => ...` and `async x => ...`
  const bareArrow = /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(text);
  if (bareArrow) return bareArrow[1] as string;
  const open = text.indexOf('(');
  if (open < 0) return null;
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(text, i);
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return text.slice(open + 1, i);
    }
  }
  return null;
}

/** Splits a parameter list on commas that are not inside brackets or strings (default values). */
function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === '"' || c === "'" || c === '`') i = skipString(list, i);
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(list.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(list.slice(start));
  return parts;
}

function skipString(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i;
  }
  return text.length;
}

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}

/**
 * A traced call's arguments as MLflow records them: an object keyed by parameter name (the rest
 * parameter as a list), positional names for arguments beyond the declared ones.
 *
 * @example
 * namedInputs([{ name: 'q', rest: false }], ['hi']); // { q: 'hi' }
 */
export function namedInputs(params: readonly ParamName[], args: readonly unknown[]): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  let i = 0;
  for (const p of params) {
    if (p.rest) {
      inputs[p.name] = args.slice(i);
      i = args.length;
      break;
    }
    if (i >= args.length) break;
    inputs[p.name] = args[i++];
  }
  for (; i < args.length; i++) inputs[`arg${i}`] = args[i];
  return inputs;
}
