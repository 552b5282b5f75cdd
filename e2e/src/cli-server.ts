import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestBackend, TestDatabase } from '@loupe/server/testing';

export const CLI = fileURLToPath(new URL('../../packages/server/dist/loupe.js', import.meta.url));

/** A `loupe server` child process of the built CLI, on a fresh database of one backend. */
export interface CliServer {
  url: string;
  /** The server process's id (to signal it). */
  pid: number;
  /** The database the server runs on (for CLI commands beside it, such as `db index-text`). */
  databaseUri: string;
  /** `fetch` a path of the server, JSON in and out; `headers` adds to the request's (credentials). */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: Record<string, any> }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** What the server printed so far (stdout and stderr). */
  output(): string;
  /** Resolves once the server's output matches `pattern` (rejects if the server exits first). */
  waitForOutput(pattern: RegExp): Promise<void>;
  /**
   * SIGTERM (SIGKILL with `kill: true`, for a server whose event loop may be stuck), wait for the
   * exit, drop the database and the working folder.
   */
  stop(options?: { kill?: boolean }): Promise<void>;
}

function waitForUrl(child: ChildProcess, log: string[]): Promise<string> {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`CLI did not start:\n${out}`)), 20_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      log.push(d.toString());
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`CLI exited with ${code}:\n${out}`)));
  });
}

/**
 * Starts the built CLI (`packages/server/dist/loupe.js`) on a fresh database of `backend`, in a
 * temporary working folder (artifacts go there), and resolves once it prints its URL.
 *
 * @example
 * const server = await startCliServer(backend, 'loupe-e2e-');
 * const { body } = await server.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'x' });
 */
export async function startCliServer(
  backend: TestBackend,
  prefix: string,
  options: { args?: readonly string[]; env?: Record<string, string> } = {},
): Promise<CliServer> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does).`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const database: TestDatabase = await backend.create();
  const child = spawn(process.execPath, [CLI, 'server', '--port', '0', '--backend-store-uri', database.uri, ...(options.args ?? [])], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
  });
  const log: string[] = [];
  let url: string;
  try {
    url = await waitForUrl(child, log);
  } catch (err) {
    await database.drop();
    throw err;
  }
  return {
    url,
    pid: child.pid as number,
    databaseUri: database.uri,
    async call(method, p, body, headers = {}) {
      const res = await fetch(
        `${url}${p}`,
        body === undefined ? { method, headers } : { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) },
      );
      const text = await res.text();
      let parsed: Record<string, unknown>;
      try {
        parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        parsed = { text };
      }
      return { status: res.status, body: parsed };
    },
    output: () => log.join(''),
    waitForOutput: (pattern) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!pattern.test(log.join(''))) return;
          stopWatching();
          resolve();
        };
        const exited = () => {
          stopWatching();
          reject(new Error(`CLI exited before printing ${String(pattern)}:\n${log.join('')}`));
        };
        const stopWatching = () => {
          child.stdout?.off('data', check);
          child.stderr?.off('data', check);
          child.off('exit', exited);
        };
        child.stdout?.on('data', check);
        child.stderr?.on('data', check);
        child.once('exit', exited);
        check();
      }),
    async stop(options = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill(options.kill ? 'SIGKILL' : 'SIGTERM');
        await exited;
      }
      await database.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs a command of the built CLI to its end (`cwd`: where it runs; default this process's folder).
 *
 * @example
 * const { code, out } = await runCli(['db', 'upgrade', '--backend-store-uri', uri]);
 */
export function runCli(args: string[], cwd?: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { ...(cwd ? { cwd } : {}), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, out }));
  });
}
