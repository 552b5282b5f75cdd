import { describe, expect, it } from 'vitest';
import { appendToUri, validateKey } from './validation.js';

describe('validateKey', () => {
  it.each(['loss', 'val/loss', 'a.b-c_d e:f', 'métrique', '指标'])('accepts %s', (key) => {
    expect(() => validateKey('metric', key)).not.toThrow();
  });
  it.each(['../x', 'a/../b', '/abs', 'a//b', './a', 'a/', 'bad\\key', 'nul\u0000', 'semi;colon', 'x'.repeat(251)])('rejects %j', (key) => {
    expect(() => validateKey('param', key)).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE' }));
  });
});

describe('appendToUri', () => {
  it('joins with exactly one slash', () => {
    expect(appendToUri('mlflow-artifacts:/', '1')).toBe('mlflow-artifacts:/1');
    expect(appendToUri('mlflow-artifacts:/1', 'run', 'artifacts')).toBe('mlflow-artifacts:/1/run/artifacts');
    expect(appendToUri('s3://bucket/root/', '/2/')).toBe('s3://bucket/root/2');
    expect(appendToUri('/srv/artifacts', '3')).toBe('/srv/artifacts/3');
  });
});
