import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, describe } from 'vitest';
import type { S3ConnectionSettings } from '../store/artifacts/s3/s3-client.js';

/** An S3 server the artifact tests run against: s3rver in-process always, a Ceph radosgw when one is given. */
export interface S3Target {
  name: 's3rver' | 'ceph';
  /** Null when the target is usable; otherwise why not. */
  unavailable: string | null;
  /** `http://host:port` of the S3 API. */
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** A bucket that exists (created at start-up); tests keep apart by key prefix ({@link S3Target.freshPrefix}). */
  bucket: string;
  /** A key prefix no other test uses (`t-<random>`), emptied when the target closes. */
  freshPrefix(): string;
  /** A client for this target (path-style, the server's checksum settings). */
  client(): S3Client;
  /** Every key under `<prefix>/`, sorted (all pages). */
  keysUnder(prefix: string): Promise<string[]>;
  /** Stops what the target started and removes what the tests stored. */
  close(): Promise<void>;
}

/** The shape of s3rver's default export that these helpers use (it ships no types). */
interface S3rverServer {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
  middleware: ((ctx: S3rverContext, next: () => Promise<void>) => Promise<void>)[];
  store: S3rverStore;
}

/** The part of s3rver's filesystem store {@link durablePuts} replaces. */
interface S3rverStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: object, md5: string): Promise<void>;
  putObject(object: { bucket: string; key: string; content: Buffer | NodeJS.ReadableStream; metadata: object }): Promise<{ size: number; md5: string }>;
}

/**
 * s3rver (3.7) answers a PUT or a completed multipart upload once the body has passed its checksum,
 * before the file is written out; a GET right after (or a multipart object's, assembled more slowly)
 * then reads a short file under a longer Content-Length and never ends. This `putObject` answers once
 * the file is complete.
 */
function durablePuts(store: S3rverStore): void {
  store.putObject = async (object) => {
    const file = store.getResourcePath(object.bucket, object.key, 'object');
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const md5 = createHash('md5');
    let size = 0;
    const content = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        md5.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    await pipeline(content, measure, fs.createWriteStream(file));
    const digest = md5.digest('hex');
    await store.putMetadata(object.bucket, object.key, object.metadata, digest);
    return { size, md5: digest };
  };
}

interface S3rverContext {
  method: string;
  path: string;
  query: Record<string, string | undefined>;
  status: number;
  body: unknown;
  type: string;
}

const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

interface ListBucketResult {
  Contents?: { Key: string }[];
  IsTruncated?: boolean;
  KeyCount?: number;
  ContinuationToken?: string;
  NextContinuationToken?: string;
  Marker?: string;
  NextMarker?: string;
}

/**
 * s3rver (3.7) makes ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node 17+) no longer
 * has, so every truncated V2 listing fails with a 500. This serves V2 listings through s3rver's V1
 * listing (a marker instead of a token) and gives the answer V2's fields back.
 */
async function listV2ThroughV1(ctx: S3rverContext, next: () => Promise<void>): Promise<void> {
  const { 'list-type': _listType, 'continuation-token': token, 'start-after': startAfter, 'fetch-owner': _owner, ...rest } = ctx.query;
  const marker = token ? Buffer.from(token, 'base64url').toString('utf8') : startAfter;
  ctx.query = { ...rest, ...(marker ? { marker } : {}) };
  await next();
  const result = (ctx.body as { ListBucketResult?: ListBucketResult } | null)?.ListBucketResult;
  if (!result) return;
  const last = result.Contents?.at(-1)?.Key;
  delete result.Marker;
  delete result.NextMarker;
  result.KeyCount = result.Contents?.length ?? 0;
  if (token) result.ContinuationToken = token;
  if (result.IsTruncated && last) result.NextContinuationToken = Buffer.from(last, 'utf8').toString('base64url');
}

/**
 * What s3rver (3.7) lacks, answered as S3 does, before its router: V2 listings past the first page
 * ({@link listV2ThroughV1}); AbortMultipartUpload (204, the upload removed); an unknown upload id,
 * which s3rver fails with a 500, is `NoSuchUpload` (404).
 */
