import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ApiError } from '@loupe/protocol';
import { bodyChunks } from '../artifact-body.js';
import { checkArtifactPath } from '../artifact-path.js';
import type { ArtifactBody, ArtifactEntry, ArtifactReadable, ArtifactStore } from '../artifact-store.js';
import type { DownloadResponseHeaders, PartUploadTarget, PresignedDownload, PresignedTransfers, UploadedPart } from '../presigned-transfers.js';
import { isMissingObject, multipartClientError, s3ErrorCode } from './s3-errors.js';
import type { S3Location } from './s3-location.js';

/** What an {@link S3ArtifactStore} works with. */
export interface S3ArtifactStoreOptions extends S3Location {
  /** Shared by every store of the server (`createS3Client`). */
  client: S3Client;
  /** Bytes per part of a streamed upload (at least 5 MiB, S3's minimum). Default 8 MiB. */
  partSizeBytes?: number;
  /** Parts of one upload in flight at once. Default 4. */
  queueSize?: number;
  /** Keys asked for per listing request (S3 answers at most 1000). Default 1000. */
  listPageSize?: number;
}

/** S3's limits: a key of at most 1024 bytes, 10,000 parts per upload, 1000 keys per delete. */
const MAX_KEY_BYTES = 1024;
export const MAX_UPLOAD_PARTS = 10_000;
const DELETE_BATCH = 1000;
/** How long a presigned part upload URL stays valid (boto3's default, which MLflow uses). */
const PART_URL_TTL_SECONDS = 3600;

/** Whether a name S3 listed can be handed to clients as a path segment (others were not written by Loupe). */
function usableName(name: string): boolean {
  // eslint-disable-next-line no-control-regex
  return name !== '' && name !== '.' && name !== '..' && !/[/\\\u0000-\u001f\u007f]/.test(name);
}

function byName(a: ArtifactEntry, b: ArtifactEntry): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : Number(a.isDir) - Number(b.isDir);
}

/**
 * {@link ArtifactStore} over an S3 bucket and key prefix (`s3://bucket/prefix`), with the same
 * path rules as the local store: every path goes through `checkArtifactPath`, so no key outside the
 * prefix is ever read, written, listed or deleted. Folders are key prefixes (`a/b/` is a folder when
 * some key starts with it). Uploads stream through `@aws-sdk/lib-storage` in parts of bounded size;
 * S3 shows an object only once its upload completes, so a failed upload leaves nothing (an older file
 * stays). Downloads stream S3's body. It also signs direct transfers ({@link PresignedTransfers}).
 *
 * @example
 * const store = new S3ArtifactStore({ client, bucket: 'artifacts', prefix: 'loupe' });
 * await store.write('1/abc/artifacts/model.pkl', request.body); // key loupe/1/abc/artifacts/model.pkl
 */
export class S3ArtifactStore implements ArtifactStore, PresignedTransfers {
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Client;
  private readonly partSizeBytes: number;
  private readonly queueSize: number;
  private readonly listPageSize: number;

  constructor(options: S3ArtifactStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = options.prefix;
    this.partSizeBytes = options.partSizeBytes ?? 8 * 1024 * 1024;
    this.queueSize = options.queueSize ?? 4;
    this.listPageSize = options.listPageSize ?? 1000;
  }

  /** `s3://bucket/prefix`. */
  get uri(): string {
    return `s3://${this.bucket}/${this.prefix}`;
  }

