// What authentication and authorization add to a request (issue 18: <= 0.2 ms at p50). Two servers of
// the same build on fresh SQLite databases: one without auth, one with --app-name basic-auth. The same
// request, GET runs/get of one run, is sent to each in alternating rounds over keep-alive HTTP on
// loopback; on the auth server by a non-admin user with READ by default, so the request goes through
// the whole path: Basic header -> verification cache -> permission check on the run's experiment
// (run -> experiment link cache, the user's permission rows).
// Usage: node bench/auth-overhead.mjs [--rounds 20] [--requests 500]
import { flags, percentile, report, startServer } from './lib.mjs';

const opts = flags();
const ROUNDS = Number(opts.rounds ?? 20);
const REQUESTS = Number(opts.requests ?? 500);
const ADMIN = { username: 'admin', password: 'bench-admin-password' };
const USER = { username: 'reader', password: 'bench-reader-password' };

const basic = ({ username, password }) => ({ authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` });

async function call(url, method, path, body, headers = {}) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** A run to read, created by `headers`' user. */
async function seed(url, headers) {
  const exp = (await call(url, 'POST', '/api/2.0/mlflow/experiments/create', { name: 'bench' }, headers)).experiment_id;
  const run = (await call(url, 'POST', '/api/2.0/mlflow/runs/create', { experiment_id: exp, start_time: 1 }, headers)).run.info.run_id;
  await call(
    url,
    'POST',
    '/api/2.0/mlflow/runs/log-batch',
    { run_id: run, metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }], params: [{ key: 'p', value: 'v' }] },
    headers,
  );
  return run;
}

/** Milliseconds of each of `n` sequential requests. */
async function timeRequests(url, path, headers, n) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const started = process.hrtime.bigint();
    const res = await fetch(`${url}${path}`, { headers });
    await res.arrayBuffer();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  }
  return times;
}

export async function run() {
  const open = await startServer();
  const guarded = await startServer(['--app-name', 'basic-auth'], {
    env: { LOUPE_AUTH_ADMIN_USERNAME: ADMIN.username, LOUPE_AUTH_ADMIN_PASSWORD: ADMIN.password },
  });
  try {
    const openRun = await seed(open.url, {});
    await call(guarded.url, 'POST', '/api/2.0/mlflow/users/create', USER, basic(ADMIN));
    // Created by the admin: the reader holds READ through the default permission, not as the creator.
    const guardedRun = await seed(guarded.url, basic(ADMIN));
    const reader = basic(USER);
    const openPath = `/api/2.0/mlflow/runs/get?run_id=${openRun}`;
    const guardedPath = `/api/2.0/mlflow/runs/get?run_id=${guardedRun}`;
    // Warm-up: JIT, connection pools, the first (scrypt) verification and the caches.
    await timeRequests(open.url, openPath, {}, 500);
    await timeRequests(guarded.url, guardedPath, reader, 500);
    const without = [];
    const withAuth = [];
    for (let round = 0; round < ROUNDS; round++) {
      without.push(...(await timeRequests(open.url, openPath, {}, REQUESTS)));
      withAuth.push(...(await timeRequests(guarded.url, guardedPath, reader, REQUESTS)));
    }
    const p50Without = percentile(without, 50);
    const p50With = percentile(withAuth, 50);
    return [
      report('GET runs/get, auth off', { requests: without.length, p50_ms: p50Without, p90_ms: percentile(without, 90), p99_ms: percentile(without, 99) }),
      report('GET runs/get, basic-auth (non-admin, READ)', {
        requests: withAuth.length,
        p50_ms: p50With,
        p90_ms: percentile(withAuth, 90),
        p99_ms: percentile(withAuth, 99),
      }),
      report('auth overhead at p50 (target <= 0.2 ms)', { overhead_ms: p50With - p50Without }),
    ];
  } finally {
    await open.stop();
    await guarded.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
