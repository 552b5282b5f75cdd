// Shared helpers for Loupe benchmarks: start the built CLI on a temporary folder, percentiles, output.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../packages/server/dist/loupe.js', import.meta.url));

/** A fresh temporary folder. */
export function tempDir(prefix = 'loupe-bench-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Starts `loupe server` from the built CLI; resolves once it prints its URL.
 * Returns { url, pid, stop(), startedAtNs, readyAtNs }. A folder made here (no `cwd` given) is removed by stop().
 */
export function startServer(args = [], { cwd, env = {} } = {}) {
  const ownFolder = cwd === undefined;
  cwd ??= tempDir();
  const startedAtNs = process.hrtime.bigint();
  const nodeFlags = process.env.LOUPE_BENCH_NODE_FLAGS ? process.env.LOUPE_BENCH_NODE_FLAGS.split(' ') : [];
  const child = spawn(process.execPath, [...nodeFlags, CLI, 'server', '--port', '0', ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        child.stdout.off('data', onData);
        resolve({
          url: m[1],
          pid: child.pid,
          cwd,
          startedAtNs,
          stop: () =>
            new Promise((res) => {
              if (child.exitCode !== null) return res();
              child.once('exit', () => res());
              child.kill('SIGTERM');
            }).then(() => {
              if (ownFolder) fs.rmSync(cwd, { recursive: true, force: true });
            }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
}

/** Percentile (0..100) of a numeric array. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

/** Resident set size of a process in MB (Linux /proc). */
export function rssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** Peak resident set size of a process in MB (Linux /proc VmHWM). */
export function peakRssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

/**
 * CPU seconds used so far by process `pid`: in all, by its main thread, and by its other threads
 * (workers, libuv pool), from /proc (Linux).
 */
export function cpuSeconds(pid) {
  const ticks = (stat) => {
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  };
  const hz = 100;
  let main = 0;
  let others = 0;
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    let t;
    try {
      t = ticks(fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
    } catch {
      continue; // the thread ended meanwhile
    }
    if (tid === String(pid)) main += t;
    else others += t;
  }
  return { total: (main + others) / hz, main: main / hz, others: others / hz };
}

/** POST JSON and return { status, ms, body }. */
export async function postJson(url, body) {
  const t0 = process.hrtime.bigint();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (res.status !== 200) throw new Error(`${url} -> ${res.status}: ${text.slice(0, 300)}`);
  return { status: res.status, ms, body: text ? JSON.parse(text) : {} };
}

/**
 * Times a search endpoint: `warmups` (3) unmeasured calls, then `iterations` measured ones. `list` names the result
 * array in the response (`runs`, `traces`). Returns { returned, p50_ms, p95_ms }.
 */
export async function timeSearch(url, body, { iterations, list, warmups = 3 }) {
  const times = [];
  let count = 0;
  for (let i = 0; i < warmups; i++) await postJson(url, body);
  for (let i = 0; i < iterations; i++) {
    const { ms, body: res } = await postJson(url, body);
    times.push(ms);
    count = res[list]?.length ?? 0;
  }
  return { returned: count, p50_ms: percentile(times, 50), p95_ms: percentile(times, 95) };
}

/** Formats a number with fixed decimals. */
export const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : String(n));

/** Prints a result line and returns it as an object (for bench/run.mjs to collect). */
export function report(name, fields) {
  const line = Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? fmt(v, 2) : v}`)
    .join('  ');
  console.log(`${name}: ${line}`);
  return { name, ...fields };
}

/** Parses `--key value` flags. */
export function flags(argv = process.argv.slice(2)) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) out[a.slice(2)] = true;
      else {
        out[a.slice(2)] = next;
        i++;
      }
    }
  }
  return out;
}
