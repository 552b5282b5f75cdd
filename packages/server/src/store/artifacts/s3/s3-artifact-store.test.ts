import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import { describeOnS3, testS3Targets } from '../../../testing/s3.js';
import { artifactStoreContract, readAll } from '../contract/artifact-store.contract.js';
import { S3ArtifactStore } from './s3-artifact-store.js';

const text = (s: string) => Readable.from([Buffer.from(s)]);
const sha256 = (b: Buffer | null) => (b ? createHash('sha256').update(b).digest('hex') : null);
const MiB = 1024 * 1024;

for (const target of await testS3Targets()) {
  describeOnS3(target, 'S3ArtifactStore', () => {
    let client: S3Client;
    beforeAll(() => {
      client = target.client();
    });

    artifactStoreContract(async () => ({
      store: new S3ArtifactStore({ client, bucket: target.bucket, prefix: `${target.freshPrefix()}/root` }),
      dispose: async () => {},
    }));

    let prefix: string;
    let store: S3ArtifactStore;
    beforeEach(() => {
      prefix = target.freshPrefix();
      store = new S3ArtifactStore({ client, bucket: target.bucket, prefix: `${prefix}/root`, partSizeBytes: 5 * MiB, queueSize: 2, listPageSize: 2 });
    });

    const keysUnder = async (p: string) =>
      ((await client.send(new ListObjectsV2Command({ Bucket: target.bucket, Prefix: `${p}/` }))).Contents ?? []).map((o) => o.Key).sort();
    const putRaw = (key: string, body: string) => client.send(new PutObjectCommand({ Bucket: target.bucket, Key: key, Body: body }));

    it('stores files under its prefix only, as keys named after the path', async () => {
      await store.write('1/run/artifacts/a.txt', text('a'));
      await store.write('b.txt', text('b'));
      expect(await keysUnder(prefix)).toEqual([`${prefix}/root/1/run/artifacts/a.txt`, `${prefix}/root/b.txt`]);
    });

    it('lists every page of a large folder (ListObjectsV2 continuation), folders as prefixes', async () => {
      for (const name of ['a', 'b', 'c', 'd', 'e']) await store.write(`many/${name}.txt`, text(name.repeat(2)));
      await store.write('many/sub1/x', text('x'));
      await store.write('many/sub2/y', text('y'));
      expect(await store.list('many')).toEqual([
        ...['a', 'b', 'c', 'd', 'e'].map((n) => ({ path: `${n}.txt`, isDir: false, fileSize: 2 })),
        { path: 'sub1', isDir: true },
        { path: 'sub2', isDir: true },
      ]);
    });

    it('deletes a whole tree of more keys than a listing page, and nothing beside it', async () => {
      for (let i = 0; i < 7; i++) await store.write(`tree/${i % 2 ? 'odd' : 'even'}/${i}.txt`, text(String(i)));
      await store.write('tree-sibling.txt', text('keep'));
      await store.write('treehouse/keep.txt', text('keep'));
      expect(await store.delete('tree')).toBe(true);
      expect(await keysUnder(prefix)).toEqual([`${prefix}/root/tree-sibling.txt`, `${prefix}/root/treehouse/keep.txt`]);
      expect(await store.delete('tree')).toBe(false);
    });

    it('never lists, reads or deletes keys outside its prefix, even ones sharing its first letters', async () => {
      await putRaw(`${prefix}/root-other/secret.txt`, 'secret');
      await putRaw(`${prefix}/secret.txt`, 'secret');
      await store.write('mine.txt', text('mine'));
      expect(await store.list('')).toEqual([{ path: 'mine.txt', isDir: false, fileSize: 4 }]);
      await expect(store.read('../root-other/secret.txt')).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
      await expect(store.delete('../secret.txt')).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
      expect(await keysUnder(prefix)).toContain(`${prefix}/secret.txt`);
    });

    it('skips listed names a client could not use as a path (written by other tools)', async () => {
      await putRaw(`${prefix}/root/odd/ok.txt`, 'ok');
      // A folder marker (the S3 console's "create folder") and a name with a backslash.
      await putRaw(`${prefix}/root/odd/`, '');
      await putRaw(`${prefix}/root/odd/back\\slash.txt`, 'x');
      expect(await store.list('odd')).toEqual([{ path: 'ok.txt', isDir: false, fileSize: 2 }]);
    });

    it('streams an upload in parts, never holding more than the parts in flight plus one', async () => {
      const counted = target.client();
      let acknowledged = 0;
      counted.middlewareStack.add(
        (next, context) => async (args) => {
          const result = await next(args);
          if (context.commandName === 'UploadPartCommand') acknowledged += (args.input as { Body: Uint8Array }).Body.byteLength;
          return result;
        },
        { step: 'initialize' },
      );
      const oneAtATime = new S3ArtifactStore({ client: counted, bucket: target.bucket, prefix: `${prefix}/root`, partSizeBytes: 5 * MiB, queueSize: 1 });
      const chunk = 2.5 * MiB;
      let produced = 0;
      let mostHeld = 0;
      async function* body() {
        for (let i = 0; i < 8; i++) {
          mostHeld = Math.max(mostHeld, produced - acknowledged);
          produced += chunk;
          yield Buffer.alloc(chunk, i);
        }
        yield Buffer.from('tail');
      }
      expect(await oneAtATime.write('big/model.bin', body())).toEqual({ size: 20 * MiB + 4 });
      expect(acknowledged).toBe(20 * MiB + 4);
      // One part being sent and one being filled (plus the chunk that overflows it), never the whole body.
      expect(mostHeld).toBeLessThanOrEqual(2 * 5 * MiB + chunk);
      const back = await readAll(store, 'big/model.bin');
      expect(back?.length).toBe(20 * MiB + 4);
      expect(back?.subarray(0, 4)).toEqual(Buffer.alloc(4, 0));
      expect(back?.subarray(20 * MiB)).toEqual(Buffer.from('tail'));
    });

    it('leaves no object when a body of several parts fails after its first part went up', async () => {
      async function* body() {
        yield Buffer.alloc(6 * MiB, 1);
        throw new Error('client went away');
      }
      await expect(store.write('big/broken.bin', body())).rejects.toThrow('client went away');
      expect(await store.exists('big/broken.bin')).toBe(false);
    });

    it('refuses paths whose key would pass S3 key length', async () => {
      await expect(store.write(`d/${'a'.repeat(1100)}`, text('x'))).rejects.toMatchObject({
        code: 'INVALID_PARAMETER_VALUE',
        message: expect.stringContaining('too long'),
      });
    });

    it('signs multipart part uploads a client can PUT to, and assembles them on completion', async () => {
      const { uploadId, parts } = await store.createMultipartUpload('mpu/model.bin', 2);
      expect(parts.map((p) => [p.partNumber, p.headers])).toEqual([
        [1, {}],
        [2, {}],
      ]);
      const bodies = [Buffer.alloc(5 * MiB, 7), Buffer.from('last part')];
      const uploaded = [];
      for (const [i, p] of parts.entries()) {
        const res = await fetch(p.url, { method: 'PUT', body: bodies[i] });
        expect(res.status).toBe(200);
        uploaded.push({ partNumber: p.partNumber, etag: res.headers.get('etag') ?? '' });
      }
      await store.completeMultipartUpload('mpu/model.bin', uploadId, uploaded.reverse());
      // Compared as digests: a deep equality of megabytes is slow, and its diff unreadable.
      expect(sha256(await readAll(store, 'mpu/model.bin'))).toBe(sha256(Buffer.concat(bodies)));
    });

    it('aborts a multipart upload; completing it afterwards is a 404; an empty upload stores an empty file', async () => {
      const { uploadId } = await store.createMultipartUpload('mpu/dropped.bin', 1);
      await store.abortMultipartUpload('mpu/dropped.bin', uploadId);
      await expect(store.completeMultipartUpload('mpu/dropped.bin', uploadId, [{ partNumber: 1, etag: '"x"' }])).rejects.toMatchObject({
        code: 'RESOURCE_DOES_NOT_EXIST',
      });
      expect(await store.exists('mpu/dropped.bin')).toBe(false);
      const empty = await store.createMultipartUpload('mpu/empty.bin', 0);
      expect(empty.parts).toEqual([]);
      await store.completeMultipartUpload('mpu/empty.bin', empty.uploadId, []);
      expect(await readAll(store, 'mpu/empty.bin')).toEqual(Buffer.alloc(0));
    });

    it('refuses a multipart upload over a folder or under a file, as a write', async () => {
      await store.write('shape/file.txt', text('x'));
      await expect(store.createMultipartUpload('shape', 1)).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
      await expect(store.createMultipartUpload('shape/file.txt/child', 1)).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    });

    it('signs a download URL with the size, answering with the asked headers and byte ranges; null for no file', async () => {
      await store.write('dl/report.csv', text('a,b\n1,2\n'));
      const signed = await store.presignDownload('dl/report.csv', 60, { contentDisposition: 'attachment; filename="report.csv"' });
      expect(signed).toMatchObject({ size: 8, headers: {} });
      const res = await fetch(signed?.url ?? '', { headers: { range: 'bytes=4-7' } });
      expect(res.status).toBe(206);
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="report.csv"');
      expect(await res.text()).toBe('1,2\n');
      expect(await store.presignDownload('dl/missing.csv', 60)).toBeNull();
      expect(await store.presignDownload('dl', 60)).toBeNull();
    });

    it('reaches the bucket, and says so when it is missing', async () => {
      await expect(store.checkReachable()).resolves.toBeUndefined();
      const missing = new S3ArtifactStore({ client, bucket: 'no-such-bucket-loupe', prefix: '' });
      await expect(missing.checkReachable()).rejects.toThrow();
      // A missing object is null, a missing bucket an error (the server is misconfigured).
      await expect(missing.read('x')).rejects.toThrow();
      await expect(client.send(new GetObjectCommand({ Bucket: target.bucket, Key: `${prefix}/none` }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    });
  });
}
