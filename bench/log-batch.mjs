// log-batch of 1,000 metrics per call: one client, then 8 concurrent clients (each on its own run).
// Usage: node bench/log-batch.mjs [--requests 200] [--backend-store-uri URI]
import { flags, percentile, postJson, report, startServer } from './lib.mjs';

const opts = flags();
const REQUESTS = Number(opts.requests ?? 200);
const args = opts['backend-store-uri'] ? ['--backend-store-uri', opts['backend-store-uri']] : [];

function batchBody(runId, i) {
  const now = Date.now();
  const metrics = Array.from({ length: 1000 }, (_, j) => ({ key: `metric_${j % 20}`, value: Math.random(), timestamp: now + j, step: i * 1000 + j }));
  return JSON.stringify({ run_id: runId, metrics });
}

async function newRun(url, exp) {
  const { body } = await postJson(`${url}/api/2.0/mlflow/runs/create`, { experiment_id: exp, start_time: Date.now() });
  return body.run.info.run_id;
}

async function clientLoop(url, runId, count, latencies) {
  for (let i = 0; i < count; i++) {
    const body = batchBody(runId, i);
    const { ms } = await postJson(`${url}/api/2.0/mlflow/runs/log-batch`, body);
    latencies.push(ms);
  }
}

export async function run() {
  const server = await startServer(args);
  try {
    const url = server.url;
    const { body } = await postJson(`${url}/api/2.0/mlflow/experiments/create`, { name: `bench-${Date.now()}` });
    const exp = body.experiment_id;

    // Warm-up (JIT, SQLite page cache), not measured.
    await clientLoop(url, await newRun(url, exp), 20, []);

    const single = [];
    const t1 = performance.now();
    await clientLoop(url, await newRun(url, exp), REQUESTS, single);
    const singleSec = (performance.now() - t1) / 1000;

    const concurrent = [];
    const runs = await Promise.all(Array.from({ length: 8 }, () => newRun(url, exp)));
    const t8 = performance.now();
    await Promise.all(runs.map((r) => clientLoop(url, r, Math.ceil(REQUESTS / 8) * 2, concurrent)));
    const concSec = (performance.now() - t8) / 1000;

    return [
      report('log-batch 1000 metrics, 1 client', {
        requests: single.length,
        median_ms: percentile(single, 50),
        p95_ms: percentile(single, 95),
        p99_ms: percentile(single, 99),
        metrics_per_s: (single.length * 1000) / singleSec,
      }),
      report('log-batch 1000 metrics, 8 clients', {
        requests: concurrent.length,
        median_ms: percentile(concurrent, 50),
        p95_ms: percentile(concurrent, 95),
        p99_ms: percentile(concurrent, 99),
        metrics_per_s: (concurrent.length * 1000) / concSec,
      }),
    ];
  } finally {
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
