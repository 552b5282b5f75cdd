import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';
import { UPLOAD_TEMP_PREFIX } from '../../store/artifacts/local/local-artifact-store.js';

const API = '/api/2.0/mlflow-artifacts';
const AJAX = '/ajax-api/2.0/mlflow-artifacts';

/** A request init with a streamed body (`duplex` is required by fetch for stream bodies). */
function streamed(method: string, body: ReadableStream<Uint8Array>): RequestInit {
  return { method, body, duplex: 'half' } as RequestInit;
}

describe('proxied artifact routes (mlflow-artifacts)', () => {
  let loupe: TestLoupe;
  beforeEach(async () => {
    loupe = await createTestLoupe();
  });
  afterEach(async () => {
    await loupe.dispose();
  });

  const put = (url: string, body: string | Uint8Array) => loupe.app.request(url, { method: 'PUT', body });
  const onDisk = (rel: string) => path.join(loupe.artifactsDir, rel);

  it('uploads and downloads a file under both prefixes, with attachment headers', async () => {
    for (const prefix of [API, AJAX]) {
      const res = await put(`${prefix}/artifacts/1/run/artifacts/notes.txt`, 'hello artifacts');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.json()).toEqual({});
      const get = await loupe.app.request(`${prefix}/artifacts/1/run/artifacts/notes.txt`);
      expect(get.status).toBe(200);
      expect(await get.text()).toBe('hello artifacts');
      expect(get.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(get.headers.get('content-disposition')).toBe('attachment; filename="notes.txt"');
      expect(get.headers.get('x-content-type-options')).toBe('nosniff');
      expect(get.headers.get('content-length')).toBe('15');
    }
    expect(fs.readFileSync(onDisk('1/run/artifacts/notes.txt'), 'utf8')).toBe('hello artifacts');
  });

  it.each([
    ['metrics.json', 'application/json; charset=utf-8', 'attachment; filename="metrics.json"'],
    ['model.pkl', 'application/octet-stream', 'attachment; filename="model.pkl"'],
    ['MLmodel', 'text/plain; charset=utf-8', 'attachment; filename="MLmodel"'],
    ['plot.PNG', 'image/png', 'attachment; filename="plot.PNG"'],
    ['page.html', 'text/html; charset=utf-8', 'attachment; filename="page.html"'],
    ['résumé "v2".csv', 'text/csv; charset=utf-8', `attachment; filename="r_sum_ _v2_.csv"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22v2%22.csv`],
  ])('serves %s as %s', async (name, type, disposition) => {
    const url = `${API}/artifacts/files/${encodeURIComponent(name)}`;
    expect((await put(url, 'x')).status).toBe(200);
    const res = await loupe.app.request(url);
    expect(res.headers.get('content-type')).toBe(type);
    expect(res.headers.get('content-disposition')).toBe(disposition);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('streams a 20 MB body to disk as it arrives, and back byte for byte', async () => {
    const chunkSize = 1024 * 1024;
    const chunks = 20;
    const sent = createHash('sha256');
    const tempSizes: number[] = [];
    const dir = onDisk('big');
    let i = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (i > 0 && fs.existsSync(dir)) {
          const temp = fs.readdirSync(dir).find((n) => n.startsWith(UPLOAD_TEMP_PREFIX));
          tempSizes.push(temp ? fs.statSync(path.join(dir, temp)).size : 0);
        }
        if (i === chunks) return controller.close();
        const chunk = Buffer.alloc(chunkSize, i);
        chunk.writeUInt32BE((i * 2654435761) >>> 0, 0);
        sent.update(chunk);
        controller.enqueue(chunk);
        i++;
      },
    });
    const res = await loupe.app.request(`${API}/artifacts/big/model.bin`, streamed('PUT', body));
    expect(res.status).toBe(200);
    // Bytes reached the disk while later chunks were still unsent: the body was never held whole.
    expect(Math.max(...tempSizes)).toBeGreaterThanOrEqual((chunks - 3) * chunkSize);
    const get = await loupe.app.request(`${API}/artifacts/big/model.bin`);
    expect(get.headers.get('content-length')).toBe(String(chunks * chunkSize));
    const received = createHash('sha256');
    let total = 0;
    for await (const part of get.body as unknown as AsyncIterable<Uint8Array>) {
      received.update(part);
      total += part.byteLength;
    }
    expect(total).toBe(chunks * chunkSize);
    expect(received.digest('hex')).toBe(sent.digest('hex'));
  });

  it('stores an empty file for a PUT without a body', async () => {
    expect((await loupe.app.request(`${API}/artifacts/empty.txt`, { method: 'PUT' })).status).toBe(200);
    const res = await loupe.app.request(`${API}/artifacts/empty.txt`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('leaves no file when the upload body fails midway, and answers 400', async () => {
    let sentChunks = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sentChunks++ < 3) controller.enqueue(Buffer.alloc(100_000, 1));
        else controller.error(new Error('connection reset'));
      },
    });
    const res = await loupe.app.request(`${API}/artifacts/broken/file.bin`, streamed('PUT', body));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error_code: 'BAD_REQUEST', message: expect.stringContaining('connection reset') });
    expect(fs.readdirSync(onDisk('broken'))).toEqual([]);
  });

  it('lists a folder by base names, and a missing folder as {}', async () => {
    await put(`${API}/artifacts/exp/run/a.txt`, 'aaa');
    await put(`${API}/artifacts/exp/run/sub/b.txt`, 'b');
    const list = await loupe.call('GET', `${API}/artifacts?path=exp/run`);
    expect(list).toMatchObject({
      status: 200,
      body: {
        files: [
          { path: 'a.txt', is_dir: false, file_size: 3 },
          { path: 'sub', is_dir: true },
        ],
      },
    });
    expect((await loupe.call('GET', `${AJAX}/artifacts?path=exp/run/sub`)).body).toEqual({ files: [{ path: 'b.txt', is_dir: false, file_size: 1 }] });
    expect((await loupe.call('GET', `${API}/artifacts`)).body).toEqual({ files: [{ path: 'exp', is_dir: true }] });
    const missing = await loupe.call('GET', `${API}/artifacts?path=nope`);
    expect(missing).toMatchObject({ status: 200, text: '{}' });
  });

  it('deletes files and folders; deleting nothing is fine', async () => {
    await put(`${API}/artifacts/d/one.txt`, '1');
    await put(`${API}/artifacts/d/sub/two.txt`, '2');
    expect(await loupe.call('DELETE', `${API}/artifacts/d/one.txt`)).toMatchObject({ status: 200, body: {} });
    expect((await loupe.app.request(`${API}/artifacts/d/one.txt`)).status).toBe(404);
    expect(await loupe.call('DELETE', `${AJAX}/artifacts/d`)).toMatchObject({ status: 200, body: {} });
    expect(fs.existsSync(onDisk('d'))).toBe(false);
    expect((await loupe.call('DELETE', `${API}/artifacts/d`)).status).toBe(200);
  });

  it('answers 404 RESOURCE_DOES_NOT_EXIST for a missing file and 400 for a folder', async () => {
    const missing = await loupe.call('GET', `${API}/artifacts/no/such/file.txt`);
    expect(missing).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: expect.stringContaining('no/such/file.txt') } });
    await put(`${API}/artifacts/folder/x.txt`, 'x');
    expect(await loupe.call('GET', `${API}/artifacts/folder`)).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
    expect(await loupe.call('PUT', `${API}/artifacts/folder`, 'x')).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
    expect(await loupe.call('PUT', `${API}/artifacts/folder/x.txt/child`, 'x')).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
  });

  it.each(['create', 'complete', 'abort'])('answers 501 NOT_IMPLEMENTED to mpu/%s, after checking the request as MLflow does', async (step) => {
    for (const prefix of [API, AJAX]) {
      const res = await loupe.call('POST', `${prefix}/mpu/${step}/big`, { path: '/tmp/model.bin', num_parts: 3, upload_id: 'u', parts: [] });
      expect(res.status).toBe(501);
      expect(res.body).toEqual({ error_code: 'NOT_IMPLEMENTED', message: 'Multipart upload is not supported for the current artifact repository' });
      expect(await loupe.call('POST', `${prefix}/mpu/${step}/big`, {})).toMatchObject({ status: 400, body: { message: expect.stringContaining("'path'") } });
    }
    expect(fs.readdirSync(loupe.artifactsDir)).toEqual([]);
  });

  it('answers 501 NOT_IMPLEMENTED to presigned/<path>: a folder signs no download URL', async () => {
    await put(`${API}/artifacts/a.txt`, 'a');
    for (const prefix of [API, AJAX]) {
      expect(await loupe.call('GET', `${prefix}/presigned/a.txt`)).toMatchObject({
        status: 501,
        body: { error_code: 'NOT_IMPLEMENTED', message: 'Multipart download is not supported for the current artifact repository' },
      });
    }
  });
});

describe('proxied artifact routes with --no-serve-artifacts', () => {
  let loupe: TestLoupe;
  beforeEach(async () => {
    loupe = await createTestLoupe({ serveArtifacts: false });
  });
  afterEach(async () => {
    await loupe.dispose();
  });

  it.each([
    ['GET', `${API}/artifacts/a.txt`],
    ['PUT', `${API}/artifacts/a.txt`],
    ['DELETE', `${AJAX}/artifacts/a.txt`],
    ['GET', `${API}/artifacts?path=a`],
    ['GET', `${AJAX}/artifacts`],
    ['POST', `${API}/mpu/create/a.bin`],
    ['POST', `${AJAX}/mpu/complete/a.bin`],
    ['POST', `${API}/mpu/abort/a.bin`],
    ['GET', `${AJAX}/presigned/a.bin`],
    ['GET', `${API}/artifacts/..%2f..%2fetc/passwd`],
  ])('%s %s answers 503 in plain text', async (method, url) => {
    const res = await loupe.app.request(url, { method, body: method === 'PUT' ? 'data' : undefined });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toContain('--no-serve-artifacts');
    expect(fs.readdirSync(loupe.artifactsDir)).toEqual([]);
  });
});
