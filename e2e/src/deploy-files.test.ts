import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveServerConfig } from '@loupe/server';
import { sqliteBackend } from '@loupe/server/testing';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CLI, runCli, startCliServer } from './cli-server.js';

/**
 * The example deployment files under deploy/ (docs/deploy.md), linted and exercised as far as this
 * machine allows without a network: the Kubernetes manifests parsed and cross-checked (probes on real
 * routes, selectors, grace periods), their settings and the systemd environment file read by the
 * server's own configuration code, `haproxy -c`, `nginx -t` and `systemd-analyze verify` where those
 * programs are installed (.ci/run installs them: under CI=true a missing one fails).
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEPLOY = path.join(ROOT, 'deploy');
const read = (rel: string) => fs.readFileSync(path.join(DEPLOY, rel), 'utf8');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Manifest = Record<string, any>;

function manifests(): Manifest[] {
  const dir = path.join(DEPLOY, 'kubernetes');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) =>
      parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((doc) => {
        expect(doc.errors, f).toEqual([]);
        return { ...(doc.toJSON() as Manifest), file: f };
      }),
    );
}

/** The environment variables the README's "Server options" table names (checked against the settings by config.test.ts). */
function knownVariables(): Set<string> {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Server options');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  return new Set([...section.matchAll(/`((?:LOUPE|MLFLOW)_[A-Z0-9_]+)`/g)].map((m) => m[1] as string));
}

/** The settings an environment gives, as the server reads them; every warning (a value it would ignore) fails. */
function readSettings(env: Record<string, string>) {
  const warnings: string[] = [];
  const unknown = Object.keys(env).filter((name) => name.startsWith('LOUPE_') && !knownVariables().has(name));
  const config = resolveServerConfig({}, env, (m) => warnings.push(m));
  return { config, warnings, unknown };
}

