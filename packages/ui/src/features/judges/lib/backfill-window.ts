/** The windows a backfill offers: recent spans counted back from now, or one typed in. */

/** A preset window of a backfill. */
export interface BackfillRange {
  id: string;
  label: string;
  ms: number;
}

/**
 * The preset windows; `custom` (two datetime-local fields) is offered beside them.
 *
 * @example
 * BACKFILL_RANGES.find((r) => r.id === '24h')?.ms; // 86400000
 */
export const BACKFILL_RANGES: readonly BackfillRange[] = [
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
];

/**
 * The window (epoch ms) of a backfill: a preset counted back from `now`, or `custom` with `from` and
 * `to` as `<input type="datetime-local">` values (local time); or the problem with them.
 *
 * @example
 * backfillWindow('1h', { from: '', to: '' }, 7_200_000); // { startMs: 3600000, endMs: 7200000 }
 */
export function backfillWindow(choice: string, custom: { from: string; to: string }, now: number): { startMs: number; endMs: number } | { problem: string } {
  const preset = BACKFILL_RANGES.find((r) => r.id === choice);
  if (preset) return { startMs: now - preset.ms, endMs: now };
  const startMs = custom.from ? new Date(custom.from).getTime() : NaN;
  const endMs = custom.to ? new Date(custom.to).getTime() : NaN;
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs)) return { problem: 'Give the start and the end of the window.' };
  if (endMs < startMs) return { problem: 'The end of the window is before its start.' };
  return { startMs, endMs };
}
