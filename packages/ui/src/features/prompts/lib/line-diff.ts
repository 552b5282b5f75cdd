import type { ChatMessage, PromptTemplate } from './prompt-template';

/** One row of a side-by-side diff: a line on the left, the right, or both (unchanged). */
export interface DiffRow {
  kind: 'same' | 'removed' | 'added' | 'changed';
  left?: string;
  right?: string;
}

/**
 * A side-by-side line diff (longest common subsequence). A run of removed lines followed by added
 * ones is paired up as `changed` rows, so an edited line sits beside its new form.
 *
 * @example
 * lineDiff('a\nb', 'a\nc'); // [{ kind: 'same', left: 'a', right: 'a' }, { kind: 'changed', left: 'b', right: 'c' }]
 */
export function lineDiff(before: string, after: string): DiffRow[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: length of the common subsequence of a[i..] and b[j..].
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const rows: DiffRow[] = [];
  let removed: string[] = [];
  let added: string[] = [];
  const flush = () => {
    const paired = Math.min(removed.length, added.length);
    for (let k = 0; k < paired; k++) rows.push({ kind: 'changed', left: removed[k]!, right: added[k]! });
    for (const line of removed.slice(paired)) rows.push({ kind: 'removed', left: line });
    for (const line of added.slice(paired)) rows.push({ kind: 'added', right: line });
    removed = [];
    added = [];
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      flush();
      rows.push({ kind: 'same', left: a[i]!, right: b[j]! });
      i++;
      j++;
    } else if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      added.push(b[j++]!);
    } else {
      removed.push(a[i++]!);
    }
  }
  flush();
  return rows;
}

/** The diff of one chat message (or of a message present on one side only). */
export interface MessageDiff {
  index: number;
  leftRole?: string;
  rightRole?: string;
  rows: DiffRow[];
}

/**
 * Two templates compared: text line by line; chat message by message (the n-th with the n-th, each
 * a line diff of its content), a message on one side only shown as wholly removed or added. A text
 * template compared with a chat one is compared as one message each.
 *
 * @example
 * templateDiff({ kind: 'text', text: 'a' }, { kind: 'text', text: 'b' }); // [{ index: 0, rows: [{ kind: 'changed', left: 'a', right: 'b' }] }]
 */
export function templateDiff(before: PromptTemplate, after: PromptTemplate): MessageDiff[] {
  if (before.kind === 'text' && after.kind === 'text') return [{ index: 0, rows: lineDiff(before.text, after.text) }];
  const messages = (t: PromptTemplate): ChatMessage[] => (t.kind === 'chat' ? t.messages : [{ role: 'text', content: t.text }]);
  const left = messages(before);
  const right = messages(after);
  const out: MessageDiff[] = [];
  for (let k = 0; k < Math.max(left.length, right.length); k++) {
    const l = left[k];
    const r = right[k];
    const rows =
      l && r
        ? lineDiff(l.content, r.content)
        : l
          ? l.content.split('\n').map((line): DiffRow => ({ kind: 'removed', left: line }))
          : r!.content.split('\n').map((line): DiffRow => ({ kind: 'added', right: line }));
    out.push({ index: k, ...(l ? { leftRole: l.role } : {}), ...(r ? { rightRole: r.role } : {}), rows });
  }
  return out;
}
