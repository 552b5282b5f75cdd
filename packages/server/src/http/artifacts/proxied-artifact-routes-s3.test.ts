import { createHash } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeOnS3, testS3Targets, type S3Target } from '../../testing/s3.js';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';

const API = '/api/2.0/mlflow-artifacts';
const AJAX = '/ajax-api/2.0/mlflow-artifacts';
const MiB = 1024 * 1024;

/** A request init with a streamed body (`duplex` is required by fetch for stream bodies). */
function streamed(method: string, body: ReadableStream<Uint8Array>): RequestInit {
  return { method, body, duplex: 'half' } as RequestInit;
}

/** Hostile paths as they appear in a URL (the local store's tests have the same list). */
const URL_PATHS = ['../x', 'a/../../x', '%2e%2e/x', '%252e%252e/x', 'a%2f..%2f..%2fx', 'x%00', 'a%5c..%5cx', '%2fetc%2fpasswd', 'C:%5cWindows'];

const s3Settings = (target: S3Target) => ({
  s3EndpointUrl: target.endpoint,
  s3AccessKeyId: target.accessKeyId,
  s3SecretAccessKey: target.secretAccessKey,
  s3Region: target.region,
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

for (const target of await testS3Targets()) {
  describeOnS3(target, 'proxied artifact routes with an s3:// destination', () => {
    let client: S3Client;
    let prefix: string;
    let loupe: TestLoupe;
    beforeAll(() => {
      client = target.client();
    });
    beforeEach(async () => {
      prefix = target.freshPrefix();
      loupe = await createTestLoupe({ artifactsDestination: `s3://${target.bucket}/${prefix}/dest`, ...s3Settings(target) });
    });
    afterEach(async () => {
      await loupe.dispose();
    });

    /** Every key of this test (`<prefix>/...`), sorted. */
    const keys = () => target.keysUnder(prefix);
    const put = (url: string, body: string | Uint8Array) => loupe.app.request(url, { method: 'PUT', body });

    it('uploads, downloads, lists and deletes under both prefixes, as keys under the destination prefix', async () => {
      for (const p of [API, AJAX]) {
        expect(await loupe.call('PUT', `${p}/artifacts/1/run/artifacts/notes.txt`, 'hello s3')).toMatchObject({ status: 200, body: {} });
        const get = await loupe.app.request(`${p}/artifacts/1/run/artifacts/notes.txt`);
        expect(get.status).toBe(200);
        expect(await get.text()).toBe('hello s3');
        expect(get.headers.get('content-type')).toBe('text/plain; charset=utf-8');
        expect(get.headers.get('content-disposition')).toBe('attachment; filename="notes.txt"');
        expect(get.headers.get('content-length')).toBe('8');
      }
      await put(`${API}/artifacts/1/run/artifacts/sub/deep.json`, '{}');
      expect(await keys()).toEqual([`${prefix}/dest/1/run/artifacts/notes.txt`, `${prefix}/dest/1/run/artifacts/sub/deep.json`]);
      expect((await loupe.call('GET', `${API}/artifacts?path=1/run/artifacts`)).body).toEqual({
        files: [
          { path: 'notes.txt', is_dir: false, file_size: 8 },
          { path: 'sub', is_dir: true },
        ],
      });
      expect(await loupe.call('GET', `${API}/artifacts?path=nope`)).toMatchObject({ status: 200, text: '{}' });
      expect(await loupe.call('GET', `${API}/artifacts/1/run/artifacts/missing.txt`)).toMatchObject({
        status: 404,
        body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
      });
      expect(await loupe.call('GET', `${API}/artifacts/1/run/artifacts/sub`)).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
      expect(await loupe.call('DELETE', `${API}/artifacts/1/run`)).toMatchObject({ status: 200, body: {} });
      expect(await keys()).toEqual([]);
    });

    it('streams a 12 MB body to S3 in parts and back, byte for byte', async () => {
      const sent = createHash('sha256');
      let i = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (i === 12) return controller.close();
          const chunk = Buffer.alloc(MiB, i++);
          sent.update(chunk);
          controller.enqueue(chunk);
        },
      });
      expect((await loupe.app.request(`${API}/artifacts/big/model.bin`, streamed('PUT', body))).status).toBe(200);
      const get = await loupe.app.request(`${API}/artifacts/big/model.bin`);
      expect(get.headers.get('content-length')).toBe(String(12 * MiB));
      const received = createHash('sha256');
      for await (const part of get.body as unknown as AsyncIterable<Uint8Array>) received.update(part);
      expect(received.digest('hex')).toBe(sent.digest('hex'));
    });

    it('answers 400 and stores nothing when the upload body fails midway', async () => {
      let chunks = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (chunks++ < 3) controller.enqueue(Buffer.alloc(100_000, 1));
          else controller.error(new Error('connection reset'));
        },
      });
      const res = await loupe.app.request(`${API}/artifacts/broken/file.bin`, streamed('PUT', body));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error_code: 'BAD_REQUEST', message: expect.stringContaining('connection reset') });
      expect(await keys()).toEqual([]);
    });

    it('refuses hostile paths on every route, and nothing outside the destination prefix is touched', async () => {
      await client.send(new PutObjectCommand({ Bucket: target.bucket, Key: `${prefix}/sentinel.txt`, Body: 'secret' }));
      await client.send(new PutObjectCommand({ Bucket: target.bucket, Key: `${prefix}/dest-other/sentinel.txt`, Body: 'secret' }));
      const refused = async (res: Response, label: string) => {
        const text = await res.text();
        expect([400, 404], `${label}: ${res.status} ${text}`).toContain(res.status);
        expect(text, label).not.toContain('secret');
      };
      const json = { 'content-type': 'application/json' };
      for (const p of [...URL_PATHS, '..%2fdest-other%2fsentinel.txt']) {
        await refused(await loupe.app.request(`${API}/artifacts/${p}`), `GET ${p}`);
        await refused(await loupe.app.request(`${API}/artifacts/${p}`, { method: 'PUT', body: 'pwned' }), `PUT ${p}`);
        await refused(await loupe.app.request(`${API}/artifacts/${p}`, { method: 'DELETE' }), `DELETE ${p}`);
        await refused(await loupe.app.request(`${API}/presigned/${p}`), `presigned ${p}`);
        const mpu = JSON.stringify({ path: 'model.bin', num_parts: 1, upload_id: 'u', parts: [{ part_number: 1, etag: 'e' }] });
        for (const step of ['create', 'complete', 'abort']) {
          await refused(await loupe.app.request(`${API}/mpu/${step}/${p}`, { method: 'POST', headers: json, body: mpu }), `mpu ${step} ${p}`);
        }
        await refused(await loupe.app.request(`${API}/artifacts?path=${p}`), `list ${p}`);
      }
      // The file name comes from the body's path: a traversal there is refused as well.
      for (const name of ['..', '../../x/..', 'C:\\\\x\\\\..']) {
        const res = await loupe.call('POST', `${API}/mpu/create/ok`, { path: name, num_parts: 1 });
        expect(res, name).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
      }
      expect(await keys()).toEqual([`${prefix}/dest-other/sentinel.txt`, `${prefix}/sentinel.txt`]);
    });

    it("runs MLflow's multipart upload: create, PUT the parts to the presigned URLs, complete, then download the same bytes", async () => {
      const parts = [Buffer.alloc(5 * MiB, 3), Buffer.from('the last part')];
      // MLflow's client sends its local file's path; the file is named after its base name.
      const create = await loupe.call('POST', `${API}/mpu/create/1/run/artifacts/model`, { path: '/home/ann/out/weights.bin', num_parts: 2 });
      expect(create.status).toBe(200);
      const { upload_id: uploadId, credentials } = create.body as { upload_id: string; credentials: { url: string; part_number: number; headers?: object }[] };
      expect(credentials.map((c) => c.part_number)).toEqual([1, 2]);
      expect(credentials.every((c) => c.headers === undefined && new URL(c.url).origin === target.endpoint)).toBe(true);
      const uploaded = [];
      for (const [i, credential] of credentials.entries()) {
        const res = await fetch(credential.url, { method: 'PUT', body: parts[i] });
        expect(res.status).toBe(200);
        uploaded.push({ part_number: credential.part_number, etag: res.headers.get('etag'), url: credential.url });
      }
      expect(
        await loupe.call('POST', `${API}/mpu/complete/1/run/artifacts/model`, { path: '/home/ann/out/weights.bin', upload_id: uploadId, parts: uploaded }),
      ).toMatchObject({
        status: 200,
        body: {},
      });
      const get = await loupe.app.request(`${API}/artifacts/1/run/artifacts/model/weights.bin`);
      expect(get.status).toBe(200);
      expect(sha256(new Uint8Array(await get.arrayBuffer()))).toBe(sha256(Buffer.concat(parts)));
      expect(await keys()).toEqual([`${prefix}/dest/1/run/artifacts/model/weights.bin`]);
    });

    it('aborts a multipart upload; a completion afterwards is 404; bad requests are 400', async () => {
      const create = await loupe.call('POST', `${AJAX}/mpu/create/dir`, { path: 'C:\\Users\\ann\\big.bin', num_parts: 1 });
      expect(create.status).toBe(200);
      const uploadId = create.body.upload_id as string;
      expect(await loupe.call('POST', `${AJAX}/mpu/abort/dir`, { path: 'big.bin', upload_id: uploadId })).toMatchObject({ status: 200, body: {} });
      const late = await loupe.call('POST', `${API}/mpu/complete/dir`, { path: 'big.bin', upload_id: uploadId, parts: [{ part_number: 1, etag: '"e"' }] });
      expect(late).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
      expect(await loupe.call('POST', `${API}/mpu/create/dir`, { num_parts: 1 })).toMatchObject({
        status: 400,
        body: { message: expect.stringContaining("'path'") },
      });
      expect(await loupe.call('POST', `${API}/mpu/create/dir`, { path: 'x', num_parts: 10_001 })).toMatchObject({
        status: 400,
        body: { error_code: 'INVALID_PARAMETER_VALUE' },
      });
      expect(await loupe.call('POST', `${API}/mpu/complete/dir`, { path: 'x', upload_id: uploadId })).toMatchObject({
        status: 400,
        body: { message: expect.stringContaining("'parts'") },
      });
      expect(await loupe.call('POST', `${API}/mpu/abort/dir`, { path: 'x' })).toMatchObject({
        status: 400,
        body: { message: expect.stringContaining("'upload_id'") },
      });
      expect(await keys()).toEqual([]);
    });

    it('signs a download URL with the size (MLflow multipart download), the object store answering byte ranges', async () => {
      await put(`${API}/artifacts/1/run/artifacts/data.csv`, 'a,b\n1,2\n');
      const res = await loupe.call('GET', `${API}/presigned/1/run/artifacts/data.csv`);
      expect(res).toMatchObject({ status: 200, body: { headers: {}, file_size: 8 } });
      const range = await fetch(res.body.url as string, { headers: { range: 'bytes=4-7' } });
      expect(range.status).toBe(206);
      expect(await range.text()).toBe('1,2\n');
      expect(range.headers.get('content-disposition')).toBe('attachment; filename="data.csv"');
      expect(await loupe.call('GET', `${AJAX}/presigned/1/run/artifacts/none.csv`)).toMatchObject({
        status: 404,
        body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
      });
    });

    it('serves the runs of an s3:// default artifact root (clients write there themselves)', async () => {
      const direct = await createTestLoupe({ serveArtifacts: false, defaultArtifactRoot: `s3://${target.bucket}/${prefix}/runs`, ...s3Settings(target) });
      try {
        const exp = await direct.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'direct' });
        const run = await direct.call('POST', '/api/2.0/mlflow/runs/create', { experiment_id: exp.body.experiment_id });
        const info = (run.body.run as { info: { run_id: string; artifact_uri: string } }).info;
        expect(info.artifact_uri).toBe(`s3://${target.bucket}/${prefix}/runs/${exp.body.experiment_id as string}/${info.run_id}/artifacts`);
        const key = `${info.artifact_uri.slice(`s3://${target.bucket}/`.length)}/model/MLmodel`;
        await client.send(new PutObjectCommand({ Bucket: target.bucket, Key: key, Body: 'flavors: {}' }));
        expect((await direct.call('GET', `/api/2.0/mlflow/artifacts/list?run_id=${info.run_id}&path=model`)).body).toEqual({
          root_uri: info.artifact_uri,
          files: [{ path: 'model/MLmodel', is_dir: false, file_size: 11 }],
        });
        expect(await (await direct.app.request(`/get-artifact?run_id=${info.run_id}&path=model/MLmodel`)).text()).toBe('flavors: {}');
        // The proxied service stays off, direct transfers included.
        expect((await direct.app.request(`${API}/presigned/x`)).status).toBe(503);
      } finally {
        await direct.dispose();
      }
    });
  });
}
