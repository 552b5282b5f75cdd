import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
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
      // The banner comes in several writes: wait for its last line before reading any of it.
      await wide.waitForOutput("--allowed-hosts '");
      expect(wide.output()).toContain('WARNING: authentication is off. Listening on 0.0.0.0');
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

/**
 * Runs the built CLI until it exits, or until it says it listens (then it is killed: the case failed).
 * `out` holds stdout and stderr; `listened` says whether it got as far as listening.
 */
function runToFailure(
  args: string[],
  cwd: string,
  ms = 20_000,
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string; listened: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...process.env, LOUPE_PORT: '', MLFLOW_PORT: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let listened = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (!listened && out.includes('listening on')) {
        listened = true;
        child.kill('SIGKILL');
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, listened });
    });
  });
}

/**
 * A folder this process cannot write to, by its permission bits; undefined where permission bits do not
 * stop writes (tests running as root: root writes through 0500).
 */
function readOnlyFolder(parent: string): string | undefined {
  const dir = fs.mkdtempSync(path.join(parent, 'read-only-'));
  fs.chmodSync(dir, 0o500);
  try {
    fs.writeFileSync(path.join(dir, 'probe'), '');
  } catch {
    return dir;
  }
  fs.chmodSync(dir, 0o700);
  return undefined;
}

