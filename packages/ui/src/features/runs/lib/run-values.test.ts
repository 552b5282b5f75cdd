import type { Run } from '@loupe/protocol';
import { describe, expect, it } from 'vitest';
import { alignHistories, paramDiff, runDuration, runKeys, runUser, runValue } from './run-values';

const run = (id: string, params: Record<string, string>, metrics: Record<string, number>, tags: Record<string, string> = {}): Run => ({
  info: {
    run_id: id,
    run_uuid: id,
    run_name: id,
    experiment_id: '1',
    user_id: 'u',
    status: 'FINISHED',
    start_time: 1000,
    end_time: 4000,
    artifact_uri: '',
    lifecycle_stage: 'active',
  },
  data: {
    params: Object.entries(params).map(([key, value]) => ({ key, value })),
    metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, step: 0, timestamp: 0 })),
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
  },
  inputs: {},
  outputs: {},
});

describe('run values', () => {
  const a = run('a', { lr: '0.1', epochs: '5' }, { acc: 0.9 }, { team: 'x', 'mlflow.user': 'u' });
  const b = run('b', { lr: '0.01', epochs: '5', dropout: '0.2' }, { acc: 0.95, loss: 0.1 });

  it('collects keys, leaving MLflow system tags out', () => {
    expect(runKeys([a, b])).toEqual({ metrics: ['acc', 'loss'], params: ['dropout', 'epochs', 'lr'], tags: ['team'] });
    expect(runValue(b, 'metrics', 'acc')).toBe(0.95);
    expect(runValue(a, 'params', 'dropout')).toBeUndefined();
  });

  it('puts differing params first', () => {
    expect(paramDiff([a, b])).toEqual([
      { key: 'dropout', values: [undefined, '0.2'], differs: true },
      { key: 'lr', values: ['0.1', '0.01'], differs: true },
      { key: 'epochs', values: ['5', '5'], differs: false },
    ]);
  });

  it('aligns histories by step, wall time or relative time', () => {
    const h1 = [
      { key: 'loss', value: 1, step: 0, timestamp: 10_000 },
      { key: 'loss', value: 0.5, step: 2, timestamp: 12_000 },
    ];
    const h2 = [{ key: 'loss', value: 0.8, step: 1, timestamp: 50_000 }];
    expect(alignHistories([h1, h2], 'step')).toEqual({
      x: [0, 1, 2],
      series: [
        [1, null, 0.5],
        [null, 0.8, null],
      ],
    });
    expect(alignHistories([h1, h2], 'time').x).toEqual([10, 12, 50]);
    expect(alignHistories([h1, h2], 'relative')).toEqual({
      x: [0, 2],
      series: [
        [1, 0.5],
        [0.8, null],
      ],
    });
  });

  it('measures duration', () => {
    expect(runDuration(a, 0)).toBe(3000);
    expect(runDuration({ ...a, info: { ...a.info, status: 'RUNNING', end_time: undefined } } as Run, 6000)).toBe(5000);
  });
});

describe('runUser', () => {
  it('reads the mlflow.user tag first, then user_id, and nothing from empty values', () => {
    const tagged = run('t', {}, {}, { 'mlflow.user': 'alice' });
    expect(runUser({ ...tagged, info: { ...tagged.info, user_id: '' } })).toBe('alice');
    expect(runUser({ ...tagged, info: { ...tagged.info, user_id: 'unknown' } })).toBe('alice');
    expect(runUser(run('u', {}, {}))).toBe('u');
    const nobody = run('n', {}, {}, { 'mlflow.user': '' });
    expect(runUser({ ...nobody, info: { ...nobody.info, user_id: '' } })).toBeUndefined();
  });
});
