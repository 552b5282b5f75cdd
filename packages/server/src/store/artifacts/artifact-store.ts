/**
 * A file body handed to {@link ArtifactStore.write}: a web stream (a `Request` body) or any async
 * iterable of byte chunks (a Node `Readable`, a generator). Consumed chunk by chunk, never buffered whole.
 */
export type ArtifactBody = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** One entry of a directory listing. */
export interface ArtifactEntry {
  /** Path relative to the listed directory (one segment: the entry's name). */
  path: string;
  isDir: boolean;
  /** Size in bytes; only for files. */
  fileSize?: number;
}

/** A file opened for reading. */
export interface ArtifactReadable {
  stream: ReadableStream<Uint8Array>;
  /** Size in bytes, known before the first byte is read (for `Content-Length`). */
  size: number;
}

/**
 * Where artifact bytes live: a tree of files under one root (a local folder; later an object-store
 * prefix). Paths are canonical relative POSIX paths as {@link checkArtifactPath} returns them; every
 * implementation checks them again and never reads, writes or deletes outside its root.
 *
 * @example
 * await store.write('1/abc/artifacts/model.pkl', request.body);
 * const file = await store.read('1/abc/artifacts/model.pkl'); // { stream, size } or null
 */
export interface ArtifactStore {
  /**
   * Stores a file, creating parent folders. The body is streamed to a temporary object and only made
   * visible once complete, so a failed or aborted write leaves nothing behind (an older file at the
   * same path stays as it was). Rejects with the body's error if the body fails.
   */
  write(path: string, body: ArtifactBody): Promise<{ size: number }>;
  /** Opens a file; null when there is no file at `path` (missing, or a directory). */
  read(path: string): Promise<ArtifactReadable | null>;
  /** The direct children of a directory, sorted by name; empty when it is missing or not a directory. */
  list(dir: string): Promise<ArtifactEntry[]>;
  /** Deletes a file or a whole directory tree; false when nothing was there. */
  delete(path: string): Promise<boolean>;
  /** True when a file or directory exists at `path` (`''` is the root). */
  exists(path: string): Promise<boolean>;
}
