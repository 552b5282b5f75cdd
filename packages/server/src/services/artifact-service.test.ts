import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../testing/test-loupe.js';
import { LocalArtifactStore } from '../store/artifacts/local/local-artifact-store.js';
import type { PresignedTransfers } from '../store/artifacts/presigned-transfers.js';
import { ArtifactService, MULTIPART_UNSUPPORTED, PRESIGNED_DOWNLOAD_UNSUPPORTED, type ArtifactDownload } from './artifact-service.js';

const text = (s: string) => Readable.from([Buffer.from(s)]);

async function contents(file: ArtifactDownload): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const chunk of file.stream as unknown as AsyncIterable<Uint8Array>) parts.push(chunk);
  return Buffer.concat(parts).toString('utf8');
}

describe('ArtifactService', () => {
  let loupe: TestLoupe;
  let artifacts: ArtifactService;
  let defaultRoot: string;

  beforeEach(async () => {
    defaultRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-default-root-'));
    loupe = await createTestLoupe({ defaultArtifactRoot: defaultRoot });
    artifacts = loupe.services.artifacts;
  });
  afterEach(async () => {
    await loupe.dispose();
    fs.rmSync(defaultRoot, { recursive: true, force: true });
  });

  it('lists and opens under mlflow-artifacts, proxy-URL, file and plain-path roots alike', async () => {
    await artifacts.putProxied('1/models/m-1/artifacts/MLmodel', text('flavors: {}'));
    await artifacts.putProxied('1/models/m-1/artifacts/data/model.pkl', text('pickle'));
    const roots = [
      'mlflow-artifacts:/1/models/m-1/artifacts',
      'mlflow-artifacts://tracking:5000/1/models/m-1/artifacts',
      'http://tracking:5000/api/2.0/mlflow-artifacts/artifacts/1/models/m-1/artifacts',
      `file://${loupe.artifactsDir}/1/models/m-1/artifacts`,
      `${loupe.artifactsDir}/1/models/m-1/artifacts`,
    ];
    for (const root of roots) {
      expect(await artifacts.listUnderUri(root), root).toEqual([
        { path: 'MLmodel', isDir: false, fileSize: 11 },
        { path: 'data', isDir: true },
      ]);
      expect(await artifacts.listUnderUri(root, 'data')).toEqual([{ path: 'data/model.pkl', isDir: false, fileSize: 6 }]);
      const file = await artifacts.openUnderUri(root, 'data/model.pkl');
      expect({ size: file.size, fileName: file.fileName }).toEqual({ size: 6, fileName: 'model.pkl' });
      expect(await contents(file)).toBe('pickle');
    }
  });

  it('serves runs created under a local default artifact root that is not the destination', async () => {
    const exp = await loupe.services.experiments.create({ name: 'under-default', tags: [] });
    const { info } = await loupe.services.runs.create({ experimentId: exp, tags: [] });
    expect(info.artifactUri).toBe(`${defaultRoot}/${exp}/${info.runId}/artifacts`);
    await artifacts.uploadRunArtifact(info.runId, 'eval/results.json', text('{"acc":1}'));
    expect(fs.readFileSync(path.join(info.artifactUri, 'eval', 'results.json'), 'utf8')).toBe('{"acc":1}');
    expect(await artifacts.listRunArtifacts(info.runId)).toEqual({
      rootUri: info.artifactUri,
      files: [{ path: 'eval', isDir: true }],
    });
    expect(await contents(await artifacts.openRunArtifact(info.runId, 'eval/results.json'))).toBe('{"acc":1}');
  });

  it('refuses roots it cannot serve without touching storage', async () => {
    for (const root of ['s3://bucket/x', 'gs://b/x', '/etc', 'file:///etc', 'mlflow-artifacts:/../../etc', 'runs:/abc/model']) {
      await expect(artifacts.listUnderUri(root), root).rejects.toMatchObject({
        code: 'INVALID_PARAMETER_VALUE',
        message: expect.stringContaining(`'${root}'`),
      });
      await expect(artifacts.openUnderUri(root, 'passwd'), root).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    }
  });

  it('tells a missing file (404) from a directory (400)', async () => {
    await artifacts.putProxied('d/f.txt', text('f'));
    await expect(artifacts.openUnderUri('mlflow-artifacts:/', 'd/nope.txt')).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    await expect(artifacts.openUnderUri('mlflow-artifacts:/', 'd')).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining('directory'),
    });
    await expect(artifacts.openUnderUri('mlflow-artifacts:/', undefined)).rejects.toMatchObject({ message: expect.stringContaining("'path'") });
  });

  it('turns a body that fails to read into a 400, leaving nothing', async () => {
    async function* failing() {
      yield Buffer.from('partial');
      throw new Error('socket hang up');
    }
    await expect(artifacts.putProxied('x/y.bin', failing())).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('socket hang up') });
    expect(await artifacts.listProxied('x')).toEqual([]);
  });

  it('validates multipart and presigned requests, then answers NOT_IMPLEMENTED on a folder', async () => {
    await expect(artifacts.createMultipartUpload('../x', { path: 'f.bin', numParts: 1 })).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    await expect(artifacts.createMultipartUpload('ok', { path: '/home/ann/..', numParts: 1 })).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    await expect(artifacts.createMultipartUpload('ok', { path: '/home/ann/file.bin', numParts: 1 })).rejects.toMatchObject({
      code: 'NOT_IMPLEMENTED',
      message: MULTIPART_UNSUPPORTED,
    });
    await expect(artifacts.completeMultipartUpload('ok', { path: 'f.bin', uploadId: 'u', parts: [] })).rejects.toMatchObject({ code: 'NOT_IMPLEMENTED' });
    await expect(artifacts.abortMultipartUpload('ok', { path: 'f.bin', uploadId: 'u' })).rejects.toMatchObject({ code: 'NOT_IMPLEMENTED' });
    await expect(artifacts.presignProxiedDownload('%2e%2e/x', () => ({}))).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    await expect(artifacts.presignProxiedDownload('ok/file.bin', () => ({}))).rejects.toMatchObject({
      code: 'NOT_IMPLEMENTED',
      message: PRESIGNED_DOWNLOAD_UNSUPPORTED,
    });
  });

  it('names a multipart file after the base name of the client path, POSIX or Windows, in the URL folder', async () => {
    const calls: string[] = [];
    const transfers: PresignedTransfers = {
      createMultipartUpload: async (p, n) => (calls.push(`create ${p} ${n}`), { uploadId: 'u1', parts: [] }),
      completeMultipartUpload: async (p, id, parts) => void calls.push(`complete ${p} ${id} ${parts.length}`),
      abortMultipartUpload: async (p, id) => void calls.push(`abort ${p} ${id}`),
      presignDownload: async (p, ttl, headers) => (calls.push(`presign ${p} ${ttl} ${headers?.contentDisposition}`), null),
    };
    const runs = { getInfo: () => Promise.reject(new Error('no runs here')) };
    const store = new LocalArtifactStore(loupe.artifactsDir);
    const direct = new ArtifactService({ runs, proxied: store, localRoots: [], proxiedTransfers: transfers, presignedDownloadTtlSeconds: 60 });
    await direct.createMultipartUpload('1/r/artifacts/model', { path: '/tmp/job/weights.bin', numParts: 3 });
    await direct.completeMultipartUpload('1/r/artifacts', { path: 'C:\\Users\\ann\\w.bin', uploadId: 'u1', parts: [{ partNumber: 1, etag: 'e' }] });
    await direct.abortMultipartUpload('1/r/artifacts', { path: 'w.bin', uploadId: 'u1' });
    await expect(direct.presignProxiedDownload('1/r/artifacts/none.bin', (name) => ({ contentDisposition: name }))).rejects.toMatchObject({
      code: 'RESOURCE_DOES_NOT_EXIST',
    });
    expect(calls).toEqual([
      'create 1/r/artifacts/model/weights.bin 3',
      'complete 1/r/artifacts/w.bin u1 1',
      'abort 1/r/artifacts/w.bin u1',
      'presign 1/r/artifacts/none.bin 60 none.bin',
    ]);
  });
});
