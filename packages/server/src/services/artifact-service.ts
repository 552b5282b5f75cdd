import { ApiError } from '@loupe/protocol';
import { bodyChunks } from '../store/artifacts/artifact-body.js';
import { checkArtifactPath, joinArtifactPath } from '../store/artifacts/artifact-path.js';
import type { ArtifactBody, ArtifactEntry, ArtifactReadable, ArtifactStore } from '../store/artifacts/artifact-store.js';
import { mapArtifactUri, type ServedArtifactRoots } from '../store/artifacts/artifact-uri.js';
import type { DownloadResponseHeaders, PartUploadTarget, PresignedDownload, PresignedTransfers, UploadedPart } from '../store/artifacts/presigned-transfers.js';
import type { RunInfoRecord } from '../store/tracking-store.js';

/** A listed file or folder; its path is relative to the root the listing is under (`dir/file.txt`). */
export interface ListedArtifact {
  path: string;
  isDir: boolean;
  /** Size in bytes; only for files. */
  fileSize?: number;
}

/** A file ready to be sent: its bytes, size and the name to offer for saving. */
export interface ArtifactDownload extends ArtifactReadable {
  fileName: string;
}

/** What the artifact use cases are built from. */
export interface ArtifactServiceOptions {
  /** Looks runs up (RunService). */
  runs: { getInfo(runId: string): Promise<RunInfoRecord> };
  /** The store behind `mlflow-artifacts:` URIs and the proxied routes; null with `--no-serve-artifacts`. */
  proxied: ArtifactStore | null;
  /** Local folders (absolute) that `file:` URIs and plain paths may point into, each with its store. */
  localRoots: readonly { dir: string; store: ArtifactStore }[];
  /** S3 locations that `s3://` URIs may point into, each with its store. */
  s3Roots?: readonly { bucket: string; prefix: string; store: ArtifactStore }[];
  /** Direct client transfers of the proxied store (S3); null or absent: the mpu and presigned routes answer 501. */
  proxiedTransfers?: PresignedTransfers | null;
  /** Seconds a presigned download URL stays valid (`MLFLOW_PRESIGNED_DOWNLOAD_URL_TTL_SECONDS`, 300). */
  presignedDownloadTtlSeconds?: number;
}

/** MLflow's words when the store has no multipart upload; its clients fall back to a plain PUT on them. */
export const MULTIPART_UNSUPPORTED = 'Multipart upload is not supported for the current artifact repository';
/** MLflow's words when the store cannot sign downloads. */
export const PRESIGNED_DOWNLOAD_UNSUPPORTED = 'Multipart download is not supported for the current artifact repository';

/** A multipart upload request, decoded (`POST mlflow-artifacts/mpu/create/<dir>` and friends). */
export interface MultipartRequest {
  /** The client's local file path (MLflow sends it); its base name is the file's name in `<dir>`. */
  path: string;
}

/** The UI's `upload-artifact` takes at most 10 MiB (spec §1.8). */
export const UPLOAD_ARTIFACT_MAX_BYTES = 10 * 1024 * 1024;
const uploadTooLarge = () => ApiError.invalid('Artifact size is too large. Max size is 10MB.');

/** Reads a request body, turning a failure to read it into a 400 rather than a 500; optionally bounded. */
async function* requestBody(body: ArtifactBody, maxBytes = Infinity): AsyncGenerator<Uint8Array, void, undefined> {
  const chunks = bodyChunks(body);
  let total = 0;
  try {
    for (;;) {
      let next: IteratorResult<Uint8Array, void>;
      try {
        next = await chunks.next();
      } catch (err) {
        throw new ApiError('BAD_REQUEST', `The request body could not be read to its end: ${(err as Error).message}`);
      }
      if (next.done) return;
      total += next.value.byteLength;
      if (total > maxBytes) throw uploadTooLarge();
      yield next.value;
    }
  } finally {
    await chunks.return();
  }
}

