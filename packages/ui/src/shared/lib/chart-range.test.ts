import { describe, expect, it } from 'vitest';
import { INTEGER_INCREMENTS, lonePad, spreadRange, yAxisSize } from './chart-range';

describe('spreadRange', () => {
  it('keeps a real range as it is', () => {
    expect(spreadRange('time', 1_700_000_000, 1_700_000_600)).toEqual([1_700_000_000, 1_700_000_600]);
    expect(spreadRange('y', -2, 3)).toEqual([-2, 3]);
  });

  it('pads a lone value: a minute of wall time, one step, a tenth of a value', () => {
    expect(spreadRange('time', 1_700_000_000, 1_700_000_000)).toEqual([1_699_999_940, 1_700_000_060]);
    expect(spreadRange('number', 1, 1)).toEqual([0, 2]);
    const [lo, hi] = spreadRange('y', 0.91, 0.91)!;
    expect(lo).toBeCloseTo(0.819);
    expect(hi).toBeCloseTo(1.001);
    expect(spreadRange('y', 0, 0)).toEqual([-1, 1]);
    expect(spreadRange('y', -50, -50)).toEqual([-55, -45]);
  });

  it('leaves no data to the chart', () => {
    expect(spreadRange('number', null, null)).toBeNull();
    expect(spreadRange('y', Number.NaN, 1)).toBeNull();
  });

  it('pads by axis', () => {
    expect(lonePad('time', 5)).toBe(60);
    expect(lonePad('number', 1e6)).toBe(1);
    expect(lonePad('y', 200)).toBe(20);
  });
});

describe('INTEGER_INCREMENTS', () => {
  it('are whole numbers, growing 1-2-5', () => {
    expect(INTEGER_INCREMENTS.slice(0, 7)).toEqual([1, 2, 5, 10, 20, 50, 100]);
    expect(INTEGER_INCREMENTS.every(Number.isInteger)).toBe(true);
  });
});

describe('yAxisSize', () => {
  it('sizes a y axis to its widest label, 56 px at least', () => {
    const measure = (text: string) => text.length * 7;
    expect(yAxisSize(['0', '10', '20'], measure)).toBe(56);
    expect(yAxisSize(['$0', '$0.000005', '$0.00001'], measure)).toBe(9 * 7 + 19);
    expect(yAxisSize(undefined, measure)).toBe(56);
  });
});
