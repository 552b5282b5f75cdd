import fs from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { ApiError } from '@loupe/protocol';

/**
 * The `code` of a failed system call (`ENOENT`, ...), if any.
 *
 * @example
 * if (errnoCode(err) === 'EEXIST') return;
 */
export function errnoCode(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

const MISSING = new Set(['ENOENT', 'ENOTDIR']);

/**
 * `realpath`, or null when the path (or a parent) does not exist.
 *
 * @example
 * const real = await realpathOrNull(path.join(root, rel));
 */
export async function realpathOrNull(p: string): Promise<string | null> {
  try {
    return await fs.realpath(p);
  } catch (err) {
    if (MISSING.has(errnoCode(err) ?? '')) return null;
    throw err;
  }
}

/**
 * `lstat` (never follows the last link), or null when missing.
 *
 * @example
 * if ((await lstatOrNull(target))?.isSymbolicLink()) ...
 */
export async function lstatOrNull(p: string): Promise<Stats | null> {
  try {
    return await fs.lstat(p);
  } catch (err) {
    if (MISSING.has(errnoCode(err) ?? '')) return null;
    throw err;
  }
}

/**
 * True when `candidate` is `root` or below it. Both must be real (symlink-free) absolute paths.
 *
 * @example
 * isInside('/data/artifacts', '/data/artifacts/1/x'); // true
 * isInside('/data/artifacts', '/data/artifacts-old/x'); // false
 */
export function isInside(root: string, candidate: string): boolean {
  if (candidate === root) return true;
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  return candidate.startsWith(prefix);
}

/**
 * 400 for a path that leads out of the artifact root (through a symbolic link).
 *
 * @example
 * if (!isInside(realRoot, real)) throw escapesRoot(rel);
 */
export function escapesRoot(rel: string): ApiError {
  return ApiError.invalid(`Invalid value '${rel}' for parameter 'path' supplied: it resolves outside the artifact root.`);
}

/**
 * Turns a filesystem error caused by the shape of the client's path (a file where a folder is
 * expected, a folder where a file is expected, a name too long) into a 400; other errors pass through.
 *
 * @example
 * throw clientPathError(err, 'a.txt/b') ?? err;
 */
export function clientPathError(err: unknown, rel: string): ApiError | undefined {
  switch (errnoCode(err)) {
    case 'ENOTDIR':
    case 'EEXIST':
      return ApiError.invalid(`Invalid value '${rel}' for parameter 'path' supplied: a parent of it is a file, not a directory.`);
    case 'EISDIR':
      return ApiError.invalid(`Invalid value '${rel}' for parameter 'path' supplied: it is a directory, not a file.`);
    case 'ELOOP':
      return ApiError.invalid(`Invalid value '${rel}' for parameter 'path' supplied: it goes through a loop of symbolic links.`);
    case 'ENAMETOOLONG':
      return ApiError.invalid(`Invalid value '${rel}' for parameter 'path' supplied: a name in it is too long.`);
    default:
      return undefined;
  }
}
