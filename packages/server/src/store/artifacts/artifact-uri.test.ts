import { describe, expect, it } from 'vitest';
import { localPathOfUri, mapArtifactUri, type ServedArtifactRoots } from './artifact-uri.js';

const roots: ServedArtifactRoots<string> = {
  proxied: 'PROXY',
  local: [
    { dir: '/data/artifacts', target: 'DEST' },
    { dir: '/data/artifacts/legacy', target: 'LEGACY' },
    { dir: '/srv/mlruns', target: 'DEFAULT_ROOT' },
  ],
  s3: [
    { bucket: 'artifacts', prefix: 'loupe', target: 'S3_DEST' },
    { bucket: 'artifacts', prefix: 'loupe/legacy', target: 'S3_LEGACY' },
    { bucket: 'whole-bucket', prefix: '', target: 'S3_BUCKET' },
  ],
};

describe('mapArtifactUri', () => {
  it.each([
    ['mlflow-artifacts:/1/abc/artifacts', 'PROXY', '1/abc/artifacts'],
    ['mlflow-artifacts:///1/abc/artifacts', 'PROXY', '1/abc/artifacts'],
    ['mlflow-artifacts://tracking.example:5000/1/abc/artifacts', 'PROXY', '1/abc/artifacts'],
    ['mlflow-artifacts:/', 'PROXY', ''],
    ['mlflow-artifacts:', 'PROXY', ''],
    ['http://host:5000/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts', 'PROXY', '1/abc/artifacts'],
    ['https://host/prefix/api/2.0/mlflow-artifacts/artifacts/A/B%20C', 'PROXY', 'A/B C'],
    ['https://host/api/2.0/mlflow-artifacts/artifacts', 'PROXY', ''],
    ['file:///data/artifacts/1/abc/artifacts', 'DEST', '1/abc/artifacts'],
    ['file://localhost/data/artifacts/1/x%20y', 'DEST', '1/x y'],
    ['/data/artifacts/1/abc/artifacts', 'DEST', '1/abc/artifacts'],
    ['/data/artifacts', 'DEST', ''],
    ['/data/artifacts/legacy/7/r/artifacts', 'LEGACY', '7/r/artifacts'],
    ['/srv/mlruns/0/r/artifacts', 'DEFAULT_ROOT', '0/r/artifacts'],
    ['s3://artifacts/loupe/1/abc/artifacts', 'S3_DEST', '1/abc/artifacts'],
    ['s3://artifacts/loupe/', 'S3_DEST', ''],
    ['s3://artifacts/loupe/legacy/7/r', 'S3_LEGACY', '7/r'],
    ['s3://whole-bucket/0/r/artifacts', 'S3_BUCKET', '0/r/artifacts'],
    ['s3://whole-bucket', 'S3_BUCKET', ''],
  ])('serves %s from %s as %j', (uri, target, path) => {
    expect(mapArtifactUri(uri, roots)).toEqual({ served: true, target, path });
  });

  it.each([
    ['s3://bucket/1/abc/artifacts', 'outside the S3 locations'],
    ['s3://artifacts/loupe-other/1', 'outside the S3 locations'],
    ['s3://artifacts/other/1', 'outside the S3 locations'],
    ['s3://artifacts/loupe/../secret', "'..' segment"],
    ['s3://artifacts/loupe/a?versionId=1', 'query string'],
    ['s3://x/loupe', 'not a bucket name'],
    ['gs://bucket/x', "'gs' scheme"],
    ['runs:/abc/model', "'runs' scheme"],
    ['/etc', 'outside'],
    ['/data/artifacts-old/1', 'outside'],
    ['file:///etc/passwd', 'outside'],
    ['file://otherhost/data/artifacts/1', 'not a usable local path'],
    ['/data/artifacts/../../etc', 'not a usable local path'],
    ['file:///data/artifacts/%2e%2e/%2e%2e/etc', 'not a usable local path'],
    ['mlflow-artifacts:/../../etc', 'not safe'],
    ['mlflow-artifacts:/a/%2e%2e/%2e%2e/b', 'not safe'],
    ['mlflow-artifacts:/a?x=1', 'query string'],
    ['http://host/api/2.0/mlflow-artifacts/artifacts/..%2f..%2fetc', 'not safe'],
    ['http://host/api/2.0/mlflow-artifacts/artifactsX/1', 'not an artifact proxy URL'],
    ['http://host/files/1', 'not an artifact proxy URL'],
    ['C:\\mlruns\\1', 'outside'],
  ])('does not serve %s (%s)', (uri, why) => {
    const result = mapArtifactUri(uri, roots);
    expect(result.served).toBe(false);
    expect(result.served ? '' : result.reason).toContain(why);
  });

  it('does not serve proxied URIs when proxying is off', () => {
    const off = mapArtifactUri('mlflow-artifacts:/1/abc', { local: roots.local });
    expect(off).toEqual({ served: false, reason: expect.stringContaining('--no-serve-artifacts') });
  });
});

describe('localPathOfUri', () => {
  it('returns absolute local paths for file URIs and plain paths only', () => {
    expect(localPathOfUri('file:///a/b%20c')).toBe('/a/b c');
    expect(localPathOfUri('/a/b')).toBe('/a/b');
    expect(localPathOfUri('s3://b/k')).toBeNull();
    expect(localPathOfUri('mlflow-artifacts:/')).toBeNull();
    expect(localPathOfUri('/a/../b')).toBeNull();
  });
});
