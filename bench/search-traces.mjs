// Trace search over 1,000,000 stored traces of 10 spans each (SQLite). Seeds the database directly
// after `loupe db upgrade` (batched transactions), then queries `traces/search` over HTTP.
// Usage: node bench/search-traces.mjs [--traces 1000000] [--iterations 30] [--keep DIR]
//   --keep DIR reuses (or creates) the seeded database in DIR, so a second run skips seeding.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { CLI, flags, report, startServer, tempDir, timeSearch } from './lib.mjs';

const require = createRequire(new URL('../packages/server/package.json', import.meta.url));
const Database = require('better-sqlite3');

const opts = flags();
const TRACES = Number(opts.traces ?? 1_000_000);
const ITERATIONS = Number(opts.iterations ?? 30);
const SPANS_PER_TRACE = 10;
const NAMES = ['support-agent', 'order-lookup', 'refund', 'rag-answer', 'classifier'];
const SPAN_TYPES = ['CHAIN', 'LLM', 'RETRIEVER', 'TOOL', 'LLM', 'PARSER', 'TOOL', 'LLM', 'EMBEDDING', 'RERANKER'];
const WORDS = ['order', 'refund', 'shipping', 'invoice', 'delivery', 'account', 'password', 'warranty', 'discount', 'return'];

/** A deterministic pseudo-random generator (runs compare the same data). */
function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

const hex = (n, width) => n.toString(16).padStart(width, '0');

function spanContent(traceHex, spanHex, parentHex, name, type, inputs, outputs, startNs, endNs, status) {
  const b64 = (h) => Buffer.from(h, 'hex').toString('base64');
  const attributes = [
    { key: 'mlflow.spanType', value: { string_value: JSON.stringify(type) } },
    { key: 'mlflow.spanInputs', value: { string_value: JSON.stringify(inputs) } },
    { key: 'mlflow.spanOutputs', value: { string_value: JSON.stringify(outputs) } },
  ];
  return `{"trace_id":"${b64(traceHex)}","span_id":"${b64(spanHex)}","parent_span_id":"${parentHex ? b64(parentHex) : ''}","trace_state":"","name":${JSON.stringify(name)},"kind":"SPAN_KIND_INTERNAL","start_time_unix_nano":${startNs},"end_time_unix_nano":${endNs},"attributes":${JSON.stringify(attributes)},"events":[],"status":{"code":"STATUS_CODE_${status}","message":""}}`;
}

