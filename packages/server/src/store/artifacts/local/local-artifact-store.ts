import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ApiError } from '@loupe/protocol';
import { ensureWritableFolder } from '../../writable-folder.js';
import { bodyChunks } from '../artifact-body.js';
import { checkArtifactPath } from '../artifact-path.js';
import type { ArtifactBody, ArtifactEntry, ArtifactReadable, ArtifactStore } from '../artifact-store.js';
import { clientPathError, errnoCode, escapesRoot, isInside, lstatOrNull, realpathOrNull } from './real-paths.js';

/** Name prefix of in-flight uploads; such files are never listed. */
export const UPLOAD_TEMP_PREFIX = '.loupe-upload-';

async function withClientErrors<R>(rel: string, work: () => Promise<R>): Promise<R> {
  try {
    return await work();
  } catch (err) {
    throw clientPathError(err, rel) ?? err;
  }
}

async function writeAll(file: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await file.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}

async function syncDir(dir: string): Promise<void> {
  // Makes the rename itself durable; some filesystems cannot fsync a directory, which is fine.
  const handle = await fs.open(dir, 'r').catch(() => null);
  await handle?.sync().catch(() => {});
  await handle?.close();
}

/**
 * {@link ArtifactStore} over a local folder. Every path is checked with `checkArtifactPath`, then
 * resolved with `realpath` (the target, or for writes its nearest existing parent) and refused unless
 * it stays inside the real root, so a symbolic link inside the root never leads a read, write or
 * delete outside it. Writes go to a temporary file in the target's folder, are fsynced, then renamed.
 *
 * @example
 * const store = new LocalArtifactStore('/var/lib/loupe/artifacts');
 * await store.write('1/abc/artifacts/notes.txt', Readable.from([Buffer.from('hi')]));
 */
export class LocalArtifactStore implements ArtifactStore {
  readonly rootDir: string;

  constructor(rootDir: string) {
    this.rootDir = path.resolve(rootDir);
  }

  /**
   * Creates the root folder when missing and checks that files can be written in it; throws the file
   * system's error otherwise. The server runs it at start-up, so a folder it cannot write stops it
   * there, with the path, instead of failing the first upload.
   */
  ensureWritable(): void {
    ensureWritableFolder(this.rootDir);
  }

  async write(relPath: string, body: ArtifactBody): Promise<{ size: number }> {
    const rel = checkArtifactPath(relPath);
    const segments = rel.split('/');
    const name = segments.pop() ?? rel;
    const { realRoot, dir } = await withClientErrors(rel, () => this.prepareFolder(segments, rel));
    const target = path.join(dir, name);
    // A name past the filesystem's limit (255 bytes) fails here first, as ENAMETOOLONG: the client's path, a 400.
    await withClientErrors(rel, () => this.refuseUnsafeTarget(realRoot, target, rel));
    const temp = path.join(dir, `${UPLOAD_TEMP_PREFIX}${randomUUID()}`);
    const file = await fs.open(temp, 'wx', 0o644);
    let size = 0;
    try {
      for await (const chunk of bodyChunks(body)) {
        await writeAll(file, chunk);
        size += chunk.byteLength;
      }
      await file.sync();
    } catch (err) {
      await file.close().catch(() => {});
      await fs.rm(temp, { force: true });
      throw err;
    }
    await file.close();
    try {
      await fs.rename(temp, target);
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw clientPathError(err, rel) ?? err;
    }
    await syncDir(dir);
    return { size };
  }

