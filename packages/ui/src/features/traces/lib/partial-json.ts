/**
 * Reads JSON that was cut short. Trace previews are the first 1,000 characters of a span's inputs or
 * outputs as JSON text (MLflow's clients and Loupe's server cut them so), so a long reply arrives as
 * JSON that stops mid-string. Closing what is open recovers everything before the cut.
 */

/** Where a scan of JSON text ended: the brackets still open, and whether inside a string. */
interface JsonScan {
  open: string[];
  inString: boolean;
  /** Index where an escape sequence began, when the text ends inside it. */
  pendingEscape: number;
  /** The last `,`, `{` or `[` outside strings (where an incomplete member can be cut off). */
  lastBoundary: number;
}

function scan(text: string): JsonScan {
  const open: string[] = [];
  let inString = false;
  let escapeAt = -1;
  let lastBoundary = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (escapeAt >= 0) {
        // `\uXXXX` runs five characters past the backslash; other escapes one.
        if (text[escapeAt + 1] !== 'u' || i - escapeAt >= 5) escapeAt = -1;
      } else if (ch === '\\') escapeAt = i;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') {
      open.push(ch);
      lastBoundary = i;
    } else if (ch === '}' || ch === ']') open.pop();
    else if (ch === ',') lastBoundary = i;
  }
  return { open, inString, pendingEscape: inString ? escapeAt : -1, lastBoundary };
}

/**
 * The value of JSON text, complete or cut short (an object or list): open strings are closed with
 * `…` marking the cut, incomplete members dropped, open brackets closed. Undefined when the text is
 * not JSON at all.
 *
 * @example
 * parsePartialJson('{"choices":[{"message":{"content":"Pack it in its bo'); // { choices: [{ message: { content: 'Pack it in its bo…' } }] }
 * parsePartialJson('{"a":1,"b":tr'); // { a: 1 }
 */
export function parsePartialJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Cut short, or not JSON: below.
  }
  const start = text.trimStart()[0];
  if (start !== '{' && start !== '[') return undefined;
  let cut = text;
  for (let attempt = 0; attempt < 100; attempt++) {
    const s = scan(cut);
    let candidate = s.pendingEscape >= 0 ? cut.slice(0, s.pendingEscape) : cut;
    if (s.inString) candidate += '…"';
    candidate += s.open
      .map((b) => (b === '{' ? '}' : ']'))
      .reverse()
      .join('');
    try {
      return JSON.parse(candidate) as unknown;
    } catch {
      // An incomplete member (a key without its value, half a literal): cut back to the last boundary.
    }
    if (s.lastBoundary < 0) return undefined;
    const next = cut.slice(0, cut[s.lastBoundary] === ',' ? s.lastBoundary : s.lastBoundary + 1);
    if (next === cut) return undefined;
    cut = next;
  }
  return undefined;
}
