import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';

const API = '/api/2.0/mlflow';
const AJAX = '/ajax-api/2.0/mlflow';
const MISSING_RUN = 'ffffffffffffffffffffffffffffffff';

async function createRun(loupe: TestLoupe, artifact_location?: string): Promise<{ runId: string; artifactUri: string }> {
  const name = `exp-${Math.random().toString(16).slice(2)}`;
  const exp = await loupe.call('POST', `${API}/experiments/create`, artifact_location ? { name, artifact_location } : { name });
  expect(exp.status).toBe(200);
  const run = await loupe.call('POST', `${API}/runs/create`, { experiment_id: exp.body.experiment_id });
  const info = (run.body.run as { info: { run_id: string; artifact_uri: string } }).info;
  return { runId: info.run_id, artifactUri: info.artifact_uri };
}

const upload = (loupe: TestLoupe, query: string, body?: string | Uint8Array) => loupe.app.request(`${AJAX}/upload-artifact?${query}`, { method: 'POST', body });

describe('run artifact routes', () => {
  let loupe: TestLoupe;
  beforeEach(async () => {
    loupe = await createTestLoupe();
  });
  afterEach(async () => {
    await loupe.dispose();
  });

  it('uploads through the UI route into the run artifact root, lists and downloads', async () => {
    const { runId, artifactUri } = await createRun(loupe);
    expect(artifactUri).toMatch(/^mlflow-artifacts:\/\d+\/[0-9a-f]{32}\/artifacts$/);
    const up = await upload(loupe, `run_uuid=${runId}&path=${encodeURIComponent('plots/loss curve.png')}`, new Uint8Array([137, 80, 78, 71]));
    expect(up.status).toBe(200);
    expect(up.headers.get('content-type')).toBe('application/json');
    expect(await up.text()).toBe('');
    expect((await upload(loupe, `run_uuid=${runId}&path=notes.txt`, 'hello')).status).toBe(200);
    const stored = path.join(loupe.artifactsDir, artifactUri.replace('mlflow-artifacts:/', ''), 'plots', 'loss curve.png');
    expect(fs.readFileSync(stored)).toEqual(Buffer.from([137, 80, 78, 71]));

    for (const prefix of [API, AJAX]) {
      const root = await loupe.call('GET', `${prefix}/artifacts/list?run_id=${runId}`);
      expect(root).toMatchObject({ status: 200 });
      expect(root.body).toEqual({
        root_uri: artifactUri,
        files: [
          { path: 'notes.txt', is_dir: false, file_size: 5 },
          { path: 'plots', is_dir: true },
        ],
      });
    }
    const sub = await loupe.call('GET', `${API}/artifacts/list?run_uuid=${runId}&path=plots/`);
    expect(sub.body).toEqual({ root_uri: artifactUri, files: [{ path: 'plots/loss curve.png', is_dir: false, file_size: 4 }] });

    const get = await loupe.app.request(`/get-artifact?run_id=${runId}&path=${encodeURIComponent('plots/loss curve.png')}`);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe('image/png');
    expect(get.headers.get('content-disposition')).toBe('attachment; filename="loss curve.png"');
    expect(get.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await get.arrayBuffer())).toEqual(Buffer.from([137, 80, 78, 71]));
    expect(await (await loupe.app.request(`/get-artifact?run_uuid=${runId}&path=notes.txt`)).text()).toBe('hello');
  });

  it('lists an empty or missing folder as root_uri only', async () => {
    const { runId, artifactUri } = await createRun(loupe);
    expect(await loupe.call('GET', `${API}/artifacts/list?run_id=${runId}`)).toMatchObject({ status: 200, body: { root_uri: artifactUri } });
    expect((await loupe.call('GET', `${API}/artifacts/list?run_id=${runId}&path=nope`)).body).toEqual({ root_uri: artifactUri });
  });

  it('answers 404 for unknown runs and missing files, 400 for missing parameters', async () => {
    const { runId } = await createRun(loupe);
    expect(await loupe.call('GET', `${API}/artifacts/list?run_id=${MISSING_RUN}`)).toMatchObject({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
    expect(await loupe.call('GET', `/get-artifact?run_id=${MISSING_RUN}&path=a.txt`)).toMatchObject({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
    expect(await loupe.call('GET', `/get-artifact?run_id=${runId}&path=a.txt`)).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    expect(await loupe.call('GET', `/get-artifact?run_id=${runId}`)).toMatchObject({ status: 400, body: { message: expect.stringContaining("'path'") } });
    expect(await loupe.call('GET', `/get-artifact?path=a.txt`)).toMatchObject({ status: 400, body: { message: expect.stringContaining("'run_id'") } });
    expect(await loupe.call('GET', `${API}/artifacts/list`)).toMatchObject({ status: 400, body: { message: expect.stringContaining("'run_id'") } });
    expect((await upload(loupe, `run_uuid=${MISSING_RUN}&path=a.txt`, 'x')).status).toBe(404);
  });

  it('checks upload-artifact requests as MLflow does', async () => {
    const { runId } = await createRun(loupe);
    const cases: [string, string | Uint8Array | undefined, string][] = [
      [`path=a.txt`, 'x', 'Request must specify run_uuid.'],
      [`run_uuid=${runId}`, 'x', 'Request must specify path.'],
      [`run_uuid=${runId}&path=a.txt`, undefined, 'Request must specify data.'],
      [`run_uuid=${runId}&path=a.txt`, '', 'Request must specify data.'],
      [`run_uuid=${runId}&path=big.bin`, new Uint8Array(10 * 1024 * 1024 + 1), 'Artifact size is too large. Max size is 10MB.'],
    ];
    for (const [query, body, message] of cases) {
      const res = await upload(loupe, query, body);
      expect(res.status, query).toBe(400);
      expect(await res.json()).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message });
    }
    expect((await loupe.call('GET', `${API}/artifacts/list?run_id=${runId}`)).body.files).toBeUndefined();
    expect((await upload(loupe, `run_uuid=${runId}&path=max.bin`, new Uint8Array(10 * 1024 * 1024))).status).toBe(200);
  });

  it('stops reading an undeclared oversize upload at 10 MiB and keeps nothing', async () => {
    const { runId } = await createRun(loupe);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 64 * 1024 * 1024) return controller.close();
        sent += 1024 * 1024;
        controller.enqueue(new Uint8Array(1024 * 1024));
      },
    });
    const res = await loupe.app.request(`${AJAX}/upload-artifact?run_uuid=${runId}&path=huge.bin`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(400);
    expect(sent).toBeLessThan(16 * 1024 * 1024);
    expect((await loupe.call('GET', `${API}/artifacts/list?run_id=${runId}`)).body.files).toBeUndefined();
  });

  it('refuses artifact roots it cannot serve, with the reason, and reads nothing', async () => {
    const s3 = await createRun(loupe, 's3://bucket/prefix');
    const list = await loupe.call('GET', `${API}/artifacts/list?run_id=${s3.runId}`);
    expect(list).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('outside the S3 locations this server serves') },
    });
    expect((await loupe.call('GET', `/get-artifact?run_id=${s3.runId}&path=x`)).status).toBe(400);
    expect((await upload(loupe, `run_uuid=${s3.runId}&path=x`, 'x')).status).toBe(400);

    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-elsewhere-'));
    try {
      fs.writeFileSync(path.join(elsewhere, 'secret.txt'), 'secret');
      const local = await createRun(loupe, elsewhere);
      const res = await loupe.call('GET', `${API}/artifacts/list?run_id=${local.runId}`);
      expect(res).toMatchObject({ status: 400, body: { message: expect.stringContaining('outside the folders') } });
      expect((await upload(loupe, `run_uuid=${local.runId}&path=x.txt`, 'x')).status).toBe(400);
      expect(fs.readdirSync(elsewhere)).toEqual(['secret.txt']);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('serves runs whose root is a file URI or plain path inside the artifacts destination', async () => {
    for (const location of [`file://${loupe.artifactsDir}/by-uri`, path.join(loupe.artifactsDir, 'by-path')]) {
      const { runId, artifactUri } = await createRun(loupe, location);
      expect((await upload(loupe, `run_uuid=${runId}&path=d/f.txt`, 'local')).status).toBe(200);
      expect((await loupe.call('GET', `${API}/artifacts/list?run_id=${runId}&path=d`)).body).toEqual({
        root_uri: artifactUri,
        files: [{ path: 'd/f.txt', is_dir: false, file_size: 5 }],
      });
      expect(await (await loupe.app.request(`/get-artifact?run_id=${runId}&path=d/f.txt`)).text()).toBe('local');
    }
  });
});