  async read(relPath: string): Promise<ArtifactReadable | null> {
    const rel = checkArtifactPath(relPath);
    const real = await this.resolveExisting(rel);
    if (real === null) return null;
    let file: FileHandle;
    try {
      // realpath resolved every link already; O_NOFOLLOW stops one swapped in since.
      file = await fs.open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (err) {
      const mapped = clientPathError(err, rel);
      if (mapped) throw mapped;
      if ((await lstatOrNull(real)) === null) return null;
      throw err;
    }
    const stats = await file.stat();
    if (!stats.isFile()) {
      await file.close();
      return null;
    }
    const stream = Readable.toWeb(file.createReadStream()) as ReadableStream<Uint8Array>;
    return { stream, size: stats.size };
  }

  async list(relDir: string): Promise<ArtifactEntry[]> {
    const rel = checkArtifactPath(relDir, 'path', { allowRoot: true });
    const realRoot = await realpathOrNull(this.rootDir);
    const dir = await this.resolveExisting(rel);
    if (realRoot === null || dir === null || !(await fs.stat(dir)).isDirectory()) return [];
    const names = (await fs.readdir(dir)).filter((n) => !n.startsWith(UPLOAD_TEMP_PREFIX));
    const entries = await Promise.all(names.map((n) => this.entry(realRoot, path.join(dir, n), n)));
    return entries.filter((e): e is ArtifactEntry => e !== null).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async delete(relPath: string): Promise<boolean> {
    const rel = checkArtifactPath(relPath);
    const segments = rel.split('/');
    const name = segments.pop() ?? rel;
    const realRoot = await realpathOrNull(this.rootDir);
    if (realRoot === null) return false;
    const parent = await withClientErrors(rel, () => realpathOrNull(path.join(realRoot, ...segments)));
    if (parent === null) return false;
    if (!isInside(realRoot, parent)) throw escapesRoot(rel);
    const target = path.join(parent, name);
    if ((await withClientErrors(rel, () => lstatOrNull(target))) === null) return false;
    // rm never follows links: a link is removed, not what it points to.
    await fs.rm(target, { recursive: true, force: true });
    return true;
  }

  async exists(relPath: string): Promise<boolean> {
    const rel = checkArtifactPath(relPath, 'path', { allowRoot: true });
    return (await this.resolveExisting(rel)) !== null;
  }

  /** Real path of an existing file or folder inside the root; null when missing; 400 when it escapes. */
  private async resolveExisting(rel: string): Promise<string | null> {
    const realRoot = await realpathOrNull(this.rootDir);
    if (realRoot === null) return null;
    const real = await withClientErrors(rel, () => realpathOrNull(path.join(realRoot, rel)));
    if (real === null) return null;
    if (!isInside(realRoot, real)) throw escapesRoot(rel);
    return real;
  }

  /** Creates the target's folders below the nearest existing one, checking containment before and after. */
  private async prepareFolder(segments: string[], rel: string): Promise<{ realRoot: string; dir: string }> {
    await fs.mkdir(this.rootDir, { recursive: true });
    const realRoot = await fs.realpath(this.rootDir);
    let existing = segments.length;
    let base: string | null = null;
    for (; existing >= 0; existing--) {
      base = await realpathOrNull(path.join(realRoot, ...segments.slice(0, existing)));
      if (base !== null) break;
    }
    if (base === null || !isInside(realRoot, base)) throw escapesRoot(rel);
    let dir = base;
    for (const segment of segments.slice(existing)) dir = await this.makeFolder(realRoot, dir, segment, rel);
    dir = await fs.realpath(dir);
    if (!isInside(realRoot, dir)) throw escapesRoot(rel);
    if (!(await fs.stat(dir)).isDirectory()) {
      throw ApiError.invalid(`Invalid value '${rel}' for parameter 'path' supplied: a parent of it is a file, not a directory.`);
    }
    return { realRoot, dir };
  }

  /**
   * Creates one folder level without ever following a link: mkdir(2) fails on anything already there
   * (a dangling link included), and whatever is there must then resolve inside the root.
   */
  private async makeFolder(realRoot: string, parent: string, segment: string, rel: string): Promise<string> {
    const next = path.join(parent, segment);
    try {
      await fs.mkdir(next);
      return next;
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') throw err;
    }
    const real = await realpathOrNull(next);
    if (real === null || !isInside(realRoot, real)) throw escapesRoot(rel);
    return real;
  }

  /** Refuses to replace a directory, or a link whose target lies outside the root. */
  private async refuseUnsafeTarget(realRoot: string, target: string, rel: string): Promise<void> {
    const stats = await lstatOrNull(target);
    if (stats?.isSymbolicLink()) {
      const real = await withClientErrors(rel, () => realpathOrNull(target));
      if (real === null || !isInside(realRoot, real)) throw escapesRoot(rel);
    }
    if (stats?.isDirectory()) throw ApiError.invalid(`Invalid value '${rel}' for parameter 'path' supplied: it is a directory, not a file.`);
  }

  private async entry(realRoot: string, full: string, name: string): Promise<ArtifactEntry | null> {
    let stats = await lstatOrNull(full);
    if (stats?.isSymbolicLink()) {
      const real = await realpathOrNull(full).catch(() => null);
      // A link leading outside the root is not ours to describe.
      stats = real !== null && isInside(realRoot, real) ? await lstatOrNull(real) : null;
    }
    if (stats?.isDirectory()) return { path: name, isDir: true };
    if (stats?.isFile()) return { path: name, isDir: false, fileSize: stats.size };
    return null;
  }
}
