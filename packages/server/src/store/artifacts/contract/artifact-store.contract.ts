import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArtifactStore } from '../artifact-store.js';

/** A fresh, empty store for one test, and how to throw it away. */
export interface ArtifactStoreFixture {
  store: ArtifactStore;
  dispose(): Promise<void>;
}

/** Makes a fresh store for each test. */
export type ArtifactStoreFactory = () => Promise<ArtifactStoreFixture>;

/**
 * Reads a store file back whole (tests only).
 *
 * @example
 * expect(await readAll(store, 'a.txt')).toEqual(Buffer.from('hi'));
 */
export async function readAll(store: ArtifactStore, path: string): Promise<Buffer | null> {
  const file = await store.read(path);
  if (!file) return null;
  const parts: Uint8Array[] = [];
  for await (const chunk of file.stream as unknown as AsyncIterable<Uint8Array>) parts.push(chunk);
  return Buffer.concat(parts);
}

const text = (s: string) => Readable.from([Buffer.from(s)]);

async function* failingAfter(chunks: number, error = new Error('client went away')): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < chunks; i++) yield Buffer.alloc(64 * 1024, i);
  throw error;
}

/**
 * The behaviour every ArtifactStore must have, run by each implementation's test file.
 *
 * @example
 * artifactStoreContract(async () => { const dir = mkdtempSync(...); return { store: new LocalArtifactStore(dir), dispose } });
 */
export function artifactStoreContract(factory: ArtifactStoreFactory): void {
  describe('ArtifactStore contract', () => {
    let f: ArtifactStoreFixture;
    let store: ArtifactStore;
    beforeEach(async () => {
      f = await factory();
      store = f.store;
    });
    afterEach(async () => {
      await f.dispose();
    });

    it('writes a file from a Node stream, a web stream or a generator, and reads it back with its size', async () => {
      expect(await store.write('a/b/c.txt', text('hello'))).toEqual({ size: 5 });
      await store.write('web.bin', new Blob([Buffer.from([1, 2, 3])]).stream() as ReadableStream<Uint8Array>);
      await store.write(
        'gen.txt',
        (async function* () {
          yield Buffer.from('x');
          yield Buffer.from('yz');
        })(),
      );
      expect((await store.read('a/b/c.txt'))?.size).toBe(5);
      expect(await readAll(store, 'a/b/c.txt')).toEqual(Buffer.from('hello'));
      expect(await readAll(store, 'web.bin')).toEqual(Buffer.from([1, 2, 3]));
      expect(await readAll(store, 'gen.txt')).toEqual(Buffer.from('xyz'));
    });

    it('writes empty files and overwrites existing ones', async () => {
      await store.write('empty', Readable.from([]));
      expect(await readAll(store, 'empty')).toEqual(Buffer.alloc(0));
      await store.write('f.txt', text('one'));
      await store.write('f.txt', text('two!'));
      expect(await readAll(store, 'f.txt')).toEqual(Buffer.from('two!'));
    });

    it('reads null for a missing file and for a directory', async () => {
      await store.write('dir/x.txt', text('x'));
      expect(await store.read('missing.txt')).toBeNull();
      expect(await store.read('dir')).toBeNull();
      expect(await store.read('dir/x.txt/deeper')).toBeNull();
    });

    it('lists direct children sorted by name, with sizes for files only', async () => {
      await store.write('run/b.txt', text('bb'));
      await store.write('run/a.txt', text('a'));
      await store.write('run/sub/deep.txt', text('deep'));
      expect(await store.list('run')).toEqual([
        { path: 'a.txt', isDir: false, fileSize: 1 },
        { path: 'b.txt', isDir: false, fileSize: 2 },
        { path: 'sub', isDir: true },
      ]);
      expect(await store.list('')).toEqual([{ path: 'run', isDir: true }]);
    });

    it('lists nothing for a missing directory or a file', async () => {
      expect(await store.list('nope')).toEqual([]);
      expect(await store.list('')).toEqual([]);
      await store.write('file.txt', text('x'));
      expect(await store.list('file.txt')).toEqual([]);
    });

    it('deletes files and whole trees, and reports whether anything was there', async () => {
      await store.write('t/one.txt', text('1'));
      await store.write('t/sub/two.txt', text('2'));
      await store.write('keep.txt', text('k'));
      expect(await store.delete('t/one.txt')).toBe(true);
      expect(await store.exists('t/one.txt')).toBe(false);
      expect(await store.delete('t')).toBe(true);
      expect(await store.exists('t')).toBe(false);
      expect(await store.delete('t')).toBe(false);
      expect(await store.exists('keep.txt')).toBe(true);
    });

    it('knows what exists', async () => {
      await store.write('d/f.txt', text('f'));
      expect(await store.exists('d')).toBe(true);
      expect(await store.exists('d/f.txt')).toBe(true);
      expect(await store.exists('d/g.txt')).toBe(false);
    });

    it('leaves nothing behind when the body fails midway, and keeps an older file intact', async () => {
      await expect(store.write('up/big.bin', failingAfter(3))).rejects.toThrow('client went away');
      expect(await store.exists('up/big.bin')).toBe(false);
      expect(await store.list('up')).toEqual([]);
      await store.write('up/old.txt', text('old'));
      await expect(store.write('up/old.txt', failingAfter(2))).rejects.toThrow('client went away');
      expect(await readAll(store, 'up/old.txt')).toEqual(Buffer.from('old'));
      expect(await store.list('up')).toEqual([{ path: 'old.txt', isDir: false, fileSize: 3 }]);
    });

    it('refuses unsafe paths with 400 whatever the caller checked before', async () => {
      for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'a\\..\\x', '%2e%2e/x', 'x\u0000']) {
        await expect(store.write(bad, text('x')), bad).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
        await expect(store.read(bad), bad).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
        await expect(store.delete(bad), bad).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
      }
    });

    it('refuses to write where a parent is a file, or over a directory', async () => {
      await store.write('file.txt', text('x'));
      await store.write('dir/inner.txt', text('y'));
      await expect(store.write('file.txt/child', text('z'))).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
      await expect(store.write('dir', text('z'))).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
      expect(await readAll(store, 'file.txt')).toEqual(Buffer.from('x'));
    });
  });
}
