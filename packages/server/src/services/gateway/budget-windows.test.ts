import { describe, expect, it } from 'vitest';
import { budgetWindow } from './budget-windows.js';

describe('budgetWindow', () => {
  it('aligns fixed-length windows to the epoch in UTC', () => {
    const now = Date.UTC(2026, 11, 7, 15, 42, 10);
    expect(budgetWindow('MINUTES', 15, now)).toEqual({ startMs: Date.UTC(2026, 11, 7, 15, 30), endMs: Date.UTC(2026, 11, 7, 15, 45) });
    expect(budgetWindow('HOURS', 6, now)).toEqual({ startMs: Date.UTC(2026, 11, 7, 12), endMs: Date.UTC(2026, 11, 7, 18) });
    expect(budgetWindow('DAYS', 1, now)).toEqual({ startMs: Date.UTC(2026, 11, 7), endMs: Date.UTC(2026, 11, 8) });
    // 1970-01-01 was a Thursday: weeks run Thursday to Thursday.
    expect(budgetWindow('WEEKS', 1, now)).toEqual({ startMs: Date.UTC(2026, 11, 3), endMs: Date.UTC(2026, 11, 10) });
  });

  it('counts calendar months from January 1970', () => {
    const now = Date.UTC(2026, 11, 7);
    expect(budgetWindow('MONTHS', 1, now)).toEqual({ startMs: Date.UTC(2026, 11, 1), endMs: Date.UTC(2027, 0, 1) });
    expect(budgetWindow('MONTHS', 3, now)).toEqual({ startMs: Date.UTC(2026, 9, 1), endMs: Date.UTC(2027, 0, 1) });
    expect(budgetWindow('MONTHS', 12, Date.UTC(2026, 0, 1))).toEqual({ startMs: Date.UTC(2026, 0, 1), endMs: Date.UTC(2027, 0, 1) });
  });

  it('puts the window boundary in the next window', () => {
    const boundary = Date.UTC(2026, 11, 8);
    expect(budgetWindow('DAYS', 1, boundary).startMs).toBe(boundary);
  });
});
