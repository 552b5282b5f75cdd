/** One part of a multipart upload the client sends straight to the object store. */
export interface PartUploadTarget {
  partNumber: number;
  /** A presigned URL to PUT the part's bytes to. */
  url: string;
  /** Headers the PUT must carry (none for S3). */
  headers: Record<string, string>;
}

/** A part the client uploaded, as the object store acknowledged it. */
export interface UploadedPart {
  partNumber: number;
  etag: string;
}

/** Where a client may download a file straight from the object store. */
export interface PresignedDownload {
  url: string;
  headers: Record<string, string>;
  /** The file's size in bytes. */
  size: number;
}

/** Headers the object store is asked to send with a presigned download (S3's `response-*` overrides). */
export interface DownloadResponseHeaders {
  contentDisposition?: string;
  contentType?: string;
}

/**
 * Transfers a client makes with the object store itself, the server only signing them (MLflow's
 * `MultipartUploadMixin` and `MultipartDownloadMixin`, spec §2.6). Object stores (S3) have it; a local
 * folder does not, and the routes answer 501 there. Paths are canonical relative paths, checked again
 * by the implementation; nothing it signs reaches outside its root.
 *
 * @example
 * const { uploadId, parts } = await transfers.createMultipartUpload('1/abc/artifacts/model.bin', 3);
 * // the client PUTs each part to parts[i].url and reports the ETags
 * await transfers.completeMultipartUpload('1/abc/artifacts/model.bin', uploadId, reported);
 */
export interface PresignedTransfers {
  /** Starts a multipart upload of `numParts` parts and signs one upload URL per part. */
  createMultipartUpload(path: string, numParts: number): Promise<{ uploadId: string; parts: PartUploadTarget[] }>;
  /** Assembles the uploaded parts into the file at `path`. */
  completeMultipartUpload(path: string, uploadId: string, parts: readonly UploadedPart[]): Promise<void>;
  /** Drops an unfinished multipart upload and its parts. */
  abortMultipartUpload(path: string, uploadId: string): Promise<void>;
  /**
   * Signs a download URL for the file at `path`, valid `ttlSeconds`, the store answering with
   * `response`'s headers; null when there is no such file.
   */
  presignDownload(path: string, ttlSeconds: number, response?: DownloadResponseHeaders): Promise<PresignedDownload | null>;
}
