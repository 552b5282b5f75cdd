import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveServerConfig } from './config/config.js';
import { RawConnection, type RawResponse } from './http/testing/raw-http.js';
import { startServer, type RunningServer } from './main.js';
import { createSqliteDatabase, type TestDatabase } from './testing/backends.js';

const LIMIT = 1024 * 1024;
const HUGE = 20 * 1024 * 1024;
const MiB = new Uint8Array(1024 * 1024).fill(0x20);

/** A started server on a fresh SQLite database and artifact folder, with a 1 MiB body limit. */
async function startTestServer(): Promise<{ server: RunningServer; stop: () => Promise<void> }> {
  const database: TestDatabase = await createSqliteDatabase();
  const artifacts = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-start-server-'));
  const server = await startServer(
    resolveServerConfig({ port: 0, backendStoreUri: database.uri, artifactsDestination: artifacts, maxJsonBodyBytes: LIMIT, otlpDecodeThreads: 0 }, {}),
  );
  return {
    server,
    stop: async () => {
      await server.close();
      await database.drop();
      fs.rmSync(artifacts, { recursive: true, force: true });
    },
  };
}

/** Sends `size` bytes with Node's HTTP client (kept-alive agent), as one body or in 1 MiB chunks; the answer and every error the request saw. */
function sendWithNode(url: string, route: string, contentType: string, size: number, framing: 'content-length' | 'chunked') {
  const agent = new http.Agent({ keepAlive: true });
  const headers: Record<string, string | number> = { 'content-type': contentType, ...(framing === 'content-length' ? { 'content-length': size } : {}) };
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string; errors: string[] }>((resolve) => {
    const errors: string[] = [];
    let answer: { status: number; headers: http.IncomingHttpHeaders; body: string } | undefined;
    const req = http.request(`${url}${route}`, { method: 'POST', headers, agent }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => (answer = { status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', (err: Error & { code?: string }) => errors.push(err.code ?? err.message));
    req.on('close', () => {
      agent.destroy();
      // 'close' comes after the response's end; a reset would have come as an 'error' before it.
      setImmediate(() => resolve({ ...(answer ?? { status: 0, headers: {}, body: '' }), errors }));
    });
    for (let sent = 0; sent < size; sent += MiB.byteLength) req.write(MiB);
    req.end();
  });
}

const ROUTES = [
  ['an RPC', '/api/2.0/mlflow/experiments/create', 'application/json'],
  ['OTLP ingest', '/v1/traces', 'application/x-protobuf'],
] as const;

describe('startServer: a body over the limit, over real sockets', () => {
  let server: RunningServer;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ server, stop } = await startTestServer());
  });
  afterAll(async () => {
    await stop?.();
  });

  const expect413 = (res: RawResponse | { status: number; headers: Record<string, unknown>; body: string }) => {
    expect(res.status).toBe(413);
    expect(res.headers.connection).toBe('close');
    expect(JSON.parse(res.body)).toEqual({ error_code: 'RESOURCE_LIMIT_EXCEEDED', message: `Request body is too large: the limit is ${LIMIT} bytes.` });
  };

  for (const [what, route, contentType] of ROUTES) {
    for (const framing of ['content-length', 'chunked'] as const) {
      it(`${what}, ${framing}: Node's client sending 20 MB gets 413 and its body, with no EPIPE or ECONNRESET`, async () => {
        const res = await sendWithNode(server.url, route, contentType, HUGE, framing);
        expect(res.errors).toEqual([]);
        expect413(res);
      });
    }

    it(`${what}: a client that writes the whole 20 MB before reading (as Python's requests does) reads the 413`, async () => {
      for (const framing of ['content-length', 'chunked'] as const) {
        const conn = await RawConnection.open(server.url);
        const framed = framing === 'content-length' ? `Content-Length: ${HUGE}` : 'Transfer-Encoding: chunked';
        await conn.write(`POST ${route} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${contentType}\r\n${framed}\r\n\r\n`);
        for (let sent = 0; sent < HUGE; sent += MiB.byteLength) {
          expect(await conn.write(framing === 'chunked' ? Buffer.concat([Buffer.from('100000\r\n'), MiB, Buffer.from('\r\n')]) : MiB)).toBe(true);
        }
        if (framing === 'chunked') await conn.write('0\r\n\r\n');
        expect413(await conn.response());
        expect(conn.error).toBeUndefined();
        conn.close();
      }
    });

    it(`${what}: answers before the body has come, at once for a Content-Length over the limit, as soon as the limit passes when chunked`, async () => {
      const declared = await RawConnection.open(server.url);
      await declared.write(`POST ${route} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${contentType}\r\nContent-Length: ${HUGE}\r\n\r\n`);
      expect413(await declared.response());
      declared.close();

      const chunked = await RawConnection.open(server.url);
      await chunked.write(`POST ${route} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${contentType}\r\nTransfer-Encoding: chunked\r\n\r\n`);
      // 2 MiB of a body that never ends: the answer cannot wait for the end.
      for (let i = 0; i < 2; i++) await chunked.write(Buffer.concat([Buffer.from('100000\r\n'), MiB, Buffer.from('\r\n')]));
      expect413(await chunked.response());
      chunked.close();
    });
  }

  it('keeps serving, and takes a body under the limit', async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const res = await fetch(`${server.url}/api/2.0/mlflow/experiments/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'under-the-limit', tags: [{ key: 'pad', value: 'x'.repeat(5000) }] }),
    });
    expect(res.status).toBe(200);
  });
});

describe('startServer: shutdown, over real sockets', () => {
  it('answers a request on a kept-alive connection with 503 while the request in flight finishes', async () => {
    const { server, stop } = await startTestServer();
    try {
      const kept = await RawConnection.open(server.url);
      await kept.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      expect(await kept.response()).toMatchObject({ status: 200, headers: { connection: 'keep-alive' } });

      // In flight for sure: the server has answered 100 Continue, and the body is still to come.
      const body = JSON.stringify({ name: 'created-during-shutdown' });
      const busy = await RawConnection.open(server.url);
      await busy.write(
        `POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`,
      );
      expect((await busy.response()).status).toBe(100);
      await busy.write(body.slice(0, 5));

      const closing = server.close();
      await kept.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      const refused = await kept.response();
      expect(refused).toMatchObject({ status: 503, headers: { connection: 'close', 'retry-after': '1' } });
      expect(JSON.parse(refused.body)).toMatchObject({ error_code: 'TEMPORARILY_UNAVAILABLE' });
      expect(kept.error).toBeUndefined();

      await busy.write(body.slice(5));
      const created = await busy.response();
      expect(created).toMatchObject({ status: 200, headers: { connection: 'close' } });
      expect(JSON.parse(created.body)).toHaveProperty('experiment_id');
      await closing;
      kept.close();
      busy.close();
    } finally {
      await stop();
    }
  });
});
