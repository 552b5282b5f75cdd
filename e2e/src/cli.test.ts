import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../packages/server/dist/loupe.js', import.meta.url));

/** Starts the built CLI in `cwd` and resolves with its URL once it prints one. */
function startCli(cwd: string, args: string[]): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, LOUPE_PORT: '', MLFLOW_PORT: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`CLI did not start:\n${out}`)), 20_000);
    child.stdout?.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: match[1], output: () => out });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`CLI exited with ${code}:\n${out}`));
    });
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
    // Hold a request open mid-body so it is provably in flight when SIGTERM arrives.
    const body = JSON.stringify({ name: 'during-shutdown' });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new TextEncoder().encode(body.slice(0, 5)));
        await gate;
        controller.enqueue(new TextEncoder().encode(body.slice(5)));
        controller.close();
      },
    });
    const inflight = fetch(`${server.url}/api/2.0/mlflow/experiments/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await new Promise((r) => setTimeout(r, 200));
    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    release();
    const res = await inflight;
    expect(res.status).toBe(200);
    expect(await res.json()).toHaveProperty('experiment_id');
    const code = await new Promise<number | null>((resolve) =>
      server.child.exitCode !== null ? resolve(server.child.exitCode) : server.child.once('exit', resolve),
    );
    expect(code).toBe(0);
    expect(server.output()).toContain('Loupe stopped.');
  });

  it('migrates with `loupe db upgrade` and reports an up-to-date database after', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, ...args], { cwd: dir });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.once('exit', (code) => resolve({ code, out }));
      });
    const uri = `sqlite:///${path.join(dir, 'fresh.db')}`;
    expect(await run(['db', 'upgrade', '--backend-store-uri', uri])).toMatchObject({ code: 0, out: expect.stringContaining('Applied migrations: 0001') });
    expect(await run(['db', 'upgrade', '--backend-store-uri', uri])).toMatchObject({ code: 0, out: expect.stringContaining('up to date') });
    expect(await run(['server', '--bogus'])).toMatchObject({ code: 2 });
  });
});
