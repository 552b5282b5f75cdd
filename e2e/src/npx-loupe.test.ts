import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const LAUNCHER = path.join(REPO, 'packages/server/bin/loupe.js');
const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO, 'packages/server/package.json'), 'utf8')) as { version: string }).version;

/** Runs a command to its end; its exit code, stdout and stderr. */
function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe("the README's `npx loupe` in a checkout", () => {
  it('`npx loupe server --help` prints the server help and exits 0', async () => {
    const res = await run('npx', ['loupe', 'server', '--help'], REPO);
    expect(res.stderr).not.toMatch(/could not determine executable/);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Usage: loupe <command> \[options\]/);
    expect(res.stdout).toContain('--backend-store-uri URI');
  });

  it('`npx loupe --version` prints the server package version and exits 0', async () => {
    const res = await run('npx', ['loupe', '--version'], REPO);
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe(VERSION);
  });

  it('the `loupe` bin of @loupe/server is the launcher, a file in the repository, so `npm ci` links it before any build', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'packages/server/package.json'), 'utf8')) as { bin: Record<string, string>; files: string[] };
    expect(path.resolve(REPO, 'packages/server', pkg.bin.loupe as string)).toBe(LAUNCHER);
    expect(pkg.files).toContain('bin');
    expect(fs.statSync(LAUNCHER).mode & 0o111).not.toBe(0);
  });
});

describe('the launcher in a checkout not built yet', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A stand-in checkout: the real launcher, and a root whose `npm run build` writes a dist/loupe.js that prints what it was given. */
  function fakeCheckout(build: string): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-launcher-'));
    dirs.push(root);
    fs.mkdirSync(path.join(root, 'packages/server/bin'), { recursive: true });
    fs.copyFileSync(LAUNCHER, path.join(root, 'packages/server/bin/loupe.js'));
    fs.writeFileSync(path.join(root, 'packages/server/package.json'), JSON.stringify({ name: '@loupe/server', type: 'module' }));
    fs.writeFileSync(path.join(root, 'build.mjs'), build);
    fs.writeFileSync(
      path.join(root, 'package.json'),
      JSON.stringify({ name: 'loupe', private: true, workspaces: ['packages/server'], scripts: { build: 'node build.mjs' } }),
    );
    return root;
  }

  it('builds first, keeping stdout for the command, then runs it; the next run does not build again', async () => {
    const root = fakeCheckout(
      "import fs from 'node:fs';\nfs.mkdirSync('packages/server/dist', { recursive: true });\n" +
        "fs.writeFileSync('packages/server/dist/loupe.js', 'process.stdout.write(`ran ${process.argv.slice(2).join(\" \")}\\\\n`);');\n" +
        "console.log('building...');\n",
    );
    const first = await run(process.execPath, [path.join(root, 'packages/server/bin/loupe.js'), '--version'], root);
    expect(first).toMatchObject({ code: 0, stdout: 'ran --version\n' });
    expect(first.stderr).toMatch(/first run in this checkout: building it/);
    expect(first.stderr).toContain('building...');
    const second = await run(process.execPath, [path.join(root, 'packages/server/bin/loupe.js'), 'server', '--help'], root);
    expect(second).toEqual({ code: 0, stdout: 'ran server --help\n', stderr: '' });
  });

  it('says so and exits 1 when the build fails', async () => {
    const root = fakeCheckout("console.error('tsc: error'); process.exit(2);\n");
    const res = await run(process.execPath, [path.join(root, 'packages/server/bin/loupe.js'), '--version'], root);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/tsc: error[\s\S]*loupe: the build failed \(see above\); run `npm run build` in /);
  });
});
