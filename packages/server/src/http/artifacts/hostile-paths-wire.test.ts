import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../../config/config.js';
import { startServer, type RunningServer } from '../../main.js';
import { createSqliteDatabase, type TestDatabase } from '../../testing/backends.js';

/** Sends a request target exactly as written (no client-side URL normalization). */
function rawRequest(url: string, method: string, target: string, body?: string): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, method, path: target }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Raw request targets a client that does not normalize URLs could send. */
const TARGETS = [
  '/api/2.0/mlflow-artifacts/artifacts/../../../outside/sentinel.txt',
  '/api/2.0/mlflow-artifacts/artifacts/a/../../x',
  '/api/2.0/mlflow-artifacts/artifacts/a\\..\\..\\x',
  '/api/2.0/mlflow-artifacts/artifacts/%2e%2e/%2e%2e/outside/sentinel.txt',
  '/api/2.0/mlflow-artifacts/artifacts/%252e%252e/x',
  '/api/2.0/mlflow-artifacts/artifacts/a%2f..%2f..%2fx',
  '/api/2.0/mlflow-artifacts/artifacts/x%00',
  '/api/2.0/mlflow-artifacts/artifacts/leak.txt',
  '/api/2.0/mlflow-artifacts/artifacts/leakdir/sentinel.txt',
];

describe('hostile artifact paths over a real socket', () => {
  let base: string;
  let outside: string;
  let database: TestDatabase;
  let server: RunningServer;

  beforeAll(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-hostile-wire-'));
    const root = path.join(base, 'root');
    outside = path.join(base, 'outside');
    fs.mkdirSync(root);
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'sentinel.txt'), 'secret');
    fs.symlinkSync(path.join(outside, 'sentinel.txt'), path.join(root, 'leak.txt'));
    fs.symlinkSync(outside, path.join(root, 'leakdir'));
    database = await createSqliteDatabase();
    server = await startServer(resolveServerConfig({ port: 0, backendStoreUri: database.uri, artifactsDestination: root }, {}));
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
    fs.rmSync(base, { recursive: true, force: true });
  });

  it.each(TARGETS)('refuses %s', async (target) => {
    // Deleting a link itself (never its target) is allowed, so a link-only target is not deleted here.
    const methods = target.endsWith('/leak.txt') ? ['GET', 'PUT'] : ['GET', 'PUT', 'DELETE'];
    for (const method of methods) {
      const res = await rawRequest(server.url, method, target, method === 'PUT' ? 'pwned' : undefined);
      expect(res.status, `${method} ${target}: ${res.text}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${method} ${target}: ${res.text}`).toBeLessThan(500);
      expect(res.text).not.toContain('secret');
    }
    expect(fs.readFileSync(path.join(outside, 'sentinel.txt'), 'utf8')).toBe('secret');
    expect(fs.readdirSync(outside)).toEqual(['sentinel.txt']);
    expect(fs.readdirSync(base).sort()).toEqual(['outside', 'root']);
  });
});
