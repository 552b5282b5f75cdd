import { createHash } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnS3, sqliteBackend, testS3Targets } from '@loupe/server/testing';
import { startCliServer, type CliServer } from './cli-server.js';

const MiB = 1024 * 1024;
/** Headers MLflow's Python client sends on every request (spec §1.7). */
const CLIENT = { 'user-agent': 'mlflow-python-client/3.11.0' };
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

// The artifact requests of MLflow's Python client against `loupe server --artifacts-destination s3://...`,
// replayed over real HTTP against the built CLI: `log_text`/`log_artifact` through the proxy, the
// multipart upload `log_artifact` makes with MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD=true (presigned part
// URLs, http_artifact_repo.py `_try_multipart_upload`), the multipart download with
// MLFLOW_ENABLE_PROXY_MULTIPART_DOWNLOAD=true (a presigned URL, then byte ranges), listing, delete.
for (const target of await testS3Targets()) {
  describeOnS3(target, 'MLflow Python client artifact requests, S3 destination', () => {
    let server: CliServer;
    let prefix: string;

    beforeAll(async () => {
      prefix = target.freshPrefix();
      server = await startCliServer(sqliteBackend, 'loupe-s3flow-', {
        args: ['--artifacts-destination', `s3://${target.bucket}/${prefix}`],
        env: {
          MLFLOW_S3_ENDPOINT_URL: target.endpoint,
          AWS_ACCESS_KEY_ID: target.accessKeyId,
          AWS_SECRET_ACCESS_KEY: target.secretAccessKey,
          AWS_DEFAULT_REGION: target.region,
        },
      });
    });
    afterAll(async () => {
      await server?.stop();
    });

    const keys = () => target.keysUnder(prefix);

    it('logs, lists, downloads and deletes artifacts as the client does, the bytes in S3', async () => {
      const api = (p: string) => `/api/2.0/mlflow/${p}`;
      const exp = (await server.call('POST', api('experiments/create'), { name: 's3-flow' }, CLIENT)).body.experiment_id as string;
      const run = await server.call('POST', api('runs/create'), { experiment_id: exp, start_time: 1_700_000_000_000 }, CLIENT);
      const { run_id: runId, artifact_uri: artifactUri } = run.body.run.info as { run_id: string; artifact_uri: string };
      expect(artifactUri).toBe(`mlflow-artifacts:/${exp}/${runId}/artifacts`);
      const root = artifactUri.replace('mlflow-artifacts:/', '');
      const proxied = `${server.url}/api/2.0/mlflow-artifacts`;

      // mlflow.log_text("hello", "notes/hello.txt"): PUT with the guessed MIME type.
      const put = await fetch(`${proxied}/artifacts/${root}/notes/hello.txt`, {
        method: 'PUT',
        headers: { ...CLIENT, 'content-type': 'text/plain' },
        body: 'hello',
      });
      expect(put.status).toBe(200);

      // A client that goes away in the middle of a large upload (a part already sent to S3): nothing is
      // stored, and the server goes on serving.
      await new Promise<void>((resolve) => {
        const req = http.request(`${proxied}/artifacts/${root}/partial.bin`, { method: 'PUT', headers: { 'content-length': String(40 * MiB) } });
        req.on('error', () => resolve());
        req.on('close', () => resolve());
        req.write(Buffer.alloc(20 * MiB, 9), () => req.destroy());
      });
      expect((await fetch(`${proxied}/artifacts/${root}/partial.bin`, { headers: CLIENT })).status).toBe(404);

      // mlflow.log_artifact("/tmp/job/weights.bin") with MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD=true and
      // MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE=5 MiB: create, PUT each part to its URL, complete.
      const file = Buffer.concat([Buffer.alloc(5 * MiB, 1), Buffer.alloc(5 * MiB, 2), Buffer.from('end of weights')]);
      const create = await server.call('POST', `/api/2.0/mlflow-artifacts/mpu/create/${root}`, { path: '/tmp/job/weights.bin', num_parts: 3 }, CLIENT);
      expect(create.status).toBe(200);
      const credentials = create.body.credentials as { url: string; part_number: number; headers?: Record<string, string> }[];
      const parts = [];
      for (const [i, credential] of credentials.entries()) {
        const res = await fetch(credential.url, { method: 'PUT', headers: credential.headers ?? {}, body: file.subarray(i * 5 * MiB, (i + 1) * 5 * MiB) });
        expect(res.status).toBe(200);
        parts.push({ part_number: credential.part_number, etag: res.headers.get('etag') ?? '', url: credential.url });
      }
      const complete = await server.call(
        'POST',
        `/api/2.0/mlflow-artifacts/mpu/complete/${root}`,
        { path: '/tmp/job/weights.bin', upload_id: create.body.upload_id, parts },
        CLIENT,
      );
      expect(complete).toMatchObject({ status: 200, body: {} });

      // list_artifacts: the proxied listing (names relative to the folder), and the tracking API's.
      expect((await server.call('GET', `/api/2.0/mlflow-artifacts/artifacts?path=${root}`, undefined, CLIENT)).body).toEqual({
        files: [
          { path: 'notes', is_dir: true },
          { path: 'weights.bin', is_dir: false, file_size: file.length },
        ],
      });
      expect((await server.call('GET', api(`artifacts/list?run_id=${runId}&path=notes`), undefined, CLIENT)).body).toEqual({
        root_uri: artifactUri,
        files: [{ path: 'notes/hello.txt', is_dir: false, file_size: 5 }],
      });

      // download_artifacts with MLFLOW_ENABLE_PROXY_MULTIPART_DOWNLOAD=true: a presigned URL and the
      // size, then ranges of MLFLOW_MULTIPART_DOWNLOAD_CHUNK_SIZE (4 MiB here) straight from S3.
      const signed = await server.call('GET', `/api/2.0/mlflow-artifacts/presigned/${root}/weights.bin`, undefined, CLIENT);
      expect(signed).toMatchObject({ status: 200, body: { headers: {}, file_size: file.length } });
      const chunks: Buffer[] = [];
      for (let start = 0; start < file.length; start += 4 * MiB) {
        const end = Math.min(start + 4 * MiB, file.length) - 1;
        const res = await fetch(signed.body.url as string, { headers: { ...(signed.body.headers as Record<string, string>), range: `bytes=${start}-${end}` } });
        expect(res.status).toBe(206);
        chunks.push(Buffer.from(await res.arrayBuffer()));
      }
      expect(sha256(Buffer.concat(chunks))).toBe(sha256(file));
      // ...and without it, through the proxy.
      const proxiedGet = await fetch(`${proxied}/artifacts/${root}/weights.bin`, { headers: CLIENT });
      expect(proxiedGet.headers.get('content-length')).toBe(String(file.length));
      expect(sha256(new Uint8Array(await proxiedGet.arrayBuffer()))).toBe(sha256(file));
      expect(await (await fetch(`${server.url}/get-artifact?run_id=${runId}&path=notes/hello.txt`)).text()).toBe('hello');

      expect(await keys()).toEqual([`${prefix}/${root}/notes/hello.txt`, `${prefix}/${root}/weights.bin`]);

      // A part that failed: the client aborts the upload, nothing is stored.
      const failed = await server.call('POST', `/api/2.0/mlflow-artifacts/mpu/create/${root}/retry`, { path: '/tmp/job/big.bin', num_parts: 2 }, CLIENT);
      const abort = await server.call(
        'POST',
        `/api/2.0/mlflow-artifacts/mpu/abort/${root}/retry`,
        { path: '/tmp/job/big.bin', upload_id: failed.body.upload_id },
        CLIENT,
      );
      expect(abort).toMatchObject({ status: 200, body: {} });

      // delete_artifacts("notes"): a whole folder.
      expect((await fetch(`${proxied}/artifacts/${root}/notes`, { method: 'DELETE', headers: CLIENT })).status).toBe(200);
      expect(await keys()).toEqual([`${prefix}/${root}/weights.bin`]);
    });
  });
}