export function seed(dbFile, count = TRACES) {
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const now = Date.now();
  const expId = db
    .prepare(`insert into experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time) values (?, ?, 'active', ?, ?)`)
    .run('trace-search-bench', 'mlflow-artifacts:/bench', now, now).lastInsertRowid;
  const trace = db.prepare(`insert into traces (trace_id, experiment_id, client_request_id, request_time_ms, execution_duration_ms, state, request_preview, response_preview, root_span_id, span_count, finalized)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`);
  const tag = db.prepare(`insert into trace_tags (trace_id, key, value) values (?, ?, ?)`);
  const meta = db.prepare(`insert into trace_metadata (trace_id, key, value) values (?, ?, ?)`);
  const span = db.prepare(`insert into spans (trace_id, span_id, parent_span_id, name, type, status, start_time_us, end_time_us, content) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const random = rng(7);
  const t0 = now - count * 100;
  const BATCH = 20_000;
  for (let from = 0; from < count; from += BATCH) {
    db.transaction(() => {
      for (let i = from; i < Math.min(count, from + BATCH); i++) {
        const traceHex = hex(Math.floor(random() * 2 ** 32), 8) + hex(i, 24);
        const traceId = `tr-${traceHex}`;
        const start = t0 + i * 100;
        const r = random();
        const state = r < 0.9 ? 'OK' : r < 0.98 ? 'ERROR' : 'IN_PROGRESS';
        const duration = 50 + Math.floor(random() * 5000);
        const question = `customer ${i % 50_000} asks about ${WORDS[i % WORDS.length]} #${i}`;
        const rootHex = hex(i * 16 + 1, 16);
        trace.run(traceId, expId, `req-${i}`, start, duration, state, JSON.stringify({ question }), JSON.stringify(`answer ${i}`), rootHex, SPANS_PER_TRACE);
        tag.run(traceId, 'mlflow.traceName', NAMES[i % NAMES.length]);
        tag.run(traceId, 'env', ['prod', 'staging', 'dev'][i % 3]);
        tag.run(traceId, 'customer', `c-${i % 10_000}`);
        tag.run(traceId, 'mlflow.trace.spansLocation', 'TRACKING_STORE');
        meta.run(traceId, 'mlflow.trace.session', `s-${Math.floor(i / 5)}`);
        meta.run(traceId, 'mlflow.trace.user', `u-${i % 1000}`);
        for (let k = 0; k < SPANS_PER_TRACE; k++) {
          const spanHex = hex(i * 16 + 1 + k, 16);
          const type = k === 0 ? 'AGENT' : SPAN_TYPES[(i + k) % SPAN_TYPES.length];
          const status = state === 'ERROR' && k === SPANS_PER_TRACE - 1 ? 'ERROR' : 'OK';
          const startUs = start * 1000 + k * 500;
          const inputs = k === 0 ? { question } : { messages: [{ role: 'user', content: `step ${k}: ${WORDS[(i + k) % WORDS.length]} lookup for customer ${i % 50_000}` }] };
          const outputs = { content: `result of step ${k} for request ${i}` };
          span.run(traceId, spanHex, k === 0 ? null : rootHex, k === 0 ? NAMES[i % NAMES.length] : `${type.toLowerCase()}-${k}`, type, status, startUs, startUs + 400,
            spanContent(traceHex, spanHex, k === 0 ? null : rootHex, k === 0 ? 'root' : `step-${k}`, type, inputs, outputs, `${startUs}000`, `${startUs + 400}000`, status));
        }
      }
    })();
    if (from % 200_000 === 0) process.stdout.write(`  seeded ${from} traces\n`);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return String(expId);
}

function measure(url, body) {
  return timeSearch(`${url}/api/3.0/mlflow/traces/search`, body, { iterations: ITERATIONS, list: 'traces' });
}

export async function run() {
  const dir = opts.keep ? path.resolve(String(opts.keep)) : tempDir();
  fs.mkdirSync(dir, { recursive: true });
  const dbFile = path.join(dir, 'traces.db');
  const uri = `sqlite:///${dbFile}`;
  const seeded = fs.existsSync(dbFile);
  execFileSync(process.execPath, [CLI, 'db', 'upgrade', '--backend-store-uri', uri], { stdio: 'ignore' });
  let exp;
  if (seeded) {
    exp = String(new Database(dbFile, { readonly: true }).prepare(`select experiment_id from experiments where name = 'trace-search-bench'`).get().experiment_id);
  } else {
    const t = performance.now();
    exp = seed(dbFile);
    console.log(`seeded ${TRACES} traces x ${SPANS_PER_TRACE} spans in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }
  const server = await startServer(['--backend-store-uri', uri], { cwd: dir });
  try {
    const day = 86_400_000;
    const recent = Date.now() - day / 4;
    const queries = [
      ['newest page, 100 results', {}],
      ["tag equality, tag.env = 'prod' (1 in 3)", { filter: "tag.env = 'prod'" }],
      ["tag equality, tag.customer = 'c-4242' (1 in 10,000)", { filter: "tag.customer = 'c-4242'" }],
      ['status + time range', { filter: `trace.status = 'ERROR' AND trace.timestamp_ms > ${recent}` }],
      ["span.type = 'RERANKER'", { filter: "span.type = 'RERANKER'" }],
      ["metadata session, metadata.`mlflow.trace.session` = 's-4242'", { filter: "metadata.`mlflow.trace.session` = 's-4242'" }],
      ["full text, trace.text LIKE '%warranty lookup%'", { filter: "trace.text LIKE '%warranty lookup%'" }],
      ["full text, rare: trace.text LIKE '%customer 4242 %'", { filter: "trace.text LIKE '%customer 4242 %'" }],
    ];
    const out = [];
    for (const [name, q] of queries) {
      out.push(report(`search ${TRACES} traces: ${name}`, await measure(server.url, { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }], max_results: 100, ...q })));
    }
    return out;
  } finally {
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
