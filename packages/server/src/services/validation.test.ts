import { describe, expect, it } from 'vitest';
import { appendToUri } from './validation.js';

describe('appendToUri', () => {
  it('joins with exactly one slash', () => {
    expect(appendToUri('mlflow-artifacts:/', '1')).toBe('mlflow-artifacts:/1');
    expect(appendToUri('mlflow-artifacts:/1', 'run', 'artifacts')).toBe('mlflow-artifacts:/1/run/artifacts');
    expect(appendToUri('s3://bucket/root/', '/2/')).toBe('s3://bucket/root/2');
    expect(appendToUri('/srv/artifacts', '3')).toBe('/srv/artifacts/3');
  });
});
