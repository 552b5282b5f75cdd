import type { S3Client } from '@aws-sdk/client-s3';
import type { ArtifactStore } from './artifact-store.js';
import { localPathOfUri } from './artifact-uri.js';
import { LocalArtifactStore } from './local/local-artifact-store.js';
import type { PresignedTransfers } from './presigned-transfers.js';
import type { S3ArtifactStore } from './s3/s3-artifact-store.js';
import type { S3ConnectionSettings } from './s3/s3-client.js';
import { isS3Uri, parseS3Uri, type S3Location } from './s3/s3-location.js';

/** An artifacts destination Loupe cannot store in (an unknown scheme, a malformed `s3://` URI). */
export class ArtifactLocationError extends Error {
  override readonly name = 'ArtifactLocationError';
}

/** What the artifact stores of a server are made from (a slice of the server configuration). */
export interface ArtifactRootsConfig {
  /** A folder, `file:` URI or `s3://bucket/prefix` (the proxied service's root). */
  artifactsDestination: string;
  /** Where new experiments' artifacts go; a local folder or `s3://` location here is served too. */
  defaultArtifactRoot: string;
  /** How to reach S3, used only when a location is `s3://`. */
  s3: S3ConnectionSettings & { partSizeBytes: number; queueSize: number };
}

/** Where the proxied artifact service stores files. */
export type ArtifactDestination = { kind: 'local'; dir: string; store: LocalArtifactStore } | { kind: 's3'; location: S3Location; store: S3ArtifactStore };

/** The artifact stores of a server: the destination, and every root runs may point into. */
export interface ArtifactRoots {
  destination: ArtifactDestination;
  /** Direct client transfers of the destination (presigned URLs): S3 has them, a folder not. */
  destinationTransfers: PresignedTransfers | null;
  /** Local folders (absolute) runs may point into: the destination's, a local default artifact root. */
  localRoots: { dir: string; store: ArtifactStore }[];
  /** S3 locations runs may point into: the destination's, an `s3://` default artifact root. */
  s3Roots: { bucket: string; prefix: string; store: ArtifactStore }[];
  /** Releases the S3 client's connections. */
  close(): void;
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]+):/;

function localDir(uri: string): string | null {
  return SCHEME.test(uri) && !uri.toLowerCase().startsWith('file:') ? null : localPathOfUri(uri);
}

function s3LocationOf(uri: string): S3Location {
  const location = parseS3Uri(uri);
  if (typeof location === 'string')
    throw new ArtifactLocationError(`the artifacts destination '${uri}' is not a usable S3 location: ${location} (--artifacts-destination)`);
  return location;
}

/** Makes the S3 store of a location; every store of one server shares one client. */
type S3StoreFactory = (location: S3Location) => S3ArtifactStore;

/**
 * The S3 store factory, its code (the AWS SDK, half a second to load) loaded only when a location
 * is on S3, so a server with local artifacts starts without it.
 */
async function s3Stores(settings: ArtifactRootsConfig['s3']): Promise<{ make: S3StoreFactory; close(): void }> {
  const [{ S3ArtifactStore }, { createS3Client }] = await Promise.all([import('./s3/s3-artifact-store.js'), import('./s3/s3-client.js')]);
  let client: S3Client | undefined;
  return {
    make: (location) => {
      client ??= createS3Client(settings);
      return new S3ArtifactStore({ client, ...location, partSizeBytes: settings.partSizeBytes, queueSize: settings.queueSize });
    },
    close: () => client?.destroy(),
  };
}

/**
 * Builds the artifact stores a configuration names. The destination must be a local folder, a
 * `file:` URI or `s3://bucket/prefix`; anything else (`gs://`, `hdfs://`, a malformed URI) throws
 * {@link ArtifactLocationError} naming the flag. A default artifact root that is a local folder or an
 * `s3://` location is served too (runs' artifacts listed and downloaded through the server); other
 * default roots are only handed to clients, as MLflow does. One S3 client serves every S3 store.
 *
 * @example
 * const roots = await createArtifactRoots({ artifactsDestination: 's3://artifacts/loupe', defaultArtifactRoot: 'mlflow-artifacts:/', s3 });
 * roots.destination.kind; // 's3'
 */
export async function createArtifactRoots(config: ArtifactRootsConfig): Promise<ArtifactRoots> {
  const s3 = isS3Uri(config.artifactsDestination) || isS3Uri(config.defaultArtifactRoot) ? await s3Stores(config.s3) : undefined;
  const s3Store: S3StoreFactory = (location) => {
    if (!s3) throw new Error('unreachable: no S3 location was configured');
    return s3.make(location);
  };
  const destination = createDestination(config.artifactsDestination, s3Store);
  const localRoots: ArtifactRoots['localRoots'] = [];
  const s3Roots: ArtifactRoots['s3Roots'] = [];
  if (destination.kind === 'local') localRoots.push({ dir: destination.dir, store: destination.store });
  else s3Roots.push({ ...destination.location, store: destination.store });

  const defaultDir = localDir(config.defaultArtifactRoot);
  if (defaultDir !== null && !localRoots.some((r) => r.dir === defaultDir)) localRoots.push({ dir: defaultDir, store: new LocalArtifactStore(defaultDir) });
  const defaultS3 = isS3Uri(config.defaultArtifactRoot) ? parseS3Uri(config.defaultArtifactRoot) : null;
  if (defaultS3 !== null && typeof defaultS3 !== 'string' && !s3Roots.some((r) => r.bucket === defaultS3.bucket && r.prefix === defaultS3.prefix)) {
    s3Roots.push({ ...defaultS3, store: s3Store(defaultS3) });
  }
  return {
    destination,
    destinationTransfers: destination.kind === 's3' ? destination.store : null,
    localRoots,
    s3Roots,
    close: () => s3?.close(),
  };
}

function createDestination(uri: string, s3Store: S3StoreFactory): ArtifactDestination {
  if (isS3Uri(uri)) {
    const location = s3LocationOf(uri);
    return { kind: 's3', location, store: s3Store(location) };
  }
  const scheme = SCHEME.exec(uri)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'file') {
    throw new ArtifactLocationError(
      `the artifacts destination '${uri}' has the scheme '${scheme}', which Loupe cannot store artifacts in: use a folder (/var/lib/loupe/artifacts) or s3://bucket/prefix (--artifacts-destination)`,
    );
  }
  const dir = localPathOfUri(uri);
  if (dir === null) {
    throw new ArtifactLocationError(`the artifacts destination '${uri}' is not a usable local path (a remote host or '..' segments) (--artifacts-destination)`);
  }
  return { kind: 'local', dir, store: new LocalArtifactStore(dir) };
}
