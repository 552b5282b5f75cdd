import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatCost,
  formatCount,
  formatDuration,
  formatMetric,
  formatRelative,
  formatTimestamp,
  formatTokens,
  formatTokenSplit,
  parseProtoDuration,
  sumKnown,
  tokenCounts,
  truncate,
} from './format';

describe('format', () => {
  it('formats durations at a precision fitting their size', () => {
    expect(formatDuration(0.42)).toBe('420µs');
    expect(formatDuration(3.25)).toBe('3.3ms');
    expect(formatDuration(3)).toBe('3ms');
    expect(formatDuration(532.4)).toBe('532ms');
    expect(formatDuration(1234)).toBe('1.23s');
    expect(formatDuration(12_345)).toBe('12.3s');
    expect(formatDuration(125_000)).toBe('2m 5s');
    expect(formatDuration(3_723_000)).toBe('1h 2m');
    expect(formatDuration(3 * 86_400_000 + 3_600_000)).toBe('3d 1h');
    expect(formatDuration(undefined)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });

  it('parses protobuf durations', () => {
    expect(parseProtoDuration('0.532s')).toBe(532);
    expect(parseProtoDuration('12s')).toBe(12_000);
    expect(parseProtoDuration('abc')).toBeUndefined();
    expect(parseProtoDuration(undefined)).toBeUndefined();
  });

  it('formats timestamps in local time, from numbers and RFC 3339', () => {
    const t = new Date(2025, 5, 15, 14, 7, 41, 282).getTime();
    expect(formatTimestamp(t)).toBe('2025-06-15 14:07:41');
    expect(formatTimestamp(t, true)).toBe('2025-06-15 14:07:41.282');
    expect(formatTimestamp(new Date(t).toISOString())).toBe('2025-06-15 14:07:41');
    expect(formatTimestamp('not a date')).toBe('—');
  });

  it('says how long ago', () => {
    const now = 1_750_000_000_000;
    expect(formatRelative(now - 10_000, now)).toBe('just now');
    expect(formatRelative(now - 90_000, now)).toBe('2m ago');
    expect(formatRelative(now - 3 * 3_600_000, now)).toBe('3h ago');
    expect(formatRelative(now - 2 * 86_400_000, now)).toBe('2d ago');
    expect(formatRelative(now - 90 * 86_400_000, now)).toMatch(/^\d{4}-\d\d-\d\d$/);
  });

  it('formats counts, costs, metrics, bytes', () => {
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect(formatCount(1_234_567, true)).toBe('1.2M');
    expect(formatCount(12_345, true)).toBe('12k');
    expect(formatCount(999, true)).toBe('999');
    expect(formatCost(0)).toBe('$0');
    expect(formatCost(0.000123)).toBe('$0.000123');
    expect(formatCost(0.0456)).toBe('$0.046');
    expect(formatCost(1.5)).toBe('$1.50');
    expect(formatMetric(0.912345)).toBe('0.9123');
    expect(formatMetric(12)).toBe('12');
    expect(formatMetric(0.00001234)).toBe('1.234e-5');
    expect(formatMetric(Number.NaN)).toBe('NaN');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(truncate('hello world', 8)).toBe('hello w…');
  });

  it("shows unknown cost and tokens as '—' and a known zero as '$0' / '0'", () => {
    expect(formatCost(undefined)).toBe('—');
    expect(formatCost(null)).toBe('—');
    expect(formatCost(0)).toBe('$0');
    expect(formatTokens(undefined)).toBe('—');
    expect(formatTokenSplit(undefined)).toBe('—');
    expect(formatTokenSplit({ totalTokens: 7 })).toBe('—');
    expect(sumKnown([undefined, null])).toBeUndefined();
    expect(sumKnown([undefined, 0])).toBe(0);
    expect(sumKnown([0.5, undefined, 0.25])).toBe(0.75);
  });

  it('reads token usage JSON with the server rule: total = input + output, input alone means 0 output', () => {
    // An embeddings call next to a call whose producer gave a total that disagreed: 1,313 vs 1,325 in was the bug.
    expect(tokenCounts('{"input_tokens": 1325}')).toEqual({ inputTokens: 1325, outputTokens: 0, totalTokens: 1325 });
    expect(tokenCounts({ input_tokens: 1325, output_tokens: 0, total_tokens: 1313 })).toEqual({ inputTokens: 1325, outputTokens: 0, totalTokens: 1325 });
    expect(tokenCounts({ total_tokens: 9 })).toEqual({ totalTokens: 9 });
    expect(tokenCounts('not json')).toBeUndefined();
    expect(tokenCounts(undefined)).toBeUndefined();
    const c = tokenCounts({ input_tokens: 1325 });
    expect(`${formatTokens(c)} (${formatTokenSplit(c)})`).toBe('1,325 (1,325 in / 0 out)');
  });
});
