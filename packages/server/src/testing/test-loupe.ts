import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveServerConfig, type ServerOptions } from '../config/config.js';
import { createLoupe, type Dependencies, type Loupe } from '../main.js';
import type { IdGenerator } from '../clock.js';
import { createSqliteDatabase, type TestDatabase } from './backends.js';
import { TestClock } from './test-clock.js';

/** Sequential ids: `00000000000000000000000000000001`, ... */
export class SequentialIds implements IdGenerator {
  private n = 0;
  hex32(): string {
    return (++this.n).toString(16).padStart(32, '0');
  }
}

/** An in-process Loupe on its own database and artifact folder, plus JSON request helpers. */
export interface TestLoupe extends Loupe {
  clock: TestClock;
  artifactsDir: string;
  /** POST/PATCH/DELETE a JSON body (or GET with query) and parse the JSON answer; `headers` adds to the request's (credentials). */
  call(
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown>; text: string; headers: Headers }>;
  dispose(): Promise<void>;
}

/**
 * Creates an in-process Loupe for HTTP tests (`app.request`, no sockets).
 *
 * @example
 * const loupe = await createTestLoupe();
 * const res = await loupe.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'x' });
 */
export async function createTestLoupe(
  options: ServerOptions & {
    database?: TestDatabase;
    deps?: Pick<Dependencies, 'resolveHost' | 'random' | 'onRegistryEvents' | 'scryptCost' | 'gatewayEndpoints'>;
    /** The clock (default: a TestClock at 2023-11-14); OpenID Connect tests start it at the real time, as the provider's. */
    clock?: TestClock;
  } = {},
): Promise<TestLoupe> {
  const database = options.database ?? (await createSqliteDatabase());
  const artifactsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-artifacts-'));
  const { deps, database: _database, clock = new TestClock(), ...settings } = options;
  const config = resolveServerConfig({ artifactsDestination: artifactsDir, ...settings, backendStoreUri: database.uri }, {});
  const loupe = await createLoupe(config, { clock, ids: new SequentialIds(), checkResponses: true, ...deps });
  return {
    ...loupe,
    clock,
    artifactsDir,
    async call(method, url, body, headers = {}) {
      const init: RequestInit = { method, headers };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        init.headers = { 'content-type': 'application/json', ...headers };
      }
      const res = await loupe.app.request(url, init);
      const text = await res.text();
      let parsed: Record<string, unknown>;
      try {
        parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        parsed = {};
      }
      return { status: res.status, body: parsed, text, headers: res.headers };
    },
    async dispose() {
      await loupe.close();
      await database.drop();
      fs.rmSync(artifactsDir, { recursive: true, force: true });
    },
  };
}
