// Trace search over 1,000,000 stored traces of 10 spans each. Seeds the database directly after
// `loupe db upgrade` (batched transactions), then queries `traces/search` over HTTP.
// Usage: node bench/search-traces.mjs [--traces 1000000] [--iterations 30] [--keep DIR] [--backend-store-uri URI]
//   --keep DIR reuses (or creates) the seeded SQLite database in DIR, so a second run skips seeding;
//   a PostgreSQL database that already holds the seeded experiment is reused the same way.
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
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
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

/** The rows of trace `i`: its trace row, tags, metadata and spans (keyed by its trace key, i + 1). */
function traceRows(i, expId, t0, random) {
  const traceHex = hex(Math.floor(random() * 2 ** 32), 8) + hex(i, 24);
  const traceId = `tr-${traceHex}`;
  const key = i + 1;
  const start = t0 + i * 100;
  const r = random();
  const state = r < 0.9 ? 'OK' : r < 0.98 ? 'ERROR' : 'IN_PROGRESS';
  const duration = 50 + Math.floor(random() * 5000);
  const question = `customer ${i % 50_000} asks about ${WORDS[i % WORDS.length]} #${i}`;
  const rootHex = hex(i * 16 + 1, 16);
  const spans = [];
  for (let k = 0; k < SPANS_PER_TRACE; k++) {
    const spanHex = hex(i * 16 + 1 + k, 16);
    const type = k === 0 ? 'AGENT' : SPAN_TYPES[(i + k) % SPAN_TYPES.length];
    const status = state === 'ERROR' && k === SPANS_PER_TRACE - 1 ? 'ERROR' : 'OK';
    const startUs = start * 1000 + k * 500;
    const inputs =
      k === 0 ? { question } : { messages: [{ role: 'user', content: `step ${k}: ${WORDS[(i + k) % WORDS.length]} lookup for customer ${i % 50_000}` }] };
    const outputs = { content: `result of step ${k} for request ${i}` };
    const content = spanContent(
      traceHex,
      spanHex,
      k === 0 ? null : rootHex,
      k === 0 ? 'root' : `step-${k}`,
      type,
      inputs,
      outputs,
      `${startUs}000`,
      `${startUs + 400}000`,
      status,
    );
    spans.push([
      key,
      spanHex,
      k === 0 ? null : rootHex,
      k === 0 ? NAMES[i % NAMES.length] : `${type.toLowerCase()}-${k}`,
      type,
      status,
      startUs,
      startUs + 400,
      content,
    ]);
  }
  return {
    trace: [key, traceId, expId, `req-${i}`, start, duration, state, JSON.stringify({ question }), JSON.stringify(`answer ${i}`), rootHex, SPANS_PER_TRACE, 1],
    tags: [
      [key, 'mlflow.traceName', NAMES[i % NAMES.length]],
      [key, 'env', ['prod', 'staging', 'dev'][i % 3]],
      [key, 'customer', `c-${i % 10_000}`],
      [key, 'mlflow.trace.spansLocation', 'TRACKING_STORE'],
    ],
    metadata: [
      [key, 'mlflow.trace.session', `s-${Math.floor(i / 5)}`],
      [key, 'mlflow.trace.user', `u-${i % 1000}`],
    ],
    spans,
    assessments: assessmentRows(i, traceId, start),
  };
}

/**
 * Judged traces: every other trace has an LLM judge's `helpfulness` (yes 9 in 10, else no); one trace
 * in 1,000 also has a human `rating` from 1 to 5.
 */
function assessmentRows(i, traceId, start) {
  const row = (n, name, value, source) => [
    `a-${hex(i, 24)}${n}`,
    traceId,
    name,
    'feedback',
    JSON.stringify(value),
    String(value),
    null,
    null,
    null,
    source,
    source === 'HUMAN' ? 'alice' : 'openai:/gpt-4o',
    start + 10,
    start + 10,
    null,
    null,
    null,
    1,
    null,
  ];
  const rows = [];
  if (i % 2 === 0) rows.push(row(0, 'helpfulness', i % 20 === 0 ? 'no' : 'yes', 'LLM_JUDGE'));
  if (i % 1000 === 7) rows.push(row(1, 'rating', 1 + (((i / 1000) % 5) | 0), 'HUMAN'));
  return rows;
}

const ASSESSMENT_COLUMNS =
  'assessment_id, trace_id, name, assessment_type, value, value_text, serialization_format, error, span_id, source_type, source_id, create_time_ms, last_update_time_ms, rationale, metadata, overrides, valid, run_id';
