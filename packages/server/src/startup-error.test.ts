import { describe, expect, it } from 'vitest';
import { describeCause } from './startup-error.js';

const errno = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('describeCause', () => {
  it('says common file-system errors plainly', () => {
    expect(describeCause(errno('EACCES', "EACCES: permission denied, open '/srv/x'"))).toBe('permission denied');
    expect(describeCause(errno('ENOTDIR', "ENOTDIR: not a directory, mkdir '/tmp/f/x'"))).toBe('part of the path is a file, not a folder');
    expect(describeCause(errno('EROFS', 'EROFS'))).toBe('the file system is read-only');
  });

  it("gives every attempt of a connection tried on several addresses, and other errors' first line", () => {
    const both = new AggregateError([errno('ECONNREFUSED', 'connect ECONNREFUSED ::1:1'), errno('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1')], '');
    expect(describeCause(both)).toBe('connect ECONNREFUSED ::1:1; connect ECONNREFUSED 127.0.0.1:1');
    expect(describeCause(new Error('password authentication failed for user "x"\n  at ...'))).toBe('password authentication failed for user "x"');
    expect(describeCause('plain')).toBe('plain');
  });
});
