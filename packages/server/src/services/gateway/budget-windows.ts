import type { BudgetDurationUnit } from '@loupe/protocol';

/** A budget's fixed window: `[startMs, endMs)`, epoch milliseconds. */
export interface BudgetWindow {
  startMs: number;
  endMs: number;
}

const UNIT_MS: Record<Exclude<BudgetDurationUnit, 'MONTHS'>, number> = {
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: 86_400_000,
  WEEKS: 7 * 86_400_000,
};

/**
 * The window of `value` `unit`s that holds `now`. Windows are fixed and aligned to the Unix epoch in
 * UTC, so every server computes the same bounds without shared state: a 1-day window runs midnight to
 * midnight UTC, a 6-hour one starts at 00, 06, 12 and 18 UTC, a week starts on Thursday (1970-01-01
 * was one); MONTHS count calendar months from January 1970 (a 3-month window is a calendar quarter).
 *
 * @example
 * budgetWindow('DAYS', 1, Date.UTC(2026, 11, 7, 15)); // { startMs: Date.UTC(2026, 11, 7), endMs: Date.UTC(2026, 11, 8) }
 */
export function budgetWindow(unit: BudgetDurationUnit, value: number, now: number): BudgetWindow {
  if (unit === 'MONTHS') {
    const date = new Date(now);
    const monthsSinceEpoch = (date.getUTCFullYear() - 1970) * 12 + date.getUTCMonth();
    const first = monthsSinceEpoch - (((monthsSinceEpoch % value) + value) % value);
    return { startMs: Date.UTC(1970, first, 1), endMs: Date.UTC(1970, first + value, 1) };
  }
  const length = UNIT_MS[unit] * value;
  const startMs = Math.floor(now / length) * length;
  return { startMs, endMs: startMs + length };
}
