import { describe, expect, it } from 'vitest';
import { checkArtifactPath, joinArtifactPath, percentDecodeOnce } from './artifact-path.js';

describe('checkArtifactPath', () => {
  it.each([
    ['model/MLmodel', 'model/MLmodel'],
    ['a//b/./c/', 'a/b/c'],
    ['./x.txt', 'x.txt'],
    ['with space/ünïcode.txt', 'with space/ünïcode.txt'],
    ['100%.txt', '100%.txt'],
    ['...', '...'],
    ['a..b/c..', 'a..b/c..'],
  ])('accepts %j as %j', (raw, canonical) => {
    expect(checkArtifactPath(raw)).toBe(canonical);
  });

  it.each([
    ['../x', "'..'"],
    ['a/../../x', "'..'"],
    ['..', "'..'"],
    ['/etc/passwd', 'absolute'],
    ['a\\..\\x', 'backslash'],
    ['%2e%2e/x', "'..'"],
    ['%2E%2E%2Fx', "'..'"],
    ['%252e%252e/x', "'..'"],
    ['%25252e%25252e/x', "'..'"],
    ['a%2f..%2f..%2fx', "'..'"],
    ['..%5cx', 'backslash'],
    ['%2fetc/passwd', 'absolute'],
    ['x\u0000', 'control'],
    ['x%00', 'control'],
    ['a\nb', 'control'],
    ['C:/Windows/win.ini', 'drive'],
    ['c:x', 'drive'],
    ['a#b', "'#'"],
    ['.', 'names no file'],
    ['./', 'names no file'],
  ])('rejects %j (%s)', (raw, why) => {
    let caught: unknown;
    try {
      checkArtifactPath(raw, 'artifact_path');
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining("parameter 'artifact_path'") });
    expect((caught as Error).message).toContain(why);
  });

  it('rejects paths encoded more than ten times over', () => {
    let p = '../x';
    for (let i = 0; i < 12; i++) p = encodeURIComponent(p);
    expect(() => checkArtifactPath(p)).toThrow(/parameter 'path'/);
  });

  it('needs a path unless the root is allowed', () => {
    expect(() => checkArtifactPath(undefined, 'path')).toThrow("Missing value for required parameter 'path'");
    expect(() => checkArtifactPath('', 'path')).toThrow("Missing value for required parameter 'path'");
    expect(checkArtifactPath(undefined, 'path', { allowRoot: true })).toBe('');
    expect(() => checkArtifactPath('/', 'path', { allowRoot: true })).toThrow('absolute paths are not allowed');
  });
});

describe('percentDecodeOnce', () => {
  it('decodes one layer, leniently', () => {
    expect(percentDecodeOnce('%252e')).toBe('%2e');
    expect(percentDecodeOnce('%C3%A9t%C3%A9')).toBe('été');
    expect(percentDecodeOnce('50%')).toBe('50%');
    expect(percentDecodeOnce('%zz%41')).toBe('%zzA');
    expect(percentDecodeOnce('%ff')).toBe('\ufffd');
  });
});

describe('joinArtifactPath', () => {
  it('skips empty parts', () => {
    expect(joinArtifactPath('', 'a', '', 'b/c')).toBe('a/b/c');
    expect(joinArtifactPath('', '')).toBe('');
  });
});
