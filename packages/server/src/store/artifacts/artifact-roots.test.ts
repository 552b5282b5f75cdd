import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../../config/config.js';
import { ArtifactLocationError, createArtifactRoots, type ArtifactRootsConfig } from './artifact-roots.js';

const s3 = { region: 'us-east-1', ignoreTls: false, addressingStyle: 'auto' as const, partSizeBytes: 8 << 20, queueSize: 4 };
const roots = (artifactsDestination: string, defaultArtifactRoot = 'mlflow-artifacts:/', config: Partial<ArtifactRootsConfig> = {}) =>
  createArtifactRoots({ artifactsDestination, defaultArtifactRoot, s3, ...config });

describe('createArtifactRoots', () => {
  it('stores in a folder, a file: URI or an s3:// location, and serves a local or s3:// default root too', async () => {
    const local = await roots('/data/artifacts', '/srv/mlruns');
    expect(local.destination).toMatchObject({ kind: 'local', dir: '/data/artifacts' });
    expect(local.destinationTransfers).toBeNull();
    expect(local.localRoots.map((r) => r.dir)).toEqual(['/data/artifacts', '/srv/mlruns']);
    expect((await roots('file:///data/artifacts')).destination).toMatchObject({ kind: 'local', dir: '/data/artifacts' });

    const remote = await roots('s3://artifacts/loupe/', 's3://artifacts/direct');
    expect(remote.destination).toMatchObject({ kind: 's3', location: { bucket: 'artifacts', prefix: 'loupe' } });
    expect(remote.destinationTransfers).toBe(remote.destination.store);
    expect(remote.s3Roots.map((r) => [r.bucket, r.prefix])).toEqual([
      ['artifacts', 'loupe'],
      ['artifacts', 'direct'],
    ]);
    expect(remote.localRoots).toEqual([]);
    remote.close();
    // The same location twice is one store.
    const twice = await roots('s3://artifacts/loupe', 's3://artifacts/loupe/');
    expect(twice.s3Roots).toHaveLength(1);
    twice.close();
  });

  it('does not serve a default root of another scheme: clients use it directly, as with MLflow', async () => {
    const r = await roots('/data/artifacts', 'gs://bucket/mlruns');
    expect(r.localRoots.map((x) => x.dir)).toEqual(['/data/artifacts']);
    expect(r.s3Roots).toEqual([]);
  });

  it.each([
    [
      'gs://bucket/x',
      "has the scheme 'gs', which Loupe cannot store artifacts in: use a folder (/var/lib/loupe/artifacts) or s3://bucket/prefix (--artifacts-destination)",
    ],
    ['hdfs://namenode/x', "the scheme 'hdfs'"],
    ['mlflow-artifacts:/x', "the scheme 'mlflow-artifacts'"],
    ['s3://b/x', "'b' is not a bucket name"],
    ['s3://bucket/a/../b', "has an empty, '.' or '..' segment"],
    ['s3://bucket/x?versionId=1', 'query string'],
    ['file://otherhost/x', 'not a usable local path'],
  ])('refuses the destination %s naming the flag', async (uri, reason) => {
    await expect(roots(uri)).rejects.toThrow(ArtifactLocationError);
    await expect(roots(uri)).rejects.toThrow(reason);
    await expect(roots(uri)).rejects.toThrow('--artifacts-destination');
  });
});

describe('the artifacts-destination setting', () => {
  it('makes a folder absolute and keeps a URI as given (s3:// is no folder named "s3:")', () => {
    expect(resolveServerConfig({ artifactsDestination: 'data/a' }, {}).artifactsDestination).toBe(path.resolve('data/a'));
    expect(resolveServerConfig({}, { MLFLOW_ARTIFACTS_DESTINATION: 's3://bucket/x' }).artifactsDestination).toBe('s3://bucket/x');
    expect(resolveServerConfig({ artifactsDestination: 'gs://bucket/x' }, {}).artifactsDestination).toBe('gs://bucket/x');
    expect(resolveServerConfig({ artifactsDestination: 'file:///srv/a' }, {}).artifactsDestination).toBe('file:///srv/a');
    // Not serving, new experiments go straight to the destination.
    expect(resolveServerConfig({ serveArtifacts: false, artifactsDestination: 's3://bucket/x' }, {}).defaultArtifactRoot).toBe('s3://bucket/x');
  });
});
