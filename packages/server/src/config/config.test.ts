import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseCommand, resolveServerConfig } from './config.js';

describe('resolveServerConfig', () => {
  it('uses MLflow-like defaults', () => {
    const c = resolveServerConfig({}, {});
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 5000,
      backendStoreUri: 'sqlite:///./loupe-data/loupe.db',
      defaultArtifactRoot: 'mlflow-artifacts:/',
      artifactsDestination: path.resolve('loupe-data/artifacts'),
      serveArtifacts: true,
    });
  });

  it('prefers options over LOUPE_* over MLFLOW_* over defaults', () => {
    expect(resolveServerConfig({}, { MLFLOW_PORT: '6000' }).port).toBe(6000);
    expect(resolveServerConfig({}, { MLFLOW_PORT: '6000', LOUPE_PORT: '7000' }).port).toBe(7000);
    expect(resolveServerConfig({ port: 8000 }, { LOUPE_PORT: '7000' }).port).toBe(8000);
    expect(resolveServerConfig({}, { MLFLOW_BACKEND_STORE_URI: 'postgresql://x/y' }).backendStoreUri).toBe('postgresql://x/y');
  });

  it('uses the artifacts destination as the default root when not serving artifacts', () => {
    const c = resolveServerConfig({ serveArtifacts: false, artifactsDestination: '/srv/art' }, {});
    expect(c.defaultArtifactRoot).toBe('/srv/art');
    expect(resolveServerConfig({}, { LOUPE_SERVE_ARTIFACTS: 'false' }).serveArtifacts).toBe(false);
  });

  it('rejects bad environment values with a message naming the setting', () => {
    expect(() => resolveServerConfig({}, { LOUPE_PORT: 'abc' })).toThrow(ConfigError);
    expect(() => resolveServerConfig({}, { LOUPE_PORT: '70000' })).toThrow(/port/);
    expect(() => resolveServerConfig({}, { LOUPE_SERVE_ARTIFACTS: 'maybe' })).toThrow(/serve-artifacts/);
    expect(() => resolveServerConfig({}, { LOUPE_TRACE_RETENTION_DAYS: '0' })).toThrow(/trace-retention-days/);
    expect(() => resolveServerConfig({}, { LOUPE_TRACE_RETENTION_INTERVAL_MS: '10' })).toThrow(/trace-retention-interval-ms/);
  });

  it('keeps traces forever unless a retention period is set, checked every 15 minutes', () => {
    const c = resolveServerConfig({}, {});
    expect(c.traceRetentionDays).toBeUndefined();
    expect(c.traceRetentionIntervalMs).toBe(900_000);
    expect(resolveServerConfig({}, { LOUPE_TRACE_RETENTION_DAYS: '30', LOUPE_TRACE_RETENTION_INTERVAL_MS: '60000' })).toMatchObject({
      traceRetentionDays: 30,
      traceRetentionIntervalMs: 60_000,
    });
    expect(resolveServerConfig({ traceRetentionDays: 7 }, { LOUPE_TRACE_RETENTION_DAYS: '30' }).traceRetentionDays).toBe(7);
  });

  it('decodes OTLP on one thread per core beyond the first (at most 4) unless told', () => {
    expect(resolveServerConfig({}, {}).otlpDecodeThreads).toBe(Math.max(0, Math.min(4, os.availableParallelism() - 1)));
    expect(resolveServerConfig({}, { LOUPE_OTLP_DECODE_THREADS: '0' }).otlpDecodeThreads).toBe(0);
    expect(resolveServerConfig({ otlpDecodeThreads: 3 }, { LOUPE_OTLP_DECODE_THREADS: '0' }).otlpDecodeThreads).toBe(3);
    expect(() => resolveServerConfig({}, { LOUPE_OTLP_DECODE_THREADS: '-1' })).toThrow(/otlp-decode-threads/);
    expect(parseCommand(['server', '--otlp-decode-threads', '2'])).toEqual({ kind: 'server', options: { otlpDecodeThreads: 2 } });
  });
});

describe('parseCommand', () => {
  it('parses server flags', () => {
    expect(
      parseCommand([
        'server',
        '--host',
        '0.0.0.0',
        '--port',
        '8080',
        '--backend-store-uri',
        'sqlite:///x.db',
        '--no-serve-artifacts',
        '--artifacts-destination',
        '/a',
      ]),
    ).toEqual({
      kind: 'server',
      options: { host: '0.0.0.0', port: 8080, backendStoreUri: 'sqlite:///x.db', serveArtifacts: false, artifactsDestination: '/a' },
    });
    expect(parseCommand(['server', '--serve-artifacts'])).toEqual({ kind: 'server', options: { serveArtifacts: true } });
    expect(parseCommand(['server', '--trace-retention-days', '14'])).toEqual({ kind: 'server', options: { traceRetentionDays: 14 } });
  });

  it('parses db upgrade, help and version', () => {
    expect(parseCommand(['db', 'upgrade', '--backend-store-uri', 'postgresql://h/d'])).toEqual({
      kind: 'db-upgrade',
      options: { backendStoreUri: 'postgresql://h/d' },
    });
    expect(parseCommand(['db', 'index-text'])).toEqual({ kind: 'db-index-text', options: {} });
    expect(parseCommand([]).kind).toBe('help');
    expect(parseCommand(['--help']).kind).toBe('help');
    expect(parseCommand(['--version']).kind).toBe('version');
  });

  it('rejects unknown commands, unknown flags and contradictions', () => {
    expect(() => parseCommand(['serve'])).toThrow(/Unknown command 'serve'/);
    expect(() => parseCommand(['server', '--bogus'])).toThrow(ConfigError);
    expect(() => parseCommand(['server', '--port', 'x'])).toThrow(/--port/);
    expect(() => parseCommand(['server', '--trace-retention-days', '-1'])).toThrow(/--trace-retention-days/);
    expect(() => parseCommand(['server', '--serve-artifacts', '--no-serve-artifacts'])).toThrow(/mutually exclusive/);
  });
});
