import { describe, expect, it } from 'vitest';
import { nextPendingIndex, reviewKeyAction, targetQuestion, type QuestionKeys } from './review-keys';

const questions: QuestionKeys[] = [{ kind: 'pass_fail', comment: true }, { kind: 'numeric' }, { kind: 'categorical', options: 3 }, { kind: 'text' }];
const press = (key: string, target: number, extra: Partial<Parameters<typeof reviewKeyAction>[0]> = {}) =>
  reviewKeyAction({ key, field: 'none', ...extra }, questions, target);

describe('reviewKeyAction', () => {
  it('answers pass/fail with 1/2 or y/n, and opens its comment with c', () => {
    expect(press('1', 0)).toEqual({ type: 'pass-fail', question: 0, pass: true });
    expect(press('y', 0)).toEqual({ type: 'pass-fail', question: 0, pass: true });
    expect(press('2', 0)).toEqual({ type: 'pass-fail', question: 0, pass: false });
    expect(press('n', 0)).toEqual({ type: 'pass-fail', question: 0, pass: false });
    expect(press('c', 0)).toEqual({ type: 'comment', question: 0 });
    expect(press('c', 1)).toBeNull();
  });

  it('picks categorical options by number (0 is the tenth) and types into numeric and text questions', () => {
    expect(press('3', 2)).toEqual({ type: 'option', question: 2, option: 2 });
    expect(press('4', 2)).toBeNull();
    expect(press('0', 2)).toBeNull();
    expect(press('7', 1)).toEqual({ type: 'type-into', question: 1, text: '7' });
    expect(press('-', 1)).toEqual({ type: 'type-into', question: 1, text: '-' });
    expect(press('y', 3)).toEqual({ type: 'type-into', question: 3, text: 'y' });
  });

  it('moves, skips, declines, submits and shows help whatever the question; item keys win over typing into text', () => {
    expect(press('j', 0)).toEqual({ type: 'move', delta: 1 });
    expect(press('ArrowRight', 2)).toEqual({ type: 'move', delta: 1 });
    expect(press('k', 3)).toEqual({ type: 'move', delta: -1 });
    expect(press('ArrowUp', 1)).toEqual({ type: 'move', delta: -1 });
    expect(press('s', 3)).toEqual({ type: 'skip' });
    expect(press('d', 0)).toEqual({ type: 'decline' });
    expect(press('Enter', 0)).toEqual({ type: 'submit' });
    expect(press('?', 0)).toEqual({ type: 'help' });
    expect(press('Escape', 0)).toEqual({ type: 'escape' });
    expect(press('x', 0)).toBeNull();
  });

  it('leaves typing in text boxes alone but Enter submits and Escape leaves; never takes modified keys', () => {
    expect(press('y', 0, { field: 'input' })).toBeNull();
    expect(press('j', 0, { field: 'textarea' })).toBeNull();
    expect(press('Enter', 0, { field: 'input' })).toEqual({ type: 'submit' });
    expect(press('Enter', 0, { field: 'textarea' })).toEqual({ type: 'submit' });
    expect(press('Enter', 0, { field: 'textarea', shift: true })).toBeNull();
    expect(press('Escape', 0, { field: 'input' })).toEqual({ type: 'escape' });
    expect(press('s', 0, { modified: true })).toBeNull();
  });
});

describe('targetQuestion', () => {
  it('is the focused question, else the first unanswered, else the first', () => {
    expect(targetQuestion(2, [true, false, false])).toBe(2);
    expect(targetQuestion(undefined, [true, false, false])).toBe(1);
    expect(targetQuestion(undefined, [true, true])).toBe(0);
    expect(targetQuestion(5, [true, false])).toBe(1);
  });
});

describe('nextPendingIndex', () => {
  const items = (...statuses: ('PENDING' | 'COMPLETE' | 'DECLINED')[]) => statuses.map((status, i) => ({ item_id: `t${i}`, status }));

  it('finds the next pending item after the current one, wrapping around, skipped ones last', () => {
    expect(nextPendingIndex(items('PENDING', 'COMPLETE', 'PENDING'), -1, new Set())).toBe(0);
    expect(nextPendingIndex(items('PENDING', 'COMPLETE', 'PENDING'), 0, new Set())).toBe(2);
    expect(nextPendingIndex(items('PENDING', 'COMPLETE', 'PENDING'), 2, new Set())).toBe(0);
    expect(nextPendingIndex(items('PENDING', 'PENDING', 'PENDING'), 0, new Set(['t1']))).toBe(2);
    expect(nextPendingIndex(items('COMPLETE', 'PENDING', 'DECLINED'), 1, new Set(['t1']))).toBe(1);
    expect(nextPendingIndex(items('COMPLETE', 'DECLINED'), 0, new Set())).toBe(-1);
    expect(nextPendingIndex([], -1, new Set())).toBe(-1);
  });
});