function listed(path: string, entry: ArtifactEntry): ListedArtifact {
  return { ...entry, path };
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Artifact use cases (spec §1.8, §2.6): the proxied `mlflow-artifacts` service over the artifacts
 * destination, run artifacts (list, download, UI upload) resolved through each run's `artifact_uri`,
 * and listing/opening under any served artifact root URI (logged models use that). Every client path
 * goes through `checkArtifactPath`; URIs this server cannot serve are a 400, never read.
 *
 * @example
 * const artifacts = new ArtifactService({ runs, proxied: store, localRoots: [{ dir: '/data/artifacts', store }] });
 * const { rootUri, files } = await artifacts.listRunArtifacts('abc', 'model');
 */
export class ArtifactService {
  private readonly roots: ServedArtifactRoots<ArtifactStore>;

  constructor(private readonly options: ArtifactServiceOptions) {
    this.roots = {
      proxied: options.proxied ?? undefined,
      local: options.localRoots.map((r) => ({ dir: r.dir, target: r.store })),
      s3: (options.s3Roots ?? []).map((r) => ({ bucket: r.bucket, prefix: r.prefix, target: r.store })),
    };
  }

  /** False when the server runs with `--no-serve-artifacts`: the proxied routes answer 503. */
  get proxyEnabled(): boolean {
    return this.options.proxied !== null;
  }

  /** `PUT mlflow-artifacts/artifacts/<path>`: streams the body into the destination. */
  async putProxied(rawPath: string | undefined, body: ArtifactBody): Promise<void> {
    const path = checkArtifactPath(rawPath, 'path');
    await this.proxied().write(path, requestBody(body));
  }

  /** `GET mlflow-artifacts/artifacts/<path>`. */
  async openProxied(rawPath: string | undefined): Promise<ArtifactDownload> {
    const path = checkArtifactPath(rawPath, 'path');
    return this.open(this.proxied(), path, path);
  }

  /** `GET mlflow-artifacts/artifacts?path=`: children of a folder, by name only (as MLflow answers). */
  async listProxied(rawPath: string | undefined): Promise<ListedArtifact[]> {
    const path = checkArtifactPath(rawPath, 'path', { allowRoot: true });
    return this.proxied().list(path);
  }

  /** `DELETE mlflow-artifacts/artifacts/<path>`: a file or a tree; nothing there is not an error. */
  async deleteProxied(rawPath: string | undefined): Promise<void> {
    const path = checkArtifactPath(rawPath, 'path');
    await this.proxied().delete(path);
  }

  /**
   * `POST mlflow-artifacts/mpu/create/<dir>` (spec §2.6): starts a multipart upload of the file named
   * like the base name of the request's `path` in `<dir>` (MLflow's rule: clients send their local
   * file's path), and signs one upload URL per part. 501 when the store has no multipart upload.
   */
  async createMultipartUpload(
    rawDir: string | undefined,
    request: MultipartRequest & { numParts: number },
  ): Promise<{ uploadId: string; parts: PartUploadTarget[] }> {
    const target = this.multipartTarget(rawDir, request.path);
    return this.transfers().createMultipartUpload(target, request.numParts);
  }

  /** `POST mlflow-artifacts/mpu/complete/<dir>`: assembles the uploaded parts into the file. */
  async completeMultipartUpload(rawDir: string | undefined, request: MultipartRequest & { uploadId: string; parts: UploadedPart[] }): Promise<void> {
    const target = this.multipartTarget(rawDir, request.path);
    await this.transfers().completeMultipartUpload(target, request.uploadId, request.parts);
  }

  /** `POST mlflow-artifacts/mpu/abort/<dir>`: drops an unfinished multipart upload. */
  async abortMultipartUpload(rawDir: string | undefined, request: MultipartRequest & { uploadId: string }): Promise<void> {
    const target = this.multipartTarget(rawDir, request.path);
    await this.transfers().abortMultipartUpload(target, request.uploadId);
  }

  /**
   * `GET mlflow-artifacts/presigned/<path>`: a URL the client downloads the file from straight out of
   * the store, with its size (MLflow's multipart download, spec §2.6). `headersFor` gives the headers
   * the store is to answer with (an attachment, named after the file). 501 for a store that cannot
   * sign; 404 for a missing file.
   */
  async presignProxiedDownload(rawPath: string | undefined, headersFor: (fileName: string) => DownloadResponseHeaders): Promise<PresignedDownload> {
    const path = checkArtifactPath(rawPath, 'path');
    const transfers = this.proxyTransfers(PRESIGNED_DOWNLOAD_UNSUPPORTED);
    const signed = await transfers.presignDownload(path, this.options.presignedDownloadTtlSeconds ?? 300, headersFor(baseName(path)));
    if (signed) return signed;
    throw ApiError.notFound(`No such file or directory: '${path}'.`);
  }

  /** `GET mlflow/artifacts/list`: files relative to the run's artifact root (no paging: one page holds all). */
  async listRunArtifacts(runId: string, relPath?: string): Promise<{ rootUri: string; files: ListedArtifact[] }> {
    const path = checkArtifactPath(relPath, 'path', { allowRoot: true });
    const info = await this.options.runs.getInfo(runId);
    return { rootUri: info.artifactUri, files: await this.listUnderUri(info.artifactUri, path) };
  }

  /** `GET /get-artifact?run_id=&path=`: one file of a run. */
  async openRunArtifact(runId: string, relPath: string | undefined): Promise<ArtifactDownload> {
    const path = checkArtifactPath(relPath, 'path');
    const info = await this.options.runs.getInfo(runId);
    return this.openUnderUri(info.artifactUri, path);
  }

  /**
   * `POST /ajax-api/2.0/mlflow/upload-artifact?run_uuid=&path=`: a non-empty body of at most 10 MiB
   * written to `<run artifact root>/<path>`, with MLflow's checks and messages in MLflow's order (the
   * edge has checked that the run and the path are given).
   */
  async uploadRunArtifact(runId: string, relPath: string, body: ArtifactBody | null, declaredBytes?: number): Promise<void> {
    const path = checkArtifactPath(relPath, 'path');
    if (declaredBytes !== undefined && declaredBytes > UPLOAD_ARTIFACT_MAX_BYTES) throw uploadTooLarge();
    const noData = () => ApiError.invalid('Request must specify data.');
    if (!body) throw noData();
    const chunks = requestBody(body, UPLOAD_ARTIFACT_MAX_BYTES);
    try {
      let first = await chunks.next();
      while (!first.done && first.value.byteLength === 0) first = await chunks.next();
      if (first.done) throw noData();
      const head = first.value;
      const info = await this.options.runs.getInfo(runId);
      const { store, base } = this.locate(info.artifactUri);
      await store.write(
        joinArtifactPath(base, path),
        (async function* () {
          yield head;
          yield* chunks;
        })(),
      );
    } finally {
      await chunks.return();
    }
  }

  /**
   * Lists a folder under any artifact root URI this server serves; paths come back relative to the
   * root (`dir/file.txt`).
   *
   * @example
   * await artifacts.listUnderUri('mlflow-artifacts:/1/models/m-abc/artifacts', ''); // [{ path: 'MLmodel', isDir: false, fileSize: 12 }]
   */
  async listUnderUri(rootUri: string, relPath?: string): Promise<ListedArtifact[]> {
    const path = checkArtifactPath(relPath, 'path', { allowRoot: true });
    const { store, base } = this.locate(rootUri);
    const entries = await store.list(joinArtifactPath(base, path));
    return entries.map((e) => listed(joinArtifactPath(path, e.path), e));
  }

  /**
   * Opens a file under any artifact root URI this server serves.
   *
   * @example
   * const file = await artifacts.openUnderUri(model.artifactUri, 'MLmodel');
   */
  async openUnderUri(rootUri: string, relPath: string | undefined): Promise<ArtifactDownload> {
    const path = checkArtifactPath(relPath, 'path');
    const { store, base } = this.locate(rootUri);
    return this.open(store, joinArtifactPath(base, path), path);
  }

  /** The file a multipart request names: `<dir>/<base name of the client's path>`, both checked. */
  private multipartTarget(rawDir: string | undefined, clientPath: string): string {
    const dir = checkArtifactPath(rawDir, 'path');
    // Clients send their local path: '/tmp/model.bin' on POSIX, 'C:\\models\\model.bin' on Windows.
    const name = checkArtifactPath(clientPath.split(/[/\\]/).pop(), 'path');
    return joinArtifactPath(dir, name);
  }

  private transfers(): PresignedTransfers {
    return this.proxyTransfers(MULTIPART_UNSUPPORTED);
  }

  private proxyTransfers(unsupported: string): PresignedTransfers {
    this.proxied();
    if (!this.options.proxiedTransfers) throw new ApiError('NOT_IMPLEMENTED', unsupported);
    return this.options.proxiedTransfers;
  }

  private proxied(): ArtifactStore {
    if (!this.options.proxied) {
      throw new ApiError('TEMPORARILY_UNAVAILABLE', 'Proxied artifact serving is disabled (the server runs with --no-serve-artifacts).');
    }
    return this.options.proxied;
  }

  private locate(rootUri: string): { store: ArtifactStore; base: string } {
    const mapping = mapArtifactUri(rootUri, this.roots);
    if (!mapping.served) throw ApiError.invalid(`Cannot access artifacts at '${rootUri}': ${mapping.reason}.`);
    return { store: mapping.target, base: mapping.path };
  }

  private async open(store: ArtifactStore, storePath: string, shownPath: string): Promise<ArtifactDownload> {
    const file = await store.read(storePath);
    if (file) return { ...file, fileName: baseName(storePath) };
    if (await store.exists(storePath)) throw ApiError.invalid(`The artifact '${shownPath}' is a directory, not a file.`);
    throw ApiError.notFound(`No such file or directory: '${shownPath}'.`);
  }
}
