import { describe, expect, it } from 'vitest';
import { parseModelSource } from './model-source';

describe('parseModelSource', () => {
  it('reads runs and logged models, and nothing else', () => {
    expect(parseModelSource('runs:/abc123/model')).toEqual({ kind: 'run', id: 'abc123' });
    expect(parseModelSource('runs:/abc123')).toEqual({ kind: 'run', id: 'abc123' });
    expect(parseModelSource('models:/m-0123')).toEqual({ kind: 'logged-model', id: 'm-0123' });
    expect(parseModelSource('models:/fraud/3')).toBeUndefined();
    expect(parseModelSource('s3://bucket/model')).toBeUndefined();
    expect(parseModelSource('dummy-source')).toBeUndefined();
  });
});
