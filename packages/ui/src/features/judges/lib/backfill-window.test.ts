import { describe, expect, it } from 'vitest';
import { backfillWindow } from './backfill-window';

describe('backfill window', () => {
  const now = Date.UTC(2025, 5, 1, 12);
  it('counts a preset back from now', () => {
    expect(backfillWindow('24h', { from: '', to: '' }, now)).toEqual({ startMs: now - 86_400_000, endMs: now });
    expect(backfillWindow('7d', { from: 'x', to: 'y' }, now)).toEqual({ startMs: now - 7 * 86_400_000, endMs: now });
  });

  it('reads a custom window in local time, and refuses a missing or reversed one', () => {
    expect(backfillWindow('custom', { from: '2025-05-01T10:00', to: '2025-05-01T12:30' }, now)).toEqual({
      startMs: new Date(2025, 4, 1, 10, 0).getTime(),
      endMs: new Date(2025, 4, 1, 12, 30).getTime(),
    });
    expect(backfillWindow('custom', { from: '2025-05-01T10:00', to: '' }, now)).toEqual({ problem: 'Give the start and the end of the window.' });
    expect(backfillWindow('custom', { from: '2025-05-02T10:00', to: '2025-05-01T10:00' }, now)).toEqual({
      problem: 'The end of the window is before its start.',
    });
  });
});