describe('loupe CLI (built): start-up errors name the fix, in one line, and nothing listens', () => {
  let dir: string;
  /** A regular file: a path under it cannot be created by anyone, root included (ENOTDIR). */
  let file: string;
  let readOnly: string | undefined;

  beforeAll(() => {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does).`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-e2e-errors-'));
    file = path.join(dir, 'a-file');
    fs.writeFileSync(file, 'not a folder');
    readOnly = readOnlyFolder(dir);
  });
  afterAll(() => {
    if (readOnly) fs.chmodSync(readOnly, 0o700);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Runs `loupe server --port 0 <args>` in a fresh folder; expects the exit code and one line of output
   * matching every pattern, and no database left in the folder (the embedded default was not opened).
   */
  async function expectRefusal(
    args: string[] | { args: string[]; env: Record<string, string> },
    code: number,
    ...patterns: (string | RegExp)[]
  ): Promise<string> {
    const cwd = fs.mkdtempSync(path.join(dir, 'cwd-'));
    const { args: flags, env } = Array.isArray(args) ? { args, env: {} } : args;
    const res = await runToFailure(['server', '--port', '0', ...flags], cwd, 20_000, env);
    expect(fs.existsSync(path.join(cwd, 'loupe-data', 'loupe.db'))).toBe(false);
    // No folder named after a URI's scheme (`s3:`, `gs:`): a URI is never taken for a relative path.
    expect(fs.readdirSync(cwd).filter((name) => name.endsWith(':'))).toEqual([]);
    expect(res.listened, res.out).toBe(false);
    expect(res.code, res.out).toBe(code);
    const lines = res.out.trim().split('\n');
    expect(lines, res.out).toHaveLength(1);
    for (const p of patterns) expect(lines[0]).toMatch(p);
    return lines[0] as string;
  }

  it('an unknown flag: exit 2, pointing to --help', async () => {
    await expectRefusal(['--bogus'], 2, "loupe: unknown option '--bogus'", "see 'loupe --help'");
    await expectRefusal(['--backend-store', 'sqlite:///x.db'], 2, "did you mean '--backend-store-uri'?");
  });

  it('a port in use: says so and suggests --port', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const res = await runToFailure(['server', '--port', String(port)], dir);
      expect(res.listened).toBe(false);
      expect(res.code).toBe(1);
      expect(res.out.trim()).toMatch(new RegExp(`^loupe: port ${port} on 127\\.0\\.0\\.1 is already in use .*--port`));
      expect(res.out.trim().split('\n')).toHaveLength(1);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('a SQLite folder that cannot be created (under a regular file): the path, and --backend-store-uri', async () => {
    const db = path.join(file, 'data', 'loupe.db');
    await expectRefusal(['--backend-store-uri', `sqlite:///${db}`], 1, `cannot open the SQLite database ${db}`, 'not a folder', '--backend-store-uri');
  });

  it('a SQLite folder without write permission (skipped where permission bits do not stop writes, as for root)', async (ctx) => {
    if (!readOnly) return ctx.skip('this process writes through 0500 folders (root): the file-in-the-way case above covers the check');
    const db = path.join(readOnly, 'loupe.db');
    await expectRefusal(['--backend-store-uri', `sqlite:///${db}`], 1, `cannot open the SQLite database ${db}`, 'permission denied', '--backend-store-uri');
  });

  it('an artifact folder that cannot be created (under a regular file): checked at start-up, with the path and --artifacts-destination', async () => {
    const artifacts = path.join(file, 'artifacts');
    await expectRefusal(['--artifacts-destination', artifacts], 1, `cannot write to the artifact folder ${artifacts}`, '--artifacts-destination');
  });

  it('an artifact folder without write permission (skipped where permission bits do not stop writes, as for root)', async (ctx) => {
    if (!readOnly) return ctx.skip('this process writes through 0500 folders (root): the file-in-the-way case above covers the check');
    await expectRefusal(
      ['--artifacts-destination', readOnly],
      1,
      `cannot write to the artifact folder ${readOnly}: permission denied`,
      '--artifacts-destination',
    );
  });

  it('an --artifacts-destination Loupe cannot store in: exit 2, naming the forms it takes', async () => {
    await expectRefusal(
      ['--artifacts-destination', 'gs://bucket/artifacts'],
      2,
      "loupe: the artifacts destination 'gs://bucket/artifacts' has the scheme 'gs', which Loupe cannot store artifacts in",
      's3://bucket/prefix',
      '(--artifacts-destination)',
    );
    await expectRefusal({ args: [], env: { MLFLOW_ARTIFACTS_DESTINATION: 'hdfs://namenode/mlflow' } }, 2, "the scheme 'hdfs'");
    await expectRefusal(['--artifacts-destination', 's3://b/x'], 2, "'b' is not a bucket name", '(--artifacts-destination)');
  });

  it('an S3 destination that cannot be reached: exit 1, naming the bucket and the settings to check', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const line = await expectRefusal(
      {
        args: ['--artifacts-destination', 's3://artifacts/loupe'],
        env: { MLFLOW_S3_ENDPOINT_URL: `http://127.0.0.1:${port}`, AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 'hunter2' },
      },
      1,
      "loupe: cannot use the S3 bucket 'artifacts' of --artifacts-destination s3://artifacts/loupe",
      'ECONNREFUSED',
      'MLFLOW_S3_ENDPOINT_URL',
    );
    expect(line).not.toContain('hunter2');
  });

  it('an unreachable PostgreSQL: a connection failure naming where, not a failed migration', async () => {
    const line = await expectRefusal(
      ['--backend-store-uri', 'postgresql://postgres:hunter2@127.0.0.1:1/x'],
      1,
      'cannot connect to PostgreSQL at 127.0.0.1:1/x: connect ECONNREFUSED',
      '--backend-store-uri',
    );
    expect(line).not.toMatch(/migration|hunter2/i);
  });

  it('a malformed --backend-store-uri: exit 2, with the forms Loupe takes', async () => {
    await expectRefusal(
      ['--backend-store-uri', 'foo://bar'],
      2,
      "the backend store URI 'foo://bar' has the scheme 'foo'",
      'postgresql://user:password@host:5432/database',
      '(--backend-store-uri)',
    );
    await expectRefusal(
      ['--backend-store-uri', 'postgresql://'],
      2,
      "the PostgreSQL URI 'postgresql://' names no host and no database",
      '(--backend-store-uri)',
    );
    const garbage = await expectRefusal(['--backend-store-uri', 'postgresql://loupe:p@ss@:port/db'], 2, 'does not parse', '(--backend-store-uri)');
    expect(garbage).not.toContain('p@ss');
    await expectRefusal(['--backend-store-uri', 'sqlite:loupe.db'], 2, "the SQLite URI 'sqlite:loupe.db' is malformed", 'sqlite:////absolute/path.db');
  });
});