  /**
   * Checks that the bucket exists and the credentials may use it; throws S3's error otherwise. The
   * server runs it at start-up for its artifacts destination, as it checks a local folder.
   */
  async checkReachable(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  async write(relPath: string, body: ArtifactBody): Promise<{ size: number }> {
    const rel = checkArtifactPath(relPath);
    const key = this.keyOf(rel);
    await this.refuseShapeConflicts(rel);
    let size = 0;
    let bodyError: { error: unknown } | undefined;
    const source = Readable.from(
      (async function* () {
        try {
          for await (const chunk of bodyChunks(body)) {
            size += chunk.byteLength;
            yield chunk;
          }
        } catch (error) {
          bodyError = { error };
          throw error;
        }
      })(),
      // Bytes, not objects: the stream reads ahead 16 KiB, not 16 chunks, of the request.
      { objectMode: false },
    );
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: source },
      partSize: this.partSizeBytes,
      queueSize: this.queueSize,
    });
    try {
      await upload.done();
    } catch (err) {
      source.destroy();
      // The body's own failure is what the caller must see, not whatever S3 said while the upload was dropped.
      throw bodyError ? bodyError.error : err;
    }
    return { size };
  }

  async read(relPath: string): Promise<ArtifactReadable | null> {
    const key = this.keyOf(checkArtifactPath(relPath));
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!out.Body) return null;
      return { stream: out.Body.transformToWebStream() as ReadableStream<Uint8Array>, size: out.ContentLength ?? 0 };
    } catch (err) {
      if (isMissingObject(err)) return null;
      throw err;
    }
  }

  async list(relDir: string): Promise<ArtifactEntry[]> {
    const listPrefix = this.folderPrefix(checkArtifactPath(relDir, 'path', { allowRoot: true }));
    const entries: ArtifactEntry[] = [];
    // S3 lists a folder once; some compatible servers repeat one on later pages.
    const folders = new Set<string>();
    for await (const page of this.pages(listPrefix, '/')) {
      for (const { Prefix } of page.CommonPrefixes ?? []) {
        const name = Prefix?.startsWith(listPrefix) ? Prefix.slice(listPrefix.length, -1) : '';
        if (usableName(name) && !folders.has(name)) {
          folders.add(name);
          entries.push({ path: name, isDir: true });
        }
      }
      for (const { Key, Size } of page.Contents ?? []) {
        const name = Key?.startsWith(listPrefix) ? Key.slice(listPrefix.length) : '';
        if (usableName(name)) entries.push({ path: name, isDir: false, fileSize: Size ?? 0 });
      }
    }
    return entries.sort(byName);
  }

  async delete(relPath: string): Promise<boolean> {
    const rel = checkArtifactPath(relPath);
    const key = this.keyOf(rel);
    let found = await this.objectExists(key);
    if (found) await this.deleteKeys([key]);
    for await (const page of this.pages(`${key}/`)) {
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key?.startsWith(`${key}/`) ? [o.Key] : []));
      if (keys.length === 0) continue;
      found = true;
      await this.deleteKeys(keys);
    }
    return found;
  }

  async exists(relPath: string): Promise<boolean> {
    const rel = checkArtifactPath(relPath, 'path', { allowRoot: true });
    if (rel !== '' && (await this.objectExists(this.keyOf(rel)))) return true;
    return this.folderExists(rel);
  }

  async createMultipartUpload(relPath: string, numParts: number): Promise<{ uploadId: string; parts: PartUploadTarget[] }> {
    const rel = checkArtifactPath(relPath);
    const key = this.keyOf(rel);
    await this.refuseShapeConflicts(rel);
    const created = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key }));
    const uploadId = created.UploadId;
    if (!uploadId) throw new Error(`S3 answered CreateMultipartUpload for '${key}' without an upload id`);
    const parts: PartUploadTarget[] = [];
    for (let partNumber = 1; partNumber <= numParts; partNumber++) {
      const command = new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber });
      // Signed with the machine's clock, not the server's injected one: S3 checks it against its own.
      parts.push({ partNumber, url: await getSignedUrl(this.client, command, { expiresIn: PART_URL_TTL_SECONDS }), headers: {} });
    }
    return { uploadId, parts };
  }

  async completeMultipartUpload(relPath: string, uploadId: string, parts: readonly UploadedPart[]): Promise<void> {
    const key = this.keyOf(checkArtifactPath(relPath));
    try {
      if (parts.length === 0) {
        // S3 cannot complete an upload of no parts: an empty file (num_parts 0) is stored as one.
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
        await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: new Uint8Array() }));
        return;
      }
      const ordered = [...parts].sort((a, b) => a.partNumber - b.partNumber).map((p) => ({ PartNumber: p.partNumber, ETag: p.etag }));
      await this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: ordered } }));
    } catch (err) {
      const mapped = multipartClientError(err);
      if (mapped !== err) throw mapped;
      // Ceph's radosgw (16.2) answers the completion of an aborted upload with a 500 InternalError
      // ("completion is already in progress") instead of NoSuchUpload: ask after the upload itself.
      if (await this.uploadGone(key, uploadId)) throw ApiError.notFound(`No such multipart upload: ${uploadId}`);
      throw err;
    }
  }

  /** Whether S3 no longer knows the upload (aborted, completed, or never made): NoSuchUpload, or a bare 404 (radosgw). */
  private async uploadGone(key: string, uploadId: string): Promise<boolean> {
    try {
      await this.client.send(new ListPartsCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, MaxParts: 1 }));
      return false;
    } catch (err) {
      return s3ErrorCode(err) === 'NoSuchUpload' || isMissingObject(err);
    }
  }

  async abortMultipartUpload(relPath: string, uploadId: string): Promise<void> {
    const key = this.keyOf(checkArtifactPath(relPath));
    await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId })).catch((err: unknown) => {
      throw multipartClientError(err);
    });
  }

  async presignDownload(relPath: string, ttlSeconds: number, response: DownloadResponseHeaders = {}): Promise<PresignedDownload | null> {
    const key = this.keyOf(checkArtifactPath(relPath));
    let size: number;
    try {
      size = (await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))).ContentLength ?? 0;
    } catch (err) {
      if (isMissingObject(err)) return null;
      throw err;
    }
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ...(response.contentDisposition ? { ResponseContentDisposition: response.contentDisposition } : {}),
      ...(response.contentType ? { ResponseContentType: response.contentType } : {}),
    });
    return { url: await getSignedUrl(this.client, command, { expiresIn: ttlSeconds }), headers: {}, size };
  }

  /** The key of a canonical relative path; 400 past S3's key length. */
  private keyOf(rel: string): string {
    const key = this.prefix === '' ? rel : rel === '' ? this.prefix : `${this.prefix}/${rel}`;
    if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
      throw ApiError.invalid(`Invalid value '${rel}' for parameter 'path' supplied: it is too long (S3 keys take at most ${MAX_KEY_BYTES} bytes).`);
    }
    return key;
  }

  /** The key prefix of a folder's contents: `prefix/rel/`, `''` for the root of a bucket-wide store. */
  private folderPrefix(rel: string): string {
    const key = this.keyOf(rel);
    return key === '' ? '' : `${key}/`;
  }

  /** Every page of a listing under `prefix` (one request per page, at most `listPageSize` keys each). */
  private async *pages(prefix: string, delimiter?: string) {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          MaxKeys: this.listPageSize,
          ...(delimiter ? { Delimiter: delimiter } : {}),
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  private async objectExists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (err) {
      if (isMissingObject(err)) return false;
      throw err;
    }
  }

  private async folderExists(rel: string): Promise<boolean> {
    const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.folderPrefix(rel), MaxKeys: 1 }));
    return (page.KeyCount ?? page.Contents?.length ?? 0) > 0;
  }

  /** Deletes up to 1000 keys in one request; any key S3 could not delete fails the call. */
  private async deleteKeys(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      const out = await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
      const failed = out.Errors ?? [];
      if (failed.length > 0) {
        const first = failed[0];
        throw new Error(`S3 could not delete ${failed.length} of ${batch.length} objects (first: '${first?.Key}': ${first?.Code} ${first?.Message})`);
      }
    }
  }

  /**
   * The local store's shape rules, for keys: no file where a parent folder of `rel` should be, and no
   * folder where the file should be (S3 itself would take both, and the listing would then show a
   * file and a folder of the same name).
   */
  private async refuseShapeConflicts(rel: string): Promise<void> {
    const segments = rel.split('/');
    const parents = segments.slice(0, -1).map((_, i) => this.keyOf(segments.slice(0, i + 1).join('/')));
    const [parentFiles, isFolder] = await Promise.all([Promise.all(parents.map((k) => this.objectExists(k))), this.folderExists(rel)]);
    if (parentFiles.some(Boolean)) {
      throw ApiError.invalid(`Invalid value '${rel}' for parameter 'path' supplied: a parent of it is a file, not a directory.`);
    }
    if (isFolder) throw ApiError.invalid(`Invalid value '${rel}' for parameter 'path' supplied: it is a directory, not a file.`);
  }
}
