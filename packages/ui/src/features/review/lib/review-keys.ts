import type { ReviewStatus } from '@loupe/protocol';
import type { LabelKind } from './label-values';

/**
 * The labeling view's keyboard: what each key does, given where the focus is and which question the
 * keys answer. The component turns actions into state changes; nothing here touches the DOM.
 */

/** A key press as the handler sees it. */
export interface KeyPress {
  key: string;
  /** Where the focus is: a one-line input, a textarea, or elsewhere (a question, the page). */
  field: 'input' | 'textarea' | 'none';
  shift?: boolean;
  /** Ctrl, Meta or Alt held: the browser's and the system's shortcuts, never ours. */
  modified?: boolean;
}

/** What the keys need to know of one question. */
export interface QuestionKeys {
  kind: LabelKind;
  /** Categorical: how many options. */
  options?: number;
  /** The schema takes a comment. */
  comment?: boolean;
}

/** What a key does. */
export type ReviewKeyAction =
  | { type: 'pass-fail'; question: number; pass: boolean }
  | { type: 'option'; question: number; option: number }
  | { type: 'type-into'; question: number; text: string }
  | { type: 'comment'; question: number }
  | { type: 'submit' }
  | { type: 'skip' }
  | { type: 'decline' }
  | { type: 'move'; delta: 1 | -1 }
  | { type: 'help' }
  | { type: 'escape' };

/** Keys that act on the item whatever the question (so a text question cannot type them from outside its box). */
const ITEM_KEYS: Record<string, ReviewKeyAction> = {
  Enter: { type: 'submit' },
  s: { type: 'skip' },
  d: { type: 'decline' },
  j: { type: 'move', delta: 1 },
  ArrowDown: { type: 'move', delta: 1 },
  ArrowRight: { type: 'move', delta: 1 },
  k: { type: 'move', delta: -1 },
  ArrowUp: { type: 'move', delta: -1 },
  ArrowLeft: { type: 'move', delta: -1 },
  '?': { type: 'help' },
  Escape: { type: 'escape' },
};

/**
 * The shortcuts, for the help overlay.
 *
 * @example
 * REVIEW_SHORTCUTS.map(([keys, what]) => `${keys}: ${what}`);
 */
export const REVIEW_SHORTCUTS: readonly (readonly [string, string])[] = [
  ['1 / y', 'Pass (pass/fail question)'],
  ['2 / n', 'Fail (pass/fail question)'],
  ['1 … 9, 0', 'Pick an option (categorical question; toggles when several may be picked)'],
  ['digits', 'Type into a numeric question'],
  ['Tab / Shift+Tab', 'Next / previous question'],
  ['c', 'Comment on the question'],
  ['Enter', 'Submit the labels and go to the next pending item'],
  ['s', 'Skip: leave the item pending, go to the next one'],
  ['d', 'Decline the item'],
  ['j / ↓ / →', 'Next item'],
  ['k / ↑ / ←', 'Previous item'],
  ['Esc', 'Leave a text box (keys act again) / close this help'],
  ['?', 'Show or hide this help'],
];

/**
 * What a key press does. In a text box only Enter (submit; Shift+Enter is a new line in a textarea)
 * and Escape act; elsewhere the item keys act, then the answer keys of the target question (the
 * focused one, or the first unanswered).
 *
 * @example
 * reviewKeyAction({ key: 'y', field: 'none' }, [{ kind: 'pass_fail' }], 0); // { type: 'pass-fail', question: 0, pass: true }
 */
export function reviewKeyAction(press: KeyPress, questions: readonly QuestionKeys[], target: number): ReviewKeyAction | null {
  const { key } = press;
  if (press.modified) return null;
  if (press.field !== 'none') {
    if (key === 'Escape') return { type: 'escape' };
    if (key === 'Enter' && !(press.field === 'textarea' && press.shift)) return { type: 'submit' };
    return null;
  }
  const q = questions[target];
  if (q?.kind === 'pass_fail') {
    if (key === '1' || key === 'y') return { type: 'pass-fail', question: target, pass: true };
    if (key === '2' || key === 'n') return { type: 'pass-fail', question: target, pass: false };
  }
  if (q?.kind === 'categorical' && /^[0-9]$/.test(key)) {
    const option = key === '0' ? 9 : Number(key) - 1;
    return option < (q.options ?? 0) ? { type: 'option', question: target, option } : null;
  }
  if (q?.kind === 'numeric' && /^[0-9.-]$/.test(key)) return { type: 'type-into', question: target, text: key };
  if (key === 'c' && q?.comment) return { type: 'comment', question: target };
  const itemAction = ITEM_KEYS[key];
  if (itemAction) return itemAction;
  // A text question starts its box with any other printable key.
  if (q?.kind === 'text' && key.length === 1 && key !== ' ') return { type: 'type-into', question: target, text: key };
  return null;
}

/**
 * The question the keys answer: the focused one, else the first not answered, else the first.
 *
 * @example
 * targetQuestion(undefined, [true, false, false]); // 1
 */
export function targetQuestion(focused: number | undefined, answered: readonly boolean[]): number {
  if (focused !== undefined && focused >= 0 && focused < answered.length) return focused;
  const open = answered.indexOf(false);
  return open >= 0 ? open : 0;
}

/**
 * The next item to label after position `from`: the first PENDING one after it (wrapping around) that
 * was not skipped in this sitting; a skipped one only when nothing else is pending; -1 when none is
 * pending. `from` -1 starts at the top.
 *
 * @example
 * const items = [{ item_id: 'a', status: 'COMPLETE' }, { item_id: 'b', status: 'PENDING' }, { item_id: 'c', status: 'PENDING' }] as const;
 * nextPendingIndex(items, 1, new Set(['c'])); // 1: 'c' was skipped, 'b' is still pending
 */
export function nextPendingIndex(items: readonly { item_id: string; status: ReviewStatus }[], from: number, skipped: ReadonlySet<string>): number {
  const n = items.length;
  let fallback = -1;
  for (let step = 1; step <= n; step++) {
    const i = (((from + step) % n) + n) % n;
    const item = items[i]!;
    if (item.status !== 'PENDING') continue;
    if (!skipped.has(item.item_id)) return i;
    if (fallback < 0) fallback = i;
  }
  return fallback;
}
