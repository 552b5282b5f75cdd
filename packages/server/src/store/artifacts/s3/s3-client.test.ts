import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client, type S3ConnectionSettings } from './s3-client.js';

/** A self-signed certificate for 127.0.0.1 from the openssl CLI, or why there is none. */
function selfSignedCertificate(dir: string): { key: Buffer; cert: Buffer } | string {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'].concat([
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ]),
      {
        stdio: 'ignore',
      },
    );
  } catch (err) {
    return `openssl could not make a certificate (${(err as Error).message})`;
  }
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-s3-tls-'));
const certificate = selfSignedCertificate(dir);

describe.skipIf(typeof certificate === 'string')(`createS3Client over TLS${typeof certificate === 'string' ? ` (skipped: ${certificate})` : ''}`, () => {
  let server: { run(): Promise<{ port: number }>; close(): Promise<void> };
  let endpointUrl: string;
  beforeAll(async () => {
    const { key, cert } = certificate as { key: Buffer; cert: Buffer };
    // s3rver ships no types: the few members used here.
    const { default: S3rver } = (await import('s3rver' as string)) as { default: new (options: object) => typeof server };
    server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: path.join(dir, 'data'),
      key,
      cert,
      configureBuckets: [{ name: 'tls-bucket' }],
    });
    endpointUrl = `https://127.0.0.1:${(await server.run()).port}`;
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const settings = (ignoreTls: boolean): S3ConnectionSettings => ({
    endpointUrl,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    region: 'us-east-1',
    ignoreTls,
    addressingStyle: 'auto',
  });

  it('refuses a certificate it cannot verify, and accepts it with MLFLOW_S3_IGNORE_TLS', async () => {
    const strict = createS3Client(settings(false));
    const lax = createS3Client(settings(true));
    try {
      await expect(strict.send(new HeadBucketCommand({ Bucket: 'tls-bucket' }))).rejects.toThrow(/self.signed|certificate/i);
      expect((await lax.send(new HeadBucketCommand({ Bucket: 'tls-bucket' }))).$metadata.httpStatusCode).toBe(200);
    } finally {
      strict.destroy();
      lax.destroy();
    }
  });

  it('addresses buckets by path with an endpoint URL, by host name on AWS, as configured', async () => {
    expect(await createS3Client(settings(false)).config.forcePathStyle).toBe(true);
    expect(await createS3Client({ ...settings(false), addressingStyle: 'virtual' }).config.forcePathStyle).toBe(false);
    const { endpointUrl: _none, ...aws } = settings(false);
    expect(await createS3Client(aws).config.forcePathStyle).toBe(false);
    expect(await createS3Client({ ...aws, addressingStyle: 'path' }).config.forcePathStyle).toBe(true);
  });
});
