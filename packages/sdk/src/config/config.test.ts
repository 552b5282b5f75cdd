import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { consoleDiagnostics, silentDiagnostics } from '../tracing/diagnostics.js';
import { resolveConfig } from './config.js';
import { SETTINGS } from './settings.js';

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

describe('resolveConfig: each setting read through SETTINGS', () => {
  const warningsOf = () => {
    const warnings: string[] = [];
    return { warnings, diagnostics: { warn: (m: string) => warnings.push(m) } };
  };

  it('takes the option, else the Loupe variable, else the MLflow (or OpenTelemetry) one, else the default', () => {
    const env = { LOUPE_HTTP_REQUEST_TIMEOUT: '2000', MLFLOW_HTTP_REQUEST_TIMEOUT: '3000', LOUPE_SERVICE_NAME: 'svc-loupe', OTEL_SERVICE_NAME: 'svc-otel' };
    expect(resolveConfig({ requestTimeoutMs: 1000, serviceName: 'svc-opt' }, env)).toMatchObject({ requestTimeoutMs: 1000, serviceName: 'svc-opt' });
    expect(resolveConfig({}, env)).toMatchObject({ requestTimeoutMs: 2000, serviceName: 'svc-loupe' });
    expect(resolveConfig({}, { MLFLOW_HTTP_REQUEST_TIMEOUT: '3000', OTEL_SERVICE_NAME: 'svc-otel' })).toMatchObject({
      requestTimeoutMs: 3000,
      serviceName: 'svc-otel',
    });
    expect(resolveConfig({}, {})).toMatchObject({ requestTimeoutMs: 30_000, serviceName: 'loupe-app' });
  });

  it('treats an empty variable as unset', () => {
    expect(resolveConfig({}, { LOUPE_TRACKING_URI: '', MLFLOW_TRACKING_URI: 'http://mlflow:5000' }).trackingUri).toBe('http://mlflow:5000');
  });

  it('an option of false or 0 still beats the environment', () => {
    const c = resolveConfig(
      { tracingEnabled: false, redact: false, pricing: false, export: { scheduleDelayMs: 0 } },
      {
        LOUPE_TRACING_ENABLED: 'true',
        LOUPE_REDACT: 'all',
        LOUPE_PRICING: '/nowhere.json',
        LOUPE_EXPORT_DELAY_MS: '50',
      },
    );
    expect(c).toMatchObject({ tracingEnabled: false, redact: false, pricing: false });
    expect(c.queue.scheduleDelayMs).toBe(0);
  });

  it('takes the experiment whole from the first layer naming one, LOUPE_ before MLFLOW_ within the environment', () => {
    expect(resolveConfig({}, { LOUPE_EXPERIMENT_ID: '3', MLFLOW_EXPERIMENT_ID: '7' }).experimentId).toBe('3');
    expect(resolveConfig({}, { MLFLOW_EXPERIMENT_NAME: 'from-mlflow' })).toMatchObject({ experimentName: 'from-mlflow' });
    const named = resolveConfig({ experimentName: 'opt' }, { LOUPE_EXPERIMENT_ID: '3' });
    expect(named).toMatchObject({ experimentName: 'opt' });
    expect(named.experimentId).toBeUndefined();
  });

  it('a bad value falls back to the default (not to the next variable) and names the variable it came from', () => {
    const { warnings, diagnostics } = warningsOf();
    const c = resolveConfig({ diagnostics }, { LOUPE_HTTP_REQUEST_TIMEOUT: 'soon', MLFLOW_HTTP_REQUEST_TIMEOUT: '3000', MLFLOW_TRACE_SAMPLING_RATIO: '-0.5' });
    expect(c).toMatchObject({ requestTimeoutMs: 30_000, sampleRatio: 1 });
    expect(warnings).toEqual([
      "LOUPE_HTTP_REQUEST_TIMEOUT='soon' is not a number in [1, 3600000]; using the default",
      "MLFLOW_TRACE_SAMPLING_RATIO='-0.5' is not a number in [0, 1]; using the default",
    ]);
  });

  it('reports out-of-range numbers, unknown switches, unreadable price files and unknown redaction rules', () => {
    const { warnings, diagnostics } = warningsOf();
    const c = resolveConfig(
      { diagnostics },
      {
        LOUPE_EXPORT_DELAY_MS: '-1',
        LOUPE_EXPORT_MAX_QUEUE_SIZE: 'Infinity',
        LOUPE_TRACING_ENABLED: 'y',
        LOUPE_PRICING: '/no/such/prices.json',
        LOUPE_REDACT: 'emails,phones',
      },
    );
    expect(c.queue).toMatchObject({ scheduleDelayMs: 1000, maxQueueSize: 8192 });
    expect(c).toMatchObject({ tracingEnabled: true, pricing: {}, redact: { builtins: ['emails'] } });
    expect(warnings).toHaveLength(5);
    expect(warnings).toContain("LOUPE_TRACING_ENABLED='y' is not true or false; using the default");
    expect(warnings).toContain('LOUPE_REDACT lists unknown rules (phones); known: apiKeys, emails, cardNumbers, secretKeys');
    expect(warnings.find((w) => w.startsWith("LOUPE_PRICING='/no/such/prices.json' is not a readable price file"))).toBeDefined();
  });

  it('prints problems on the console with LOUPE_DEBUG, unless diagnostics are given', () => {
    expect(resolveConfig({}, { LOUPE_DEBUG: 'on' }).diagnostics).toBe(consoleDiagnostics);
    expect(resolveConfig({}, { LOUPE_DEBUG: 'off' }).diagnostics).toBe(silentDiagnostics);
    expect(resolveConfig({}, { LOUPE_DEBUG: 'loud' }).diagnostics).toBe(silentDiagnostics);
    const mine = { warn: () => {} };
    expect(resolveConfig({ diagnostics: mine }, { LOUPE_DEBUG: 'true' }).diagnostics).toBe(mine);
  });

  it('reads exactly the environment variables the README documents', () => {
    const readme = fs.readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    const documented = new Set([...readme.matchAll(/`((?:LOUPE|MLFLOW|OTEL)_[A-Z_]+)[`=]/g)].map((m) => m[1]));
    const read = new Set(Object.values(SETTINGS).flatMap((s) => [...s.env]));
    expect([...read].sort()).toEqual([...documented].sort());
  });
});
