import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from './cli-server.js';

/** A started CLI server: its process, URL and output so far. */
interface StartedCli {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Resolves once the output contains `text`; fails if it has not after `ms` (a bound, not a measure). */
  waitForOutput(text: string, ms?: number): Promise<void>;
}

/** Starts the built CLI in `cwd` and resolves with its URL once it prints one. */
function startCli(cwd: string, args: string[]): Promise<StartedCli> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, LOUPE_PORT: '', MLFLOW_PORT: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const waitForOutput = (text: string, ms = 20_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!out.includes(text)) return;
        clearTimeout(timer);
        child.stdout?.off('data', check);
        resolve();
      };
      const timer = setTimeout(() => reject(new Error(`CLI did not print '${text}':\n${out}`)), ms);
      child.stdout?.on('data', check);
      check();
    });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`CLI exited with ${code}:\n${out}`)));
    waitForOutput('listening on ').then(() => {
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1] as string;
      resolve({ child, url, output: () => out, waitForOutput });
    }, reject);
  });
}

describe('loupe CLI (built), over real HTTP', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof startCli>>;

  beforeAll(async () => {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does).`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-e2e-'));
    server = await startCli(dir, ['server', '--port', '0']);
  });

  afterAll(async () => {
    if (server?.child.exitCode === null) {
      server.child.kill('SIGKILL');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts on the embedded default: SQLite and artifacts under ./loupe-data', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${server.url}/health`)).text()).toBe('OK');
    expect(fs.existsSync(path.join(dir, 'loupe-data', 'loupe.db'))).toBe(true);
    // On loopback: which Host names it answers and how to change them, no warning.
    await server.waitForOutput('Change with --allowed-hosts');
    expect(server.output()).toContain('Allowed hosts: localhost, 127.0.0.1, [::1] (any port unless one is given).\nChange with --allowed-hosts');
    expect(server.output()).not.toContain('WARNING');
  });

  it('logs a run end to end like the MLflow Python client', async () => {
    const post = (p: string, body: unknown) =>
      fetch(`${server.url}/api/2.0/mlflow/${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }),
      );
    const exp = await post('experiments/create', { name: 'e2e' });
    expect(exp.status).toBe(200);
    const run = await post('runs/create', { experiment_id: exp.body.experiment_id, run_name: 'cli', start_time: Date.now() });
    const runId = (run.body.run as { info: { run_id: string } }).info.run_id;
    expect(
      (
        await post('runs/log-batch', {
          run_id: runId,
          metrics: [{ key: 'acc', value: 0.9, timestamp: Date.now(), step: 0 }],
          params: [{ key: 'lr', value: '0.1' }],
        })
      ).status,
    ).toBe(200);
    expect((await post('runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() })).status).toBe(200);
    const found = await post('runs/search', { experiment_ids: [exp.body.experiment_id], filter: 'metrics.acc > 0.5' });
    expect((found.body.runs as { info: { run_id: string; status: string } }[]).map((r) => [r.info.run_id, r.info.status])).toEqual([[runId, 'FINISHED']]);
  });

  it('finishes in-flight requests on SIGTERM and exits cleanly', async () => {
    // A request whose headers the server has answered with 100 Continue is provably in flight; the
    // rest of its body is sent only once the server has taken the signal.
    const body = JSON.stringify({ name: 'during-shutdown' });
    const { hostname, port } = new URL(server.url);
    const req = http.request({
      host: hostname,
      port,
      method: 'POST',
      path: '/api/2.0/mlflow/experiments/create',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' },
    });
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      req.once('response', (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.once('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
    });
    await new Promise((resolve) => req.once('continue', resolve));
    req.write(body.slice(0, 5));
    server.child.kill('SIGTERM');
    await server.waitForOutput('Received SIGTERM');
    req.end(body.slice(5));
    const res = await answered;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toHaveProperty('experiment_id');
    const code = await new Promise<number | null>((resolve) =>
      server.child.exitCode !== null ? resolve(server.child.exitCode) : server.child.once('exit', resolve),
    );
    expect(code).toBe(0);
    expect(server.output()).toContain('Loupe stopped.');
  });

  it('says at start-up, bound beyond loopback, that there is no authentication and exactly which Host names it answers', async () => {
    const wide = await startCli(dir, ['server', '--port', '0', '--host', '0.0.0.0', '--backend-store-uri', `sqlite:///${path.join(dir, 'wide.db')}`]);
    try {
      await wide.waitForOutput('Allowed hosts:');
      expect(wide.output()).toContain('WARNING: Loupe has no authentication yet. Listening on 0.0.0.0');
      expect(wide.output()).toContain('Allowed hosts: localhost, 127.0.0.1, [::1], 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7');
      expect(wide.output()).toContain("--allowed-hosts 'loupe.example.com,");
      const port = new URL(wide.url).port;
      const status = (host: string) =>
        new Promise<number>((resolve, reject) =>
          http
            .get({ host: '127.0.0.1', port, path: '/ajax-api/2.0/mlflow/experiments/search?max_results=1', headers: { host } }, (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            })
            .on('error', reject),
        );
      expect(await status(`127.0.0.1:${port}`)).toBe(200);
      expect(await status(`192.168.1.20:${port}`)).toBe(200);
      expect(await status(`evil.example:${port}`)).toBe(403);
    } finally {
      wide.child.kill('SIGTERM');
      await new Promise((resolve) => (wide.child.exitCode !== null ? resolve(null) : wide.child.once('exit', resolve)));
    }
  });

  it('migrates with `loupe db upgrade` and reports an up-to-date database after', async () => {
    const run = (args: string[]) => runCli(args, dir);
    const uri = `sqlite:///${path.join(dir, 'fresh.db')}`;
    expect(await run(['db', 'upgrade', '--backend-store-uri', uri])).toMatchObject({ code: 0, out: expect.stringContaining('Applied migrations: 0001') });
    expect(await run(['db', 'upgrade', '--backend-store-uri', uri])).toMatchObject({ code: 0, out: expect.stringContaining('up to date') });
    expect(await run(['server', '--bogus'])).toMatchObject({ code: 2 });
  });
});
