import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { artifactStoreContract, readAll } from '../contract/artifact-store.contract.js';
import { LocalArtifactStore, UPLOAD_TEMP_PREFIX } from './local-artifact-store.js';

artifactStoreContract(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-local-store-'));
  return {
    store: new LocalArtifactStore(path.join(dir, 'root')),
    dispose: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
});

describe('LocalArtifactStore on the real filesystem', () => {
  let base: string;
  let root: string;
  let outside: string;
  let store: LocalArtifactStore;
  const sentinel = () => path.join(outside, 'sentinel.txt');

  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-local-store-'));
    root = path.join(base, 'root');
    outside = path.join(base, 'outside');
    fs.mkdirSync(root);
    fs.mkdirSync(outside);
    fs.writeFileSync(sentinel(), 'secret');
    store = new LocalArtifactStore(root);
  });
  afterEach(() => {
    fs.rmSync(base, { recursive: true, force: true });
  });

  const assertOutsideUntouched = () => {
    expect(fs.readFileSync(sentinel(), 'utf8')).toBe('secret');
    expect(fs.readdirSync(outside)).toEqual(['sentinel.txt']);
  };

  it('consumes the body as it arrives: each chunk is on disk before the next one is asked for', async () => {
    const chunk = Buffer.alloc(256 * 1024, 7);
    const seenOnDisk: number[] = [];
    async function* body() {
      for (let i = 0; i < 8; i++) {
        if (i > 0) {
          const temp = fs.readdirSync(path.join(root, 'big')).find((n) => n.startsWith(UPLOAD_TEMP_PREFIX));
          seenOnDisk.push(temp ? fs.statSync(path.join(root, 'big', temp)).size : -1);
          expect(fs.existsSync(path.join(root, 'big', 'file.bin'))).toBe(false);
        }
        yield chunk;
      }
    }
    expect(await store.write('big/file.bin', body())).toEqual({ size: 8 * chunk.length });
    expect(seenOnDisk).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => n * chunk.length));
    expect(fs.readdirSync(path.join(root, 'big'))).toEqual(['file.bin']);
  });

  it('answers 400 for a name longer than the filesystem allows, on every operation, leaving nothing behind', async () => {
    const long = 'a'.repeat(300);
    const invalid = expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('too long') });
    await expect(store.write(`d/${long}`, Readable.from([Buffer.from('x')]))).rejects.toEqual(invalid);
    await expect(store.write(`${long}/f.txt`, Readable.from([Buffer.from('x')]))).rejects.toEqual(invalid);
    await expect(store.delete(`d/${long}`)).rejects.toEqual(invalid);
    await expect(store.read(`d/${long}`)).rejects.toEqual(invalid);
    expect(fs.readdirSync(path.join(root, 'd'))).toEqual([]);
  });

  it('creates its root on first write and lists nothing before', async () => {
    const lazy = new LocalArtifactStore(path.join(base, 'not-yet'));
    expect(await lazy.list('')).toEqual([]);
    expect(await lazy.read('x')).toBeNull();
    await lazy.write('x', Readable.from([Buffer.from('1')]));
    expect(fs.readFileSync(path.join(base, 'not-yet', 'x'), 'utf8')).toBe('1');
  });

  it('never reads through a symlink that leads outside the root', async () => {
    fs.symlinkSync(sentinel(), path.join(root, 'leak.txt'));
    fs.symlinkSync(outside, path.join(root, 'leakdir'));
    await expect(store.read('leak.txt')).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    await expect(store.read('leakdir/sentinel.txt')).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    await expect(store.list('leakdir')).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    await expect(store.exists('leakdir/sentinel.txt')).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    expect(await store.list('')).toEqual([]);
  });

  it('never writes through a symlink that leads outside the root', async () => {
    fs.symlinkSync(sentinel(), path.join(root, 'leak.txt'));
    fs.symlinkSync(outside, path.join(root, 'leakdir'));
    fs.symlinkSync(path.join(outside, 'new-dir'), path.join(root, 'dangling'));
    const body = () => Readable.from([Buffer.from('pwned')]);
    await expect(store.write('leak.txt', body())).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    await expect(store.write('leakdir/sentinel.txt', body())).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    await expect(store.write('leakdir/new/file.txt', body())).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    await expect(store.write('dangling/file.txt', body())).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    assertOutsideUntouched();
  });

  it('deletes a link to the outside without touching its target, and never deletes through one', async () => {
    fs.symlinkSync(outside, path.join(root, 'leakdir'));
    await expect(store.delete('leakdir/sentinel.txt')).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    expect(await store.delete('leakdir')).toBe(true);
    expect(fs.existsSync(path.join(root, 'leakdir'))).toBe(false);
    assertOutsideUntouched();
  });

  it('follows links that stay inside the root', async () => {
    await store.write('real/data.txt', Readable.from([Buffer.from('inside')]));
    fs.symlinkSync(path.join(root, 'real'), path.join(root, 'alias'));
    expect(await readAll(store, 'alias/data.txt')).toEqual(Buffer.from('inside'));
    expect(await store.list('')).toEqual([
      { path: 'alias', isDir: true },
      { path: 'real', isDir: true },
    ]);
  });

  it('works when the root itself is reached through a symlink', async () => {
    fs.symlinkSync(root, path.join(base, 'root-link'));
    const linked = new LocalArtifactStore(path.join(base, 'root-link'));
    await linked.write('a/b.txt', Readable.from([Buffer.from('ok')]));
    expect(await readAll(linked, 'a/b.txt')).toEqual(Buffer.from('ok'));
    expect(fs.readFileSync(path.join(root, 'a', 'b.txt'), 'utf8')).toBe('ok');
  });
});
