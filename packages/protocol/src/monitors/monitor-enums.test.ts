import { describe, expect, it } from 'vitest';
import { breaches, readVerdict } from './monitor-enums.js';

describe('monitor enums', () => {
  it('reads verdicts as online judges write them', () => {
    expect(readVerdict('yes')).toEqual({ kind: 'pass' });
    expect(readVerdict(' True ')).toEqual({ kind: 'pass' });
    expect(readVerdict('PASS')).toEqual({ kind: 'pass' });
    expect(readVerdict('no')).toEqual({ kind: 'fail' });
    expect(readVerdict('false')).toEqual({ kind: 'fail' });
    expect(readVerdict('failed')).toEqual({ kind: 'fail' });
    expect(readVerdict('4.5')).toEqual({ kind: 'number', value: 4.5 });
    expect(readVerdict('warm')).toBeUndefined();
    expect(readVerdict('')).toBeUndefined();
    expect(readVerdict(undefined)).toBeUndefined();
  });

  it('tells a breach by the comparator', () => {
    expect(breaches(0.2, '>', 0.1)).toBe(true);
    expect(breaches(0.1, '>', 0.1)).toBe(false);
    expect(breaches(0.1, '>=', 0.1)).toBe(true);
    expect(breaches(0.05, '<', 0.1)).toBe(true);
    expect(breaches(0.1, '<=', 0.1)).toBe(true);
  });
});
