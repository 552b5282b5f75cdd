import { describe, expect, it } from 'vitest';
import { checkSourceTraversal, isLocalSource, parseModelsUri, parseRunsUri, parseUri } from './source-uris.js';

describe('source URIs', () => {
  it("splits URIs as Python's urlparse does", () => {
    expect(parseUri('s3://bucket/a/b?x=1#f')).toEqual({ scheme: 's3', netloc: 'bucket', path: '/a/b' });
    expect(parseUri('mlflow-artifacts:/1/run/artifacts')).toEqual({ scheme: 'mlflow-artifacts', netloc: '', path: '/1/run/artifacts' });
    expect(parseUri('relative/path')).toEqual({ scheme: '', netloc: '', path: 'relative/path' });
    expect(parseUri('1abc:/x')).toEqual({ scheme: '', netloc: '', path: '1abc:/x' });
  });

  it('knows local sources, refusing file: URIs on other hosts', () => {
    expect(isLocalSource('/tmp/model')).toBe(true);
    expect(isLocalSource('file:///tmp/model')).toBe(true);
    expect(isLocalSource('file://localhost/tmp/model')).toBe(true);
    expect(isLocalSource('s3://bucket/model')).toBe(false);
    expect(() => isLocalSource('file://evil.example/share/model')).toThrow('is not a valid remote uri');
  });

  it.each([
    'mlflow-artifacts:/1/abc/artifacts/model',
    's3://bucket/models/m',
    'runs:/abc/model',
    'models:/m-123',
    'https://host/api/2.0/mlflow-artifacts/artifacts/1/x',
  ])('lets %s through', (source) => {
    expect(() => checkSourceTraversal(source)).not.toThrow();
  });

  it.each([
    'mlflow-artifacts://host:5000/../../../',
    'http://host/api/2.0/mlflow-artifacts/artifacts/../../../../',
    'mlflow-artifacts:/..%2f..%2fetc',
    'mlflow-artifacts:/%252e%252e/%252e%252e/etc',
    's3:/my_bucket/models/path/../../other/path',
    'http://host/api/2.0/mlflow-artifacts/artifacts%00',
    's3://bucket/a/./b',
    's3://bucket',
  ])('refuses %s', (source) => {
    expect(() => checkSourceTraversal(source)).toThrow('Invalid model version source');
  });

  it("parses models:/ URIs as MLflow's _parse_model_uri does", () => {
    expect(parseModelsUri('models:/m-0123')).toEqual({ kind: 'logged-model', modelId: 'm-0123' });
    expect(parseModelsUri('models:/clf/3')).toEqual({ kind: 'version', name: 'clf', version: 3 });
    expect(parseModelsUri('models:/clf/Latest')).toEqual({ kind: 'latest', name: 'clf' });
    expect(parseModelsUri('models:/clf/Production')).toEqual({ kind: 'stage', name: 'clf', stage: 'Production' });
    expect(parseModelsUri('models:/clf@champion')).toEqual({ kind: 'alias', name: 'clf', alias: 'champion' });
    expect(parseModelsUri('runs:/abc/model')).toBeUndefined();
    for (const bad of ['models:/', 'models:/a/b/c', 'models:/clf@', 'models:clf/1'])
      expect(() => parseModelsUri(bad), bad).toThrow('Not a proper models:/ URI');
  });

  it('parses runs:/ URIs', () => {
    expect(parseRunsUri('runs:/abc/model/sub')).toEqual({ runId: 'abc', path: 'model/sub' });
    expect(parseRunsUri('runs:/abc')).toEqual({ runId: 'abc', path: '' });
    expect(parseRunsUri('models:/abc')).toBeUndefined();
  });
});