function s3rverFixes(server: S3rverServer) {
  return async (ctx: S3rverContext, next: () => Promise<void>) => {
    if (ctx.method === 'GET' && ctx.query['list-type'] === '2') return listV2ThroughV1(ctx, next);
    const uploadId = ctx.query.uploadId;
    const bucket = ctx.path.split('/')[1];
    if (uploadId === undefined || !bucket || !/^[0-9a-f]+$/.test(uploadId)) return next();
    const dir = path.join(server.store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
    if (!fs.existsSync(dir)) {
      ctx.status = 404;
      ctx.type = 'application/xml';
      ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message><UploadId>${uploadId}</UploadId></Error>`;
      return;
    }
    if (ctx.method === 'DELETE') {
      fs.rmSync(dir, { recursive: true, force: true });
      ctx.status = 204;
      ctx.body = '';
      return;
    }
    return next();
  };
}

function prefixes(): { fresh(): string; made: string[] } {
  const made: string[] = [];
  return {
    made,
    fresh() {
      const prefix = `t-${randomBytes(6).toString('hex')}`;
      made.push(prefix);
      return prefix;
    },
  };
}

/**
 * The AWS SDK and the server's S3 client factory, loaded when an S3 target is made: the SDK takes half
 * a second to load, which the other users of `@loupe/server/testing` need not pay.
 */
async function s3Sdk() {
  const [sdk, { createS3Client }] = await Promise.all([import('@aws-sdk/client-s3'), import('../store/artifacts/s3/s3-client.js')]);
  return { ...sdk, createS3Client: (settings: S3ConnectionSettings) => createS3Client(settings) };
}

type Sdk = Awaited<ReturnType<typeof s3Sdk>>;

/** s3rver on a random loopback port, storing in a temporary folder, with one bucket. */
async function startS3rver(sdk: Sdk): Promise<S3Target> {
  const { createS3Client, ListObjectsV2Command } = sdk;
  const { default: S3rver } = (await import('s3rver' as string)) as { default: new (options: object) => S3rverServer };
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-s3rver-'));
  const bucket = 'loupe-test';
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  // Before the router, which is the last middleware.
  server.middleware.splice(server.middleware.length - 1, 0, s3rverFixes(server));
  durablePuts(server.store);
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: S3Client[] = [];
  const client = () => {
    const made = createS3Client({ endpointUrl: endpoint, ...S3RVER_CREDENTIALS, region: 'us-east-1', ignoreTls: false, addressingStyle: 'path' });
    clients.push(made);
    return made;
  };
  let lister: S3Client | undefined;
  const { fresh } = prefixes();
  return {
    name: 's3rver',
    unavailable: null,
    endpoint,
    ...S3RVER_CREDENTIALS,
    region: 'us-east-1',
    bucket,
    freshPrefix: fresh,
    client,
    keysUnder: (p) => listKeys(ListObjectsV2Command, (lister ??= client()), bucket, p),
    async close() {
      for (const c of clients) c.destroy();
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** What the Ceph radosgw script exports (`LOUPE_TEST_S3_*`), or why it is not there. */
function cephSettings(): { endpoint: string; accessKeyId: string; secretAccessKey: string; region: string; bucket: string } | string {
  const endpoint = process.env.LOUPE_TEST_S3_ENDPOINT;
  if (!endpoint) return 'LOUPE_TEST_S3_ENDPOINT is not set (the Ceph radosgw script sets it)';
  const accessKeyId = process.env.LOUPE_TEST_S3_ACCESS_KEY;
  const secretAccessKey = process.env.LOUPE_TEST_S3_SECRET_KEY;
  if (!accessKeyId || !secretAccessKey) return 'LOUPE_TEST_S3_ACCESS_KEY and LOUPE_TEST_S3_SECRET_KEY must be set with LOUPE_TEST_S3_ENDPOINT';
  return {
    endpoint,
    accessKeyId,
    secretAccessKey,
    region: process.env.LOUPE_TEST_S3_REGION || 'us-east-1',
    bucket: process.env.LOUPE_TEST_S3_BUCKET || 'loupe-test',
  };
}

async function listKeys(ListObjectsV2Command: Sdk['ListObjectsV2Command'], client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/`, ...(token ? { ContinuationToken: token } : {}) }));
    keys.push(...(page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : [])));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