const TRACE_COLUMNS =
  'trace_key, trace_id, experiment_id, client_request_id, request_time_ms, execution_duration_ms, state, request_preview, response_preview, root_span_id, span_count, finalized';
const SPAN_COLUMNS = 'trace_key, span_id, parent_span_id, name, type, status, start_time_us, end_time_us, content';

/** Seeds a SQLite file directly (after `loupe db upgrade`), in transactions of 20,000 traces. */
export function seed(dbFile, count = TRACES) {
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const now = Date.now();
  const expId = db
    .prepare(`insert into experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time) values (?, ?, 'active', ?, ?)`)
    .run('trace-search-bench', 'mlflow-artifacts:/bench', now, now).lastInsertRowid;
  const trace = db.prepare(`insert into traces (${TRACE_COLUMNS}) values (${new Array(12).fill('?').join(', ')})`);
  const tag = db.prepare(`insert into trace_tags (trace_key, key, value) values (?, ?, ?)`);
  const meta = db.prepare(`insert into trace_metadata (trace_key, key, value) values (?, ?, ?)`);
  const span = db.prepare(`insert into spans (${SPAN_COLUMNS}) values (${new Array(9).fill('?').join(', ')})`);
  const assessment = db.prepare(`insert into assessments (${ASSESSMENT_COLUMNS}) values (${new Array(18).fill('?').join(', ')})`);
  const random = rng(7);
  const t0 = now - count * 100;
  const BATCH = 20_000;
  for (let from = 0; from < count; from += BATCH) {
    db.transaction(() => {
      for (let i = from; i < Math.min(count, from + BATCH); i++) {
        const rows = traceRows(i, expId, t0, random);
        trace.run(...rows.trace);
        for (const r of rows.tags) tag.run(...r);
        for (const r of rows.metadata) meta.run(...r);
        for (const r of rows.spans) span.run(...r);
        for (const r of rows.assessments) assessment.run(...r);
      }
    })();
    if (from % 200_000 === 0) process.stdout.write(`  seeded ${from} traces\n`);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return String(expId);
}

/** Seeds a PostgreSQL database directly (after `loupe db upgrade`), 2,000 traces per unnest() INSERT. */
export async function seedPostgres(uri, count = TRACES) {
  const pg = require('pg');
  const client = new pg.Client({ connectionString: uri });
  await client.connect();
  try {
    const now = Date.now();
    const { rows } = await client.query(
      `insert into experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time) values ($1, $2, 'active', $3, $3) returning experiment_id`,
      ['trace-search-bench', 'mlflow-artifacts:/bench', now],
    );
    const expId = Number(rows[0].experiment_id);
    const random = rng(7);
    const t0 = now - count * 100;
    const columnsOf = (list) => list[0].map((_, c) => list.map((row) => row[c]));
    const BATCH = 2_000;
    for (let from = 0; from < count; from += BATCH) {
      const batch = [];
      for (let i = from; i < Math.min(count, from + BATCH); i++) batch.push(traceRows(i, expId, t0, random));
      await client.query('begin');
      await client.query(
        `insert into traces (${TRACE_COLUMNS}) select * from unnest($1::int8[], $2::text[], $3::int8[], $4::text[], $5::int8[], $6::int8[], $7::text[], $8::text[], $9::text[], $10::text[], $11::int4[], $12::int4[])`,
        columnsOf(batch.map((b) => b.trace)),
      );
      await client.query(
        `insert into trace_tags (trace_key, key, value) select * from unnest($1::int8[], $2::text[], $3::text[])`,
        columnsOf(batch.flatMap((b) => b.tags)),
      );
      await client.query(
        `insert into trace_metadata (trace_key, key, value) select * from unnest($1::int8[], $2::text[], $3::text[])`,
        columnsOf(batch.flatMap((b) => b.metadata)),
      );
      await client.query(
        `insert into spans (${SPAN_COLUMNS}) select * from unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int8[], $8::int8[], $9::text[])`,
        columnsOf(batch.flatMap((b) => b.spans)),
      );
      await client.query(
        `insert into assessments (${ASSESSMENT_COLUMNS}) select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::int8[], $13::int8[], $14::text[], $15::text[], $16::text[], $17::int4[], $18::text[])`,
        columnsOf(batch.flatMap((b) => b.assessments)),
      );
      await client.query('commit');
      if (from % 200_000 === 0) process.stdout.write(`  seeded ${from} traces\n`);
    }
    // Explicit keys did not move the identity: new traces continue after the seeded ones.
    await client.query(`select setval(pg_get_serial_sequence('traces', 'trace_key'), (select max(trace_key) from traces))`);
    await client.query('analyze');
    return String(expId);
  } finally {
    await client.end();
  }
}

function measure(url, body, iterations) {
  return timeSearch(`${url}/api/3.0/mlflow/traces/search`, body, { iterations, list: 'traces', warmups: Math.min(3, iterations) });
}

export async function run() {
  const pgUri = opts['backend-store-uri'];
  const dir = opts.keep ? path.resolve(String(opts.keep)) : tempDir();
  fs.mkdirSync(dir, { recursive: true });
  const dbFile = path.join(dir, 'traces.db');
  const uri = pgUri ?? `sqlite:///${dbFile}`;
  execFileSync(process.execPath, [CLI, 'db', 'upgrade', '--backend-store-uri', uri], { stdio: 'ignore' });
  let exp = await existingExperiment(uri, dbFile);
  if (!exp) {
    const t = performance.now();
    exp = pgUri ? await seedPostgres(pgUri) : seed(dbFile);
    console.log(`seeded ${TRACES} traces x ${SPANS_PER_TRACE} spans in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }
  if (pgUri) buildTextIndexWithCli(uri);
  else buildTextIndex(dbFile);
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
      ["feedback value, feedback.helpfulness = 'no' (1 in 20)", { filter: "feedback.helpfulness = 'no'" }],
      ["feedback value, feedback.rating = '3' (1 in 5,000)", { filter: "feedback.rating = '3'" }],
      ["full text, trace.text LIKE '%warranty lookup%'", { filter: "trace.text LIKE '%warranty lookup%'" }],
      // A scan of every span: a few samples only.
      ["full text, rare: trace.text LIKE '%customer 4242 %'", { filter: "trace.text LIKE '%customer 4242 %'" }, 3],
    ];
    const out = [];
    for (const [name, q, iterations = ITERATIONS] of queries) {
      const body = { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }], max_results: 100, ...q };
      out.push(report(`search ${TRACES} traces${pgUri ? ' (PostgreSQL)' : ''}: ${name}`, await measure(server.url, body, iterations)));
    }
    return out;
  } finally {
    await server.stop();
  }
}

/** The experiment of an earlier seeding run (`--keep` / a reused PostgreSQL database), if any. */
/**
 * Fills SQLite's span text index (ADR 0004) as the server's background indexer would, all at once, and
 * reports its speed; a server started on a freshly seeded database would otherwise spend the first
 * minutes catching up (searches stay exact meanwhile, only slower).
 */
function buildTextIndex(dbFile) {
  const db = new Database(dbFile);
  try {
    const { pending } = db.prepare('select count(*) as pending from spans where rowid > (select indexed_rowid from span_text_progress)').get();
    if (pending === 0) return;
    const t = performance.now();
    db.transaction(() => {
      db.exec('insert into span_text (rowid, content) select rowid, content from spans where rowid > (select indexed_rowid from span_text_progress)');
      db.exec('update span_text_progress set indexed_rowid = (select max(rowid) from spans)');
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    const s = (performance.now() - t) / 1000;
    console.log(`text index: ${pending} spans in ${s.toFixed(0)} s (${Math.round(pending / s)} spans/s, ${((s * 1e6) / pending).toFixed(1)} us/span)`);
  } finally {
    db.close();
  }
}

/**
 * Fills PostgreSQL's span text index (ADR 0006) with `loupe db index-text`, as an operator would after
 * upgrading a large database, and reports its speed (a no-op once the index is up to date).
 */
function buildTextIndexWithCli(uri) {
  const t = performance.now();
  const out = execFileSync(process.execPath, [CLI, 'db', 'index-text', '--backend-store-uri', uri], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const total = Number(/(\d+) spans indexed/.exec(out)?.[1] ?? 0);
  const s = (performance.now() - t) / 1000;
  if (total > 0) console.log(`text index: ${total} spans in ${s.toFixed(0)} s (${Math.round(total / s)} spans/s, ${((s * 1e6) / total).toFixed(1)} us/span)`);
}

async function existingExperiment(uri, dbFile) {
  if (uri.startsWith('postgresql:')) {
    const pg = require('pg');
    const client = new pg.Client({ connectionString: uri });
    await client.connect();
    try {
      const { rows } = await client.query(`select experiment_id from experiments where name = 'trace-search-bench'`);
      return rows[0] ? String(rows[0].experiment_id) : undefined;
    } finally {
      await client.end();
    }
  }
  if (!fs.existsSync(dbFile)) return undefined;
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare(`select experiment_id from experiments where name = 'trace-search-bench'`).get()?.experiment_id?.toString();
  } finally {
    db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