/** Runs a linter when it is installed; under CI=true a missing one fails (.ci/run installs it). */
function lint(program: string, args: string[]): { ran: false; reason: string } | { ran: true; status: number | null; output: string } {
  const found = spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' });
  if (found.status !== 0) {
    if (process.env.CI === 'true') throw new Error(`${program} is not installed; .ci/run installs it (apt-get install ${program})`);
    return { ran: false, reason: `${program} is not installed` };
  }
  const run = spawnSync(program, args, { encoding: 'utf8' });
  return { ran: true, status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('deploy/kubernetes', () => {
  const all = manifests();
  const one = (kind: string) => {
    const found = all.filter((m) => m.kind === kind);
    expect(found, kind).toHaveLength(1);
    return found[0] as Manifest;
  };

  it('has a Deployment, a migration Job, a Service, a PodDisruptionBudget and the settings, with matching selectors', () => {
    const deployment = one('Deployment');
    const pod = deployment.spec.template;
    expect(deployment.spec.selector.matchLabels).toEqual(pod.metadata.labels);
    const service = one('Service');
    const pdb = one('PodDisruptionBudget');
    for (const selector of [service.spec.selector, pdb.spec.selector.matchLabels]) {
      for (const [k, v] of Object.entries(selector as Record<string, string>)) expect(pod.metadata.labels[k], k).toBe(v);
    }
    expect(pdb.spec.maxUnavailable).toBe(1);
    const container = pod.spec.containers[0];
    expect(service.spec.ports[0].targetPort).toBe(container.ports[0].name);
    const job = one('Job');
    expect(job.spec.template.spec.containers[0].args).toEqual(['db', 'upgrade']);
    expect(job.spec.template.spec.containers[0].image).toBe(container.image);
    // Kustomize lists every manifest but the secret, which is created by hand.
    const kustomization = one('Kustomization');
    expect([...kustomization.resources].sort()).toEqual(
      all
        .filter((m) => !['Kustomization', 'Secret'].includes(m.kind))
        .map((m) => m.file)
        .sort(),
    );
  });

  it('probes readiness on /ready and liveness on /health, at the container port the settings give', () => {
    const container = one('Deployment').spec.template.spec.containers[0];
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(container.startupProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(String(container.ports[0].containerPort)).toBe(one('ConfigMap').data.LOUPE_PORT);
  });

  it('gives the drain time to finish before the kill, and runs migrations in the Job only', () => {
    const { config, warnings, unknown } = readSettings({ ...one('ConfigMap').data, ...one('Secret').stringData });
    expect(warnings).toEqual([]);
    expect(unknown).toEqual([]);
    expect(config.migrateOnStart).toBe(false);
    expect(config.appName).toBe('basic-auth');
    expect(config.shutdownDelayMs).toBeGreaterThan(0);
    const grace = one('Deployment').spec.template.spec.terminationGracePeriodSeconds * 1000;
    expect(grace).toBeGreaterThan(config.shutdownDelayMs + config.shutdownGraceMs);
    // The pods' readiness probe fails within the delay: no request meets a server that refuses them.
    const probe = one('Deployment').spec.template.spec.containers[0].readinessProbe;
    expect(probe.periodSeconds * probe.failureThreshold * 1000).toBeLessThan(config.shutdownDelayMs);
  });
});

describe('deploy/systemd', () => {
  it('has an environment file the server reads without a warning', () => {
    const env = Object.fromEntries(
      read('systemd/loupe.env.example')
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    const { config, warnings, unknown } = readSettings(env);
    expect(warnings).toEqual([]);
    expect(unknown).toEqual([]);
    expect(config.migrateOnStart).toBe(false);
    // systemd's stop timeout outlasts the drain.
    const stop = Number(/^TimeoutStopSec=(\d+)$/m.exec(read('systemd/loupe.service'))?.[1]) * 1000;
    expect(stop).toBeGreaterThan(config.shutdownDelayMs + config.shutdownGraceMs);
  });

  it('passes systemd-analyze verify', (ctx) => {
    const result = lint('systemd-analyze', ['verify', path.join(DEPLOY, 'systemd/loupe.service'), path.join(DEPLOY, 'systemd/loupe-migrate.service')]);
    if (!result.ran) return ctx.skip(result.reason);
    expect(result.output).not.toMatch(/Unknown (key|section)|bad unit file|fatal/i);
    expect(result.status, result.output).toBe(0);
  });
});

describe('deploy/haproxy and deploy/nginx', () => {
  it('haproxy -c accepts the HAProxy configuration, which checks /ready', (ctx) => {
    expect(read('haproxy/haproxy.cfg')).toMatch(/^\s*http-check send meth GET uri \/ready$/m);
    const result = lint('haproxy', ['-c', '-f', path.join(DEPLOY, 'haproxy/haproxy.cfg')]);
    if (!result.ran) return ctx.skip(result.reason);
    expect(result.status, result.output).toBe(0);
  });

  it('nginx -t accepts the nginx configuration', (ctx) => {
    const result = lint('nginx', ['-t', '-c', path.join(DEPLOY, 'nginx/nginx.conf')]);
    if (!result.ran) return ctx.skip(result.reason);
    expect(result.status, result.output).toBe(0);
  });
});

describe('deploy/Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('builds on node:20-slim in two stages and runs the bundle as a non-root user, with a health check on /health', () => {
    expect([...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1])).toEqual(['node:20-slim', 'node:20-slim']);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK [\s\S]*\/health/m);
    expect(runtime).toMatch(/^ENTRYPOINT \["node", "\/app\/dist\/loupe\.js"\]$/m);
    expect(dockerfile).toMatch(/npm ci .*\n.*npm run build/);
  });

  it('copies what the built CLI needs at run time, and pins the drivers the bundle leaves out', () => {
    for (const file of ['dist/loupe.js', 'dist/otlp-decode-worker.js', 'dist/ui']) {
      expect(dockerfile, file).toContain(`packages/server/${file}`);
      expect(fs.existsSync(path.join(ROOT, 'packages/server', file)), `${file} (npm run build)`).toBe(true);
    }
    const bundle = fs.readFileSync(CLI, 'utf8');
    const external = [...bundle.matchAll(/^import \w+ from "([^".]+)";$/gm)].map((m) => m[1]).filter((m) => !m?.startsWith('node:'));
    expect([...new Set(external)].sort()).toEqual(['better-sqlite3', 'pg']);
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
    for (const name of ['better-sqlite3', 'pg']) expect(lock.packages[`node_modules/${name}`]?.version, name).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('the built CLI as the examples run it', () => {
  it('answers the probes: /ready and /health 200; on SIGTERM /ready 503 at once while /health is served, then it exits', async () => {
    const server = await startCliServer(sqliteBackend, 'loupe-deploy-', { env: { LOUPE_SHUTDOWN_DELAY_MS: '1500' } });
    try {
      for (const probe of ['/ready', '/health']) expect((await fetch(`${server.url}${probe}`)).status, probe).toBe(200);
      process.kill(server.pid, 'SIGTERM');
      await server.waitForOutput(/Received SIGTERM/);
      expect((await fetch(`${server.url}/ready`)).status).toBe(503);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      await server.waitForOutput(/Loupe stopped\./);
    } finally {
      await server.stop();
    }
  });

  it('with --no-migrate refuses a database loupe db upgrade has not migrated, naming it, and starts after it has', async () => {
    const database = await sqliteBackend.createEmpty();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-deploy-migrate-'));
    try {
      const refused = await runCli(['server', '--port', '0', '--backend-store-uri', database.uri, '--no-migrate'], dir);
      expect(refused.code).toBe(1);
      expect(refused.out).toMatch(/is not up to date: \d+ migration\(s\) to apply .*run 'loupe db upgrade'/);
      const upgraded = await runCli(['db', 'upgrade', '--backend-store-uri', database.uri], dir);
      expect(upgraded.code, upgraded.out).toBe(0);
      const child = spawn(process.execPath, [CLI, 'server', '--port', '0', '--backend-store-uri', database.uri, '--no-migrate'], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
      });
      expect((await fetch(`${url}/ready`)).status).toBe(200);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      await database.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