async function emptyPrefix(sdk: Sdk, client: S3Client, bucket: string, prefix: string): Promise<void> {
  const { ListObjectsV2Command, DeleteObjectsCommand } = sdk;
  for (;;) {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/`, MaxKeys: 1000 }));
    const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
    if (keys.length === 0) return;
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
  }
}

/** The Ceph target from the environment, its bucket created when missing; unavailable with the reason otherwise. */
async function connectCeph(sdk: Sdk): Promise<S3Target> {
  const { createS3Client, CreateBucketCommand, ListObjectsV2Command } = sdk;
  const settings = cephSettings();
  const clients: S3Client[] = [];
  const { fresh, made } = prefixes();
  const make = (s: Exclude<typeof settings, string>) => {
    const client = createS3Client({
      endpointUrl: s.endpoint,
      accessKeyId: s.accessKeyId,
      secretAccessKey: s.secretAccessKey,
      region: s.region,
      ignoreTls: false,
      addressingStyle: 'path',
    });
    clients.push(client);
    return client;
  };
  const base = { name: 'ceph' as const, freshPrefix: fresh };
  if (typeof settings === 'string') {
    const none = () => Promise.reject(new Error(settings));
    return {
      ...base,
      unavailable: settings,
      endpoint: '',
      accessKeyId: '',
      secretAccessKey: '',
      region: '',
      bucket: '',
      client: () => {
        throw new Error(settings);
      },
      keysUnder: none,
      close: async () => {},
    };
  }
  let unavailable: string | null = null;
  try {
    await make(settings).send(new CreateBucketCommand({ Bucket: settings.bucket }));
  } catch (err) {
    const code = (err as { name?: string }).name;
    if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') {
      unavailable = `the S3 server at ${settings.endpoint} cannot create bucket '${settings.bucket}' (${(err as Error).message})`;
    }
  }
  return {
    ...base,
    ...settings,
    unavailable,
    client: () => make(settings),
    keysUnder: (p) => listKeys(ListObjectsV2Command, clients[0] ?? make(settings), settings.bucket, p),
    async close() {
      if (!unavailable) for (const prefix of made) await emptyPrefix(sdk, clients[0] as S3Client, settings.bucket, prefix).catch(() => {});
      for (const c of clients) c.destroy();
    },
  };
}

/**
 * The S3 servers the artifact tests run against: s3rver, started in-process on a random port (always),
 * and the Ceph radosgw named by `LOUPE_TEST_S3_ENDPOINT` (with `LOUPE_TEST_S3_ACCESS_KEY`,
 * `LOUPE_TEST_S3_SECRET_KEY`, `LOUPE_TEST_S3_REGION`, optionally `LOUPE_TEST_S3_BUCKET`). Without it
 * the Ceph target reports itself skipped with the reason; under `CI=true` with
 * `LOUPE_TEST_S3_REQUIRE_CEPH=true` a missing or unreachable Ceph is an error, as PostgreSQL is in
 * `testBackends`.
 *
 * @example
 * for (const target of await testS3Targets()) describeOnS3(target, 'S3ArtifactStore', () => { ... });
 */
export async function testS3Targets(): Promise<S3Target[]> {
  const sdk = await s3Sdk();
  const ceph = await connectCeph(sdk);
  if (ceph.unavailable && process.env.CI === 'true' && process.env.LOUPE_TEST_S3_REQUIRE_CEPH === 'true') {
    throw new Error(`${ceph.unavailable}. Ceph is required under CI=true with LOUPE_TEST_S3_REQUIRE_CEPH=true.`);
  }
  return [await startS3rver(sdk), ceph];
}

/**
 * `describe` for one S3 target, closing it when the suite ends: skipped, with the reason in its title,
 * when the target is unavailable.
 *
 * @example
 * for (const target of await testS3Targets()) describeOnS3(target, 'proxied artifacts', () => { ... });
 */
export function describeOnS3(target: S3Target, title: string, fn: () => void): void {
  if (target.unavailable) {
    describe.skip(`${title} on ${target.name} (skipped: ${target.unavailable})`, fn);
    return;
  }
  describe(`${title} on ${target.name}`, () => {
    afterAll(() => target.close());
    fn();
  });
}
