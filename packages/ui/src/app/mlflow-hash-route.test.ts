import { describe, expect, it } from 'vitest';
import { mlflowHashRoute } from './mlflow-hash-route';

describe('mlflowHashRoute', () => {
  it("turns MLflow's hash routes into paths, query included", () => {
    expect(mlflowHashRoute({ pathname: '/', hash: '#/experiments/1/runs/abc' })).toBe('/experiments/1/runs/abc');
    expect(mlflowHashRoute({ pathname: '/', hash: '#/experiments/1/traces?selectedTraceId=tr-1' })).toBe('/experiments/1/traces?selectedTraceId=tr-1');
    expect(mlflowHashRoute({ pathname: '/', hash: '#/nope' })).toBe('/nope');
  });

  it('leaves other URLs alone', () => {
    expect(mlflowHashRoute({ pathname: '/', hash: '' })).toBeNull();
    expect(mlflowHashRoute({ pathname: '/', hash: '#section' })).toBeNull();
    expect(mlflowHashRoute({ pathname: '/experiments/1', hash: '#/runs' })).toBeNull();
  });
});
