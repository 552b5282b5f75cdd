// Cold start (spawn of the built CLI to the first 200 on /health, fresh data folder) and idle RSS.
// Usage: node bench/startup.mjs [--runs 10]
import { flags, percentile, report, rssMb, startServer } from './lib.mjs';

const opts = flags();
const RUNS = Number(opts.runs ?? 10);

async function firstOk(url) {
  for (;;) {
    try {
      const res = await fetch(`${url}/health`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function run() {
  const times = [];
  let idle = NaN;
  for (let i = 0; i < RUNS; i++) {
    const server = await startServer();
    await firstOk(server.url);
    times.push(Number(process.hrtime.bigint() - server.startedAtNs) / 1e6);
    if (i === RUNS - 1) {
      await new Promise((r) => setTimeout(r, 3000));
      idle = rssMb(server.pid);
    }
    await server.stop();
  }
  return [
    report('cold start to first 200 (new SQLite database)', { runs: times.length, median_ms: percentile(times, 50), max_ms: Math.max(...times) }),
    report('idle RSS after start', { rss_mb: idle }),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
