import { describe, expect, it } from 'vitest';
import { resolveConfig } from './config.js';

describe('resolveConfig: options > environment (LOUPE_* > MLFLOW_*) > defaults', () => {
  it('defaults', () => {
    const c = resolveConfig({}, {});
    expect(c).toMatchObject({
      trackingUri: 'http://127.0.0.1:5000',
      experimentId: '0',
      tracingEnabled: true,
      sampleRatio: 1,
      gzip: true,
      flushOnExit: true,
      exitFlushTimeoutMs: 5000,
      requestTimeoutMs: 30_000,
      tracerProvider: 'own',
    });
    expect(c.queue).toEqual({
      maxQueueSize: 8192,
      maxBatchSize: 512,
      scheduleDelayMs: 1000,
      retryWindowMs: 60_000,
      initialBackoffMs: 500,
      maxBackoffMs: 10_000,
    });
    expect(c.auth).toEqual({ username: undefined, password: undefined, token: undefined });
  });

  it('MLflow variables, overridden by Loupe ones, overridden by options', () => {
    const env = {
      MLFLOW_TRACKING_URI: 'http://mlflow:5000/',
      MLFLOW_EXPERIMENT_ID: '7',
      MLFLOW_TRACKING_TOKEN: 't1',
      MLFLOW_TRACE_SAMPLING_RATIO: '0.5',
      MLFLOW_WORKSPACE: 'ws',
    };
    expect(resolveConfig({}, env)).toMatchObject({
      trackingUri: 'http://mlflow:5000',
      experimentId: '7',
      auth: { token: 't1' },
      sampleRatio: 0.5,
      workspace: 'ws',
    });
    const loupeEnv = { ...env, LOUPE_TRACKING_URI: 'http://loupe:5000', LOUPE_EXPERIMENT_NAME: 'agent', LOUPE_TRACKING_TOKEN: 't2' };
    const fromLoupe = resolveConfig({}, loupeEnv);
    // The experiment comes whole from the first layer naming one: LOUPE_EXPERIMENT_NAME does not beat MLFLOW_EXPERIMENT_ID.
    expect(fromLoupe).toMatchObject({ trackingUri: 'http://loupe:5000', experimentId: '7', auth: { token: 't2' } });
    const fromOptions = resolveConfig({ trackingUri: 'http://opt:1', experimentName: 'opt-exp', token: 't3', sampling: { ratio: 0.25 } }, loupeEnv);
    expect(fromOptions).toMatchObject({ trackingUri: 'http://opt:1', experimentName: 'opt-exp', auth: { token: 't3' }, sampleRatio: 0.25 });
    expect(fromOptions.experimentId).toBeUndefined();
  });

  it('basic auth, redaction, export tuning and switches from the environment', () => {
    const c = resolveConfig(
      {},
      {
        MLFLOW_TRACKING_USERNAME: 'ann',
        MLFLOW_TRACKING_PASSWORD: 'pw',
        LOUPE_REDACT: 'apiKeys,emails',
        LOUPE_EXPORT_MAX_QUEUE_SIZE: '100',
        LOUPE_EXPORT_BATCH_SIZE: '10',
        LOUPE_TRACING_ENABLED: 'false',
        MLFLOW_HTTP_REQUEST_TIMEOUT: '5000',
        LOUPE_OTLP_ENDPOINT: 'http://collector:4318/v1/traces',
      },
    );
    expect(c).toMatchObject({
      auth: { username: 'ann', password: 'pw' },
      redact: { builtins: ['apiKeys', 'emails'] },
      tracingEnabled: false,
      requestTimeoutMs: 5000,
      otlpEndpoints: [{ url: 'http://collector:4318/v1/traces' }],
    });
    expect(c.queue).toMatchObject({ maxQueueSize: 100, maxBatchSize: 10 });
    expect(resolveConfig({}, { LOUPE_REDACT: 'off' }).redact).toBe(false);
  });

  it('a bad environment value warns and falls back; a bad ratio option too', () => {
    const warnings: string[] = [];
    const diagnostics = { warn: (m: string) => warnings.push(m) };
    const c = resolveConfig(
      { diagnostics },
      { LOUPE_TRACE_SAMPLING_RATIO: '2', LOUPE_TRACING_ENABLED: 'maybe', LOUPE_EXPORT_BATCH_SIZE: 'lots', LOUPE_REDACT: 'apiKeys,nope' },
    );
    expect(c).toMatchObject({ sampleRatio: 1, tracingEnabled: true, redact: { builtins: ['apiKeys'] } });
    expect(c.queue.maxBatchSize).toBe(512);
    expect(warnings).toHaveLength(4);
    expect(warnings.join('\n')).toContain('LOUPE_TRACE_SAMPLING_RATIO');
    expect(resolveConfig({ diagnostics, sampling: { ratio: -1 } }, {}).sampleRatio).toBe(1);
  });
});
