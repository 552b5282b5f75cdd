import { describe, expect, it } from 'vitest';
import { artifactAncestors, artifactFolder } from './artifact-paths';

describe('artifact paths', () => {
  it('finds the folder of a file', () => {
    expect(artifactFolder('plots/roc/curve.png')).toBe('plots/roc');
    expect(artifactFolder('metrics.json')).toBe('');
  });

  it('lists the folders leading to a file, outermost first', () => {
    expect(artifactAncestors('plots/roc/curve.png')).toEqual(['plots', 'plots/roc']);
    expect(artifactAncestors('metrics.json')).toEqual([]);
    expect(artifactAncestors(undefined)).toEqual([]);
  });
});
