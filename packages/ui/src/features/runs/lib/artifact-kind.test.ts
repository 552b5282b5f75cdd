import { describe, expect, it } from 'vitest';
import { artifactKind } from './artifact-kind';

describe('artifactKind', () => {
  it('previews images, JSON and text; nothing else', () => {
    expect(artifactKind('plots/loss curve.PNG')).toBe('image');
    expect(artifactKind('metrics.json')).toBe('json');
    expect(artifactKind('model/MLmodel')).toBe('text');
    expect(artifactKind('notes/readme.md')).toBe('text');
    expect(artifactKind('model.pkl')).toBe('none');
    expect(artifactKind('big.log', 50 * 1024 * 1024)).toBe('none');
    expect(artifactKind('big.png', 50 * 1024 * 1024)).toBe('image');
  });
});
