import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../../config/config.js';
import { startServer, type RunningServer } from '../../main.js';
import { createSqliteDatabase, type TestDatabase } from '../../testing/backends.js';

/** Hostile OTLP bodies over a real socket: each gets a 4xx naming the problem, and the server keeps serving. */
describe('OTLP ingest: bad input over HTTP', () => {
  let server: RunningServer;
  let database: TestDatabase;
  let artifacts: string;
  let exp: string;

  beforeAll(async () => {
    database = await createSqliteDatabase();
    artifacts = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-otlp-bad-'));
    server = await startServer(resolveServerConfig({ port: 0, backendStoreUri: database.uri, artifactsDestination: artifacts }, {}));
    const res = await fetch(`${server.url}/api/2.0/mlflow/experiments/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":"bad"}',
    });
    exp = ((await res.json()) as { experiment_id: string }).experiment_id;
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
    fs.rmSync(artifacts, { recursive: true, force: true });
  });

  const post = async (body: Uint8Array | string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': exp, ...headers },
      body,
    });
    const text = await res.text();
    return { status: res.status, text };
  };
  const spanWith = (extra: Record<string, unknown>) =>
    JSON.stringify({
      resourceSpans: [
        { scopeSpans: [{ spans: [{ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), name: 'x', startTimeUnixNano: '1', endTimeUnixNano: '2', ...extra }] }] },
      ],
    });
  const stillServing = async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const ok = await post(spanWith({ name: 'fine' }));
    expect(ok.status).toBe(200);
  };

  it('refuses a 50 MB body without reading it whole, as a 413', async () => {
    const res = await post(new Uint8Array(50 * 1024 * 1024), { 'content-type': 'application/x-protobuf' });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text)).toMatchObject({ error_code: 'RESOURCE_LIMIT_EXCEEDED', message: expect.stringMatching(/body.*(exceeds|larger|limit)/i) });
    await stillServing();
  });

  it('refuses a small gzip body that inflates past the decoded limit (a zip bomb)', async () => {
    const bomb = gzipSync(Buffer.alloc(80 * 1024 * 1024, 0x20));
    expect(bomb.byteLength).toBeLessThan(1024 * 1024);
    const res = await post(bomb, { 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    expect(res.text).toMatch(/MiB|limit|exceeds/i);
    await stillServing();
  });

  it('refuses deeply nested JSON', async () => {
    // Built as text: JSON.stringify itself cannot nest 10,000 levels.
    const value = `${'{"arrayValue":{"values":['.repeat(10_000)}{"stringValue":"leaf"}${']}}'.repeat(10_000)}`;
    const res = await post(spanWith({ attributes: [{ key: 'deep', value: '@' }] }).replace('"@"', value));
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/nest|depth|deep/i);
    await stillServing();
  });

  it('refuses a span with 10,000 attributes', async () => {
    const attributes = Array.from({ length: 10_000 }, (_, i) => ({ key: `k${i}`, value: { intValue: i } }));
    const res = await post(spanWith({ attributes }));
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/attributes/);
    await stillServing();
  });

  it('stores inputs, outputs and trace tags holding JSON text nested 100,000 deep, previews cut from the text as sent', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const attributes = ['mlflow.spanInputs', 'mlflow.spanOutputs', 'mlflow.traceTag.deep'].map((key) => ({ key, value: { stringValue: deep } }));
    const res = await post(spanWith({ traceId: 'ef'.repeat(16), attributes }));
    expect(res.status, res.text).toBe(200);
    const info = await fetch(`${server.url}/api/3.0/mlflow/traces/tr-${'ef'.repeat(16)}`);
    const { trace } = (await info.json()) as { trace: { trace_info: { request_preview: string; response_preview: string; tags: Record<string, string> } } };
    expect(trace.trace_info.request_preview).toBe('['.repeat(1000));
    expect(trace.trace_info.response_preview).toBe('['.repeat(1000));
    expect(trace.trace_info.tags.deep).toBe(deep);
    await stillServing();
  });

  it('refuses malformed JSON, a wrong content type, an unknown encoding and truncated protobuf', async () => {
    const json = await post('{"resourceSpans": [');
    expect(json.status).toBe(400);
    expect((await post('x', { 'content-type': 'text/xml' })).status).toBe(400);
    expect((await post(spanWith({}), { 'content-encoding': 'br' })).status).toBe(400);
    expect((await post(new Uint8Array([0x0a, 0x50, 0x0a]), { 'content-type': 'application/x-protobuf' })).status).toBe(400);
    expect((await post(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'xyz', spanId: 'cd'.repeat(8) }] }] }] }))).status).toBe(400);
    await stillServing();
  });
});
