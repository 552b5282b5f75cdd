import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveServerConfig, type ServerOptions } from '../../config/config.js';
import { startServer, type RunningServer } from '../../main.js';
import { createSqliteDatabase, type TestDatabase } from '../../testing/backends.js';

/**
 * The security middleware over real HTTP, with the Host and Origin headers a browser would send:
 * a DNS-rebound page (`Host: evil.example`) and a cross-site page posting a form or `text/plain`.
 * Raw `http.request`, because `fetch` may not set `Host`, and sends `Sec-Fetch-Mode` of its own.
 */

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: Record<string, unknown>;
}

interface Sent {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** A started server on its own SQLite database, artifact and UI folders. */
interface Started {
  server: RunningServer;
  port: number;
  artifacts: string;
  send(path: string, sent?: Sent): Promise<Reply>;
  close(): Promise<void>;
}

async function start(options: ServerOptions = {}): Promise<Started> {
  const database: TestDatabase = await createSqliteDatabase();
  const artifacts = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-security-artifacts-'));
  const ui = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-security-ui-'));
  fs.writeFileSync(path.join(ui, 'index.html'), '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head></html>');
  const server = await startServer(
    resolveServerConfig(
      { port: 0, backendStoreUri: database.uri, artifactsDestination: artifacts, uiRoot: ui, otlpDecodeThreads: 0, shutdownGraceMs: 1000, ...options },
      {},
    ),
  );
  const port = Number(new URL(server.url).port);
  const send = (p: string, sent: Sent = {}) =>
    new Promise<Reply>((resolve, reject) => {
      const headers: Record<string, string> = { host: `127.0.0.1:${port}`, ...sent.headers };
      if (sent.body !== undefined) headers['content-length'] = String(Buffer.byteLength(sent.body));
      const req = http.request({ host: '127.0.0.1', port, path: p, method: sent.method ?? 'GET', headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          let json: Record<string, unknown> = {};
          try {
            json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
          } catch {
            // Not JSON (the UI's HTML): `text` has it.
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      });
      req.on('error', reject);
      req.end(sent.body);
    });
  return {
    server,
    port,
    artifacts,
    send,
    async close() {
      await server.close();
      await database.drop();
      fs.rmSync(artifacts, { recursive: true, force: true });
      fs.rmSync(ui, { recursive: true, force: true });
    },
  };
}

const JSON_TYPE = { 'content-type': 'application/json' };
let counter = 0;
const uniqueName = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

/** Every file under `dir`, relative. */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe('DNS rebinding: the Host check (default: loopback names, bound to 127.0.0.1)', () => {
  let s: Started;
  beforeAll(async () => {
    s = await start();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('refuses a write under a rebound Host with 403 naming the host and the flag, and creates nothing', async () => {
    const name = uniqueName('rebound');
    const refused = await s.send('/api/2.0/mlflow/experiments/create', {
      method: 'POST',
      headers: { ...JSON_TYPE, host: `evil.example:${s.port}` },
      body: JSON.stringify({ name }),
    });
    expect(refused.status).toBe(403);
    expect(refused.json.error_code).toBe('PERMISSION_DENIED');
    expect(refused.json.message).toContain(`'evil.example:${s.port}'`);
    expect(refused.json.message).toContain('--allowed-hosts');
    const lookup = await s.send(`/api/2.0/mlflow/experiments/get-by-name?experiment_name=${name}`);
    expect(lookup.status).toBe(404);
  });

  it('refuses reads, the UI, OTLP ingest and artifacts under a rebound Host; answers /health and /version', async () => {
    const evil = { host: `evil.example:${s.port}` };
    for (const p of ['/ajax-api/2.0/mlflow/experiments/search?max_results=10', '/', '/experiments/1/traces', '/get-artifact?run_id=x&path=y']) {
      expect((await s.send(p, { headers: evil })).status, p).toBe(403);
    }
    expect((await s.send('/v1/traces', { method: 'POST', headers: { ...evil, ...JSON_TYPE }, body: '{"resourceSpans":[]}' })).status).toBe(403);
    expect((await s.send('/health', { headers: evil })).text).toBe('OK');
    expect((await s.send('/version', { headers: evil })).status).toBe(200);
  });

  it('answers the loopback names on any port', async () => {
    for (const host of [`127.0.0.1:${s.port}`, `localhost:${s.port}`, `[::1]:${s.port}`, 'localhost']) {
      const res = await s.send('/ajax-api/2.0/mlflow/experiments/search?max_results=1', { headers: { host } });
      expect(res.status, host).toBe(200);
    }
  });
});

describe('--allowed-hosts', () => {
  it('answers the listed names and refuses the rest, loopback included; the UI under a listed name may write', async () => {
    const s = await start({ allowedHosts: ['loupe.example.com', '10.0.0.0/8'] });
    try {
      const search = '/ajax-api/2.0/mlflow/experiments/search?max_results=1';
      expect((await s.send(search, { headers: { host: `loupe.example.com:${s.port}` } })).status).toBe(200);
      expect((await s.send(search, { headers: { host: '10.20.30.40' } })).status).toBe(200);
      expect((await s.send(search, { headers: { host: `localhost:${s.port}` } })).status).toBe(403);
      expect((await s.send(search, { headers: { host: '10.evil.example' } })).status).toBe(403);
      // The UI reached by that name writes from its own origin, which is not loopback; another origin may not.
      const create = (origin: string) =>
        s.send('/ajax-api/2.0/mlflow/experiments/create', {
          method: 'POST',
          headers: { ...JSON_TYPE, host: `loupe.example.com:${s.port}`, origin },
          body: JSON.stringify({ name: uniqueName('by-name') }),
        });
      expect((await create(`http://loupe.example.com:${s.port}`)).status).toBe(200);
      expect((await create(`http://other.example.com:${s.port}`)).status).toBe(403);
      expect((await create(`http://loupe.example.com:${s.port + 1}`)).status).toBe(403);
    } finally {
      await s.close();
    }
  });

  it("'*' answers any host; --disable-security-middleware turns every check off", async () => {
    for (const options of [{ allowedHosts: ['*'] }, { disableSecurityMiddleware: true }] satisfies ServerOptions[]) {
      const s = await start(options);
      try {
        const res = await s.send('/ajax-api/2.0/mlflow/experiments/search?max_results=1', { headers: { host: 'evil.example' } });
        expect(res.status, JSON.stringify(options)).toBe(200);
      } finally {
        await s.close();
      }
    }
  });
});

describe('cross-site writes (CSRF) and CORS', () => {
  let s: Started;
  let runId: string;
  beforeAll(async () => {
    s = await start({ corsAllowedOrigins: ['https://app.example.com'] });
    const exp = await s.send('/api/2.0/mlflow/experiments/create', { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ name: uniqueName('csrf') }) });
    const run = await s.send('/api/2.0/mlflow/runs/create', {
      method: 'POST',
      headers: JSON_TYPE,
      body: JSON.stringify({ experiment_id: exp.json.experiment_id }),
    });
    runId = (run.json.run as { info: { run_id: string } }).info.run_id;
  });
  afterAll(async () => {
    await s?.close();
  });

  const uploadPath = (file: string) => `/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=${file}`;

  it('refuses upload-artifact from another site as text/plain, a form or multipart (simple requests): 403, no file written', async () => {
    const simple: Record<string, string>[] = [
      { origin: 'http://evil.example', 'content-type': 'text/plain' },
      { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      { origin: 'http://evil.example', 'content-type': 'multipart/form-data; boundary=x' },
      { origin: 'null', 'content-type': 'text/plain' },
      // A browser that left Origin out still says where the request came from.
      { 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' },
    ];
    for (const [i, headers] of simple.entries()) {
      const res = await s.send(uploadPath(`evil-${i}.html`), { method: 'POST', headers, body: '<script>alert(1)</script>' });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.json.error_code).toBe('PERMISSION_DENIED');
      expect(res.json.message).toContain('--cors-allowed-origins');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
    expect(filesUnder(s.artifacts)).toEqual([]);
  });

  it('refuses every state-changing method from another site: an RPC write creates nothing', async () => {
    const name = uniqueName('cross-site');
    const res = await s.send('/api/2.0/mlflow/experiments/create', {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
      body: JSON.stringify({ name }),
    });
    expect(res.status).toBe(403);
    expect((await s.send(`/api/2.0/mlflow/experiments/get-by-name?experiment_name=${name}`)).status).toBe(404);
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const other = await s.send('/api/2.0/mlflow-artifacts/artifacts/0/x.txt', { method, headers: { origin: 'https://evil.example' }, body: 'x' });
      expect(other.status, method).toBe(403);
    }
    expect(filesUnder(s.artifacts)).toEqual([]);
  });

  it("accepts writes with no Origin (curl, SDKs, OTLP exporters), from the server's own origin, loopback pages and listed origins", async () => {
    const cases: [string, Record<string, string>, string | undefined][] = [
      ['no-origin.txt', {}, undefined],
      ['same-origin.txt', { origin: `http://127.0.0.1:${s.port}`, 'sec-fetch-site': 'same-origin' }, undefined],
      ['loopback-page.txt', { origin: 'http://localhost:3000', 'sec-fetch-site': 'same-site' }, 'http://localhost:3000'],
      ['listed.txt', { origin: 'https://app.example.com', 'sec-fetch-site': 'cross-site' }, 'https://app.example.com'],
    ];
    for (const [file, headers, allowOrigin] of cases) {
      const res = await s.send(uploadPath(file), { method: 'POST', headers: { 'content-type': 'text/plain', ...headers }, body: file });
      expect(res.status, file).toBe(200);
      expect(res.headers['access-control-allow-origin'], file).toBe(allowOrigin);
    }
    expect(
      filesUnder(s.artifacts)
        .map((f) => path.basename(f))
        .sort(),
    ).toEqual(['listed.txt', 'loopback-page.txt', 'no-origin.txt', 'same-origin.txt']);
  });

  it('lets another site read nothing: a GET from it is answered without Access-Control-Allow-Origin', async () => {
    const res = await s.send('/ajax-api/2.0/mlflow/experiments/search?max_results=1', { headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const listed = await s.send('/ajax-api/2.0/mlflow/experiments/search?max_results=1', { headers: { origin: 'https://app.example.com' } });
    expect(listed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(listed.headers['access-control-allow-credentials']).toBe('true');
    expect(listed.headers.vary).toContain('Origin');
  });

  it('answers preflights from allowed origins with 204 and the CORS headers, and refuses others', async () => {
    const preflight = (origin: string, p = '/ajax-api/2.0/mlflow/experiments/create') =>
      s.send(p, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
          'access-control-request-private-network': 'true',
        },
      });
    for (const origin of ['https://app.example.com', 'http://localhost:5173']) {
      const ok = await preflight(origin);
      expect(ok.status, origin).toBe(204);
      expect(ok.headers['access-control-allow-origin']).toBe(origin);
      expect(ok.headers['access-control-allow-methods']).toContain('POST');
      expect(ok.headers['access-control-allow-headers']).toBe('content-type');
      expect(ok.headers['access-control-max-age']).toBe('600');
      expect(ok.headers['access-control-allow-private-network']).toBe('true');
    }
    // A browser OpenTelemetry exporter on a loopback page sends protobuf to /v1/traces.
    expect((await preflight('http://localhost:3000', '/v1/traces')).status).toBe(204);
    const refused = await preflight('https://evil.example');
    expect(refused.status).toBe(403);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('response headers', () => {
  it('frames: X-Frame-Options and the UI CSP frame-ancestors follow --x-frame-options; every reply is nosniff', async () => {
    const expected: [ServerOptions, string | undefined, string | undefined][] = [
      [{}, 'SAMEORIGIN', "frame-ancestors 'self'"],
      [{ xFrameOptions: 'DENY' }, 'DENY', "frame-ancestors 'none'"],
      [{ xFrameOptions: 'NONE' }, undefined, undefined],
    ];
    for (const [options, header, directive] of expected) {
      const s = await start(options);
      try {
        const ui = await s.send('/');
        expect(ui.status).toBe(200);
        expect(ui.headers['x-frame-options']).toBe(header);
        const csp = ui.headers['content-security-policy'] ?? '';
        expect(csp).toContain("script-src 'self'");
        expect(csp).not.toContain('unsafe-inline');
        if (directive) expect(csp).toContain(directive);
        else expect(csp).not.toContain('frame-ancestors');
        const api = await s.send('/ajax-api/2.0/mlflow/experiments/search?max_results=1');
        expect(api.headers['x-frame-options']).toBe(header);
        expect(api.headers['x-content-type-options']).toBe('nosniff');
        expect((await s.send('/api/2.0/mlflow/not-a-route')).headers['x-content-type-options']).toBe('nosniff');
      } finally {
        await s.close();
      }
    }
  });
});