describe('run artifact routes with --no-serve-artifacts', () => {
  let loupe: TestLoupe;
  beforeEach(async () => {
    loupe = await createTestLoupe({ serveArtifacts: false });
  });
  afterEach(async () => {
    await loupe.dispose();
  });

  it('gives runs local roots in the destination and still serves them', async () => {
    const { runId, artifactUri } = await createRun(loupe);
    expect(artifactUri.startsWith(loupe.artifactsDir)).toBe(true);
    expect((await upload(loupe, `run_uuid=${runId}&path=a.txt`, 'A')).status).toBe(200);
    expect((await loupe.call('GET', `${API}/artifacts/list?run_id=${runId}`)).body).toEqual({
      root_uri: artifactUri,
      files: [{ path: 'a.txt', is_dir: false, file_size: 1 }],
    });
    expect(await (await loupe.app.request(`/get-artifact?run_id=${runId}&path=a.txt`)).text()).toBe('A');
  });

  it('refuses proxied roots with a 400 that says why', async () => {
    const { runId } = await createRun(loupe, 'mlflow-artifacts:/elsewhere');
    const res = await loupe.call('GET', `${API}/artifacts/list?run_id=${runId}`);
    expect(res).toMatchObject({ status: 400, body: { message: expect.stringContaining('--no-serve-artifacts') } });
  });
});
