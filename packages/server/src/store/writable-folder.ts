import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Creates `dir` (with its parents) when missing and proves it writable by creating and removing a file
 * in it; otherwise throws the file system's error (`EACCES`, `ENOTDIR`, `EROFS`, ...). Run at start-up,
 * so a folder Loupe cannot write is reported then, with its path, and not by the first write that needs
 * it. A real write is the only sure check: permission bits say nothing of read-only mounts, and
 * nothing at all to root.
 *
 * @example
 * ensureWritableFolder('./loupe-data/artifacts');
 */
export function ensureWritableFolder(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const probe = path.join(dir, `.loupe-write-check-${randomUUID()}`);
  fs.writeFileSync(probe, '', { flag: 'wx' });
  fs.rmSync(probe, { force: true });
}
