import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveServerConfig } from '../config/config.js';
import { startServer, type RunningServer } from '../main.js';
import { createSqliteDatabase, type TestDatabase } from './backends.js';

/** A real Loupe server in this process, on SQLite in a temporary folder. */
export interface TestServer {
  url: string;
  server: RunningServer;
  /** Creates an experiment with a unique name; returns its id. */
  experiment(prefix?: string): Promise<string>;
  close(): Promise<void>;
}

let counter = 0;

/**
 * Starts Loupe (the real server, real HTTP on a free port) for tests of its clients: the SDK, the
 * integrations, anything that talks to a tracking server over the network.
 *
 * @example
 * const loupeServer = await startTestServer();
 * const exp = await loupeServer.experiment();
 * // ... point a client at loupeServer.url ...
 * await loupeServer.close();
 */
export async function startTestServer(): Promise<TestServer> {
  const database: TestDatabase = await createSqliteDatabase();
  const artifacts = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-sdk-artifacts-'));
  const server = await startServer(
    resolveServerConfig({ port: 0, backendStoreUri: database.uri, artifactsDestination: artifacts, otlpDecodeThreads: 0, shutdownGraceMs: 1000 }, {}),
  );
  return {
    url: server.url,
    server,
    async experiment(prefix = 'sdk') {
      const res = await fetch(`${server.url}/api/2.0/mlflow/experiments/create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: `${prefix}-${process.pid}-${++counter}-${Date.now()}` }),
      });
      return ((await res.json()) as { experiment_id: string }).experiment_id;
    },
    async close() {
      await server.close();
      await database.drop();
      fs.rmSync(artifacts, { recursive: true, force: true });
    },
  };
}
