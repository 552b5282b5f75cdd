// Search over 100,000 runs (3 metrics, 2 params, 2 tags each) with metric filters and order_by.
// Seeds the database directly (one transaction) after `loupe db upgrade`, then queries over HTTP.
// Usage: node bench/search-runs.mjs [--runs 100000] [--iterations 50]
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { CLI, flags, report, startServer, tempDir, timeSearch } from './lib.mjs';

const require = createRequire(new URL('../packages/server/package.json', import.meta.url));
const Database = require('better-sqlite3');

const opts = flags();
const RUNS = Number(opts.runs ?? 100_000);
export { RUNS };
const ITERATIONS = Number(opts.iterations ?? 50);

export function seed(dbFile) {
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  const exp = db.prepare(`insert into experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time) values (?, ?, 'active', ?, ?)`);
  const expId = exp.run('search-bench', 'mlflow-artifacts:/1', Date.now(), Date.now()).lastInsertRowid;
  const run = db.prepare(`insert into runs values (?, ?, ?, 'bench', 'FINISHED', ?, ?, 'active', ?, null)`);
  const param = db.prepare(`insert into params values (?, ?, ?)`);
  const tag = db.prepare(`insert into tags values (?, ?, ?)`);
  const metric = db.prepare(`insert into metrics values (?, ?, ?, ?, 0, 0, '', '', '')`);
  const latest = db.prepare(`insert into latest_metrics values (?, ?, ?, ?, 0, 0)`);
  let seedRandom = 42;
  const rand = () => (seedRandom = (seedRandom * 1103515245 + 12345) % 2147483648) / 2147483648;
  const t0 = Date.now() - RUNS * 1000;
  db.transaction(() => {
    for (let i = 0; i < RUNS; i++) {
      const id = i.toString(16).padStart(32, '0');
      const start = t0 + i * 1000;
      run.run(id, expId, `run-${i}`, start, start + 500, `mlflow-artifacts:/${expId}/${id}/artifacts`);
      param.run(id, 'model', ['tree', 'linear', 'mlp', 'xgb'][i % 4]);
      param.run(id, 'lr', String((i % 10) / 100));
      tag.run(id, 'mlflow.runName', `run-${i}`);
      tag.run(id, 'team', i % 3 ? 'core' : 'edge');
      for (const [key, value] of [
        ['accuracy', rand()],
        ['loss', rand() * 3],
        ['f1', rand()],
      ]) {
        metric.run(id, key, value, start);
        latest.run(id, key, value, start);
      }
    }
  })();
  db.close();
  return String(expId);
}

function measure(url, body) {
  return timeSearch(`${url}/api/2.0/mlflow/runs/search`, body, { iterations: ITERATIONS, list: 'runs' });
}

export async function run() {
  const dir = tempDir();
  const dbFile = path.join(dir, 'bench.db');
  const uri = `sqlite:///${dbFile}`;
  execFileSync(process.execPath, [CLI, 'db', 'upgrade', '--backend-store-uri', uri], { stdio: 'ignore' });
  const seedStart = performance.now();
  const exp = seed(dbFile);
  console.log(`seeded ${RUNS} runs in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
  const server = await startServer(['--backend-store-uri', uri], { cwd: dir });
  try {
    const queries = [
      ['metric filter + order by that metric, 100 results', { filter: 'metrics.accuracy > 0.9', order_by: ['metrics.accuracy DESC'], max_results: 100 }],
      ['metric filter + order by another metric, 100 results', { filter: 'metrics.accuracy > 0.5', order_by: ['metrics.loss ASC'], max_results: 100 }],
      ['metric + param filter, default order, 100 results', { filter: "metrics.accuracy > 0.5 and params.model = 'tree'", max_results: 100 }],
      ['no filter, order by a metric, 100 results', { order_by: ['metrics.f1 DESC'], max_results: 100 }],
      ['no filter, default order, 1000 results', { max_results: 1000 }],
    ];
    const out = [];
    for (const [name, q] of queries) {
      out.push(report(`search ${RUNS} runs: ${name}`, await measure(server.url, { experiment_ids: [exp], ...q })));
    }
    return out;
  } finally {
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
