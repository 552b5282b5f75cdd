import { describe, expect, it } from 'vitest';
import { sampleMetricHistories, sampleSteps } from './metric-sampling.js';

describe('sampleSteps', () => {
  it('keeps all steps when there are few enough', () => {
    expect([...sampleSteps([1, 2, 3], 5, [])].sort((a, b) => a - b)).toEqual([1, 2, 3]);
  });
  it('spreads samples evenly and keeps the ends and required steps', () => {
    const steps = Array.from({ length: 10 }, (_, i) => i);
    expect([...sampleSteps(steps, 4, [])].sort((a, b) => a - b)).toEqual([0, 3, 6, 9]);
    expect([...sampleSteps(steps, 2, [5])].sort((a, b) => a - b)).toEqual([0, 5, 9]);
  });
});

describe('sampleMetricHistories', () => {
  it('keeps each run’s first and last step and groups by requested run order', () => {
    const points = [
      ...Array.from({ length: 50 }, (_, i) => ({ key: 'm', value: i, timestamp: i, step: i, runId: 'a' })),
      { key: 'm', value: 1, timestamp: 1, step: 17, runId: 'b' },
      { key: 'm', value: 2, timestamp: 2, step: 33, runId: 'b' },
    ];
    const out = sampleMetricHistories(['b', 'a'], points, 5);
    expect(out.filter((p) => p.runId === 'b').map((p) => p.step)).toEqual([17, 33]);
    const aSteps = out.filter((p) => p.runId === 'a').map((p) => p.step);
    expect(aSteps[0]).toBe(0);
    expect(aSteps.at(-1)).toBe(49);
    expect(aSteps).toContain(17);
    expect(out[0]?.runId).toBe('b');
  });
});
