import { describe, expect, it } from 'vitest';
import { durationToMs, msToDuration, msToTimestamp, timestampToMs } from './well-known-types.js';

describe('Timestamp', () => {
  it.each([
    ['2025-06-15T14:07:41.282Z', 1749996461282],
    ['2025-06-15T14:07:41Z', 1749996461000],
    ['2025-06-15T14:07:41.282123456Z', 1749996461282],
    ['2025-06-15T16:07:41.5+02:00', 1749996461500],
  ])('%s -> %i', (text, ms) => {
    expect(timestampToMs(text)).toBe(ms);
  });
  it.each(['', 'yesterday', '2025-06-15 14:07:41Z', '2025-06-15T14:07:41', '2025-13-45T99:07:41Z'])('rejects %j', (text) => {
    expect(timestampToMs(text)).toBeUndefined();
  });
  it('round-trips milliseconds', () => {
    expect(timestampToMs(msToTimestamp(1749996461282))).toBe(1749996461282);
  });
});

describe('Duration', () => {
  it.each([
    ['0.532s', 532],
    ['3s', 3000],
    ['1.000000450s', 1000],
    ['-0.001s', -1],
  ])('%s -> %i', (text, ms) => {
    expect(durationToMs(text)).toBe(ms);
  });
  it.each(['', '5', '1.5ms', 's', '1.2.3s'])('rejects %j', (text) => {
    expect(durationToMs(text)).toBeUndefined();
  });
  it('formats milliseconds', () => {
    expect(msToDuration(1532)).toBe('1.532s');
    expect(msToDuration(3000)).toBe('3s');
    expect(msToDuration(5)).toBe('0.005s');
  });
});
