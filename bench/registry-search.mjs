// registered-models/search (and model-versions/search) over 10,000 registered models with 100,000
// versions: each model has 2 tags, an alias and 10 versions of 2 tags each, spread over the stages;
// one model in ten is a prompt. Seeds the database directly after `loupe db upgrade`, then queries over
// HTTP with GETs as MLflow's clients send them.
// Usage: node bench/registry-search.mjs [--models 10000] [--versions 10] [--iterations 50] [--backend sqlite|postgresql]
//   --backend postgresql makes a fresh database on LOUPE_BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/postgres)
//   and drops it afterwards. --keep DIR keeps (or reuses) the seeded SQLite database in DIR;
//   --backend-store-uri postgresql://... uses (and keeps) that database, seeding it when it holds no registered model.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { URLSearchParams } from 'node:url';
import { CLI, flags, percentile, report, startServer, tempDir } from './lib.mjs';

const require = createRequire(new URL('../packages/server/package.json', import.meta.url));

const opts = flags();
const MODELS = Number(opts.models ?? 10_000);
const VERSIONS = Number(opts.versions ?? 10);
const ITERATIONS = Number(opts.iterations ?? 50);
const BACKEND = String(opts.backend ?? 'sqlite');
const STAGES = ['None', 'None', 'None', 'Staging', 'Production', 'Archived'];
const TEAMS = ['risk', 'growth', 'search', 'ads'];

/** The rows of every table, model by model (model_key = i + 1). */
function* modelRows(now) {
  for (let i = 0; i < MODELS; i++) {
    const key = i + 1;
    const name = `model-${String(i).padStart(5, '0')}`;
    const prompt = i % 10 === 9;
    const created = now - (MODELS - i) * 60_000;
    const rows = {
      model: [key, name, created, created + VERSIONS * 1000, prompt ? 'a prompt' : 'a model'],
      tags: [
        [key, 'team', TEAMS[i % TEAMS.length]],
        [key, prompt ? 'mlflow.prompt.is_prompt' : 'owner', prompt ? 'true' : `user-${i % 50}`],
      ],
      versions: [],
      versionTags: [],
      alias: [key, 'champion', 1 + (i % VERSIONS)],
    };
    for (let v = 1; v <= VERSIONS; v++) {
      const at = created + v * 1000;
      const stage = prompt ? 'None' : STAGES[(i + v) % STAGES.length];
      rows.versions.push([
        key,
        v,
        at,
        at,
        stage,
        prompt ? 'dummy-source' : `mlflow-artifacts:/1/models/m-${i}-${v}/artifacts`,
        (i * VERSIONS + v).toString(16).padStart(32, '0'),
        'READY',
      ]);
      rows.versionTags.push([key, v, prompt ? 'mlflow.prompt.text' : 'framework', prompt ? `Answer {{ question }} (v${v})` : 'sklearn']);
      rows.versionTags.push([key, v, prompt ? 'mlflow.prompt.is_prompt' : 'validated', prompt ? 'true' : String(v % 2 === 0)]);
    }
    yield rows;
  }
}

const MODEL_SQL = 'insert into registered_models (model_key, name, creation_time, last_updated_time, description)';
const VERSION_SQL = 'insert into model_versions (model_key, version, creation_time, last_updated_time, current_stage, source, run_id, status)';

function seedSqlite(dbFile) {
  const Database = require('better-sqlite3');
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  const model = db.prepare(`${MODEL_SQL} values (?, ?, ?, ?, ?)`);
  const tag = db.prepare('insert into registered_model_tags (model_key, key, value) values (?, ?, ?)');
  const version = db.prepare(`${VERSION_SQL} values (?, ?, ?, ?, ?, ?, ?, ?)`);
  const versionTag = db.prepare('insert into model_version_tags (model_key, version, key, value) values (?, ?, ?, ?)');
  const alias = db.prepare('insert into registered_model_aliases (model_key, alias, version) values (?, ?, ?)');
  db.transaction(() => {
    for (const rows of modelRows(Date.now())) {
      model.run(...rows.model);
      for (const t of rows.tags) tag.run(...t);
      for (const v of rows.versions) version.run(...v);
      for (const t of rows.versionTags) versionTag.run(...t);
      alias.run(...rows.alias);
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

async function seedPostgres(uri) {
  const pg = require('pg');
  const client = new pg.Client({ connectionString: uri });
  await client.connect();
  const columns = (list) => (list.length === 0 ? [] : list[0].map((_, c) => list.map((row) => row[c])));
  try {
    const all = [...modelRows(Date.now())];
    for (let from = 0; from < all.length; from += 1000) {
      const batch = all.slice(from, from + 1000);
      await client.query('begin');
      await client.query(`${MODEL_SQL} select * from unnest($1::int8[], $2::text[], $3::int8[], $4::int8[], $5::text[])`, columns(batch.map((b) => b.model)));
      await client.query(
        'insert into registered_model_tags (model_key, key, value) select * from unnest($1::int8[], $2::text[], $3::text[])',
        columns(batch.flatMap((b) => b.tags)),
      );
      await client.query(
        `${VERSION_SQL} select * from unnest($1::int8[], $2::int4[], $3::int8[], $4::int8[], $5::text[], $6::text[], $7::text[], $8::text[])`,
        columns(batch.flatMap((b) => b.versions)),
      );
      await client.query(
        'insert into model_version_tags (model_key, version, key, value) select * from unnest($1::int8[], $2::int4[], $3::text[], $4::text[])',
        columns(batch.flatMap((b) => b.versionTags)),
      );
      await client.query(
        'insert into registered_model_aliases (model_key, alias, version) select * from unnest($1::int8[], $2::text[], $3::int4[])',
        columns(batch.map((b) => b.alias)),
      );
      await client.query('commit');
    }
    // The identity sequence continues after the seeded keys, as if the rows had come through the API.
    await client.query(`select setval(pg_get_serial_sequence('registered_models', 'model_key'), ${MODELS})`);
    await client.query('analyze');
  } finally {
    await client.end();
  }
}

/** A fresh PostgreSQL database on the bench server, and how to drop it. */
async function createPostgresDatabase() {
  const pg = require('pg');
  const admin = process.env.LOUPE_BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const name = `loupe_bench_${randomBytes(5).toString('hex')}`;
  const run = async (sql) => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await run(`create database ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { uri: url.toString(), drop: () => run(`drop database if exists ${name} with (force)`) };
}

/** How many registered models a PostgreSQL database holds (0 when it has no registry yet). */
async function countModels(uri) {
  const pg = require('pg');
  const client = new pg.Client({ connectionString: uri });
  await client.connect();
  try {
    const { rows } = await client.query(`select count(*)::int as n from registered_models`).catch(() => ({ rows: [{ n: 0 }] }));
    return rows[0].n;
  } finally {
    await client.end();
  }
}

/** Times a GET: 3 unmeasured calls, then `ITERATIONS` measured ones; `list` names the result array. */
async function timeGet(url, list) {
  const once = async () => {
    const t0 = process.hrtime.bigint();
    const res = await fetch(url);
    const text = await res.text();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (res.status !== 200) throw new Error(`${url} -> ${res.status}: ${text.slice(0, 300)}`);
    return { ms, body: text ? JSON.parse(text) : {} };
  };
  for (let i = 0; i < 3; i++) await once();
  const times = [];
  let returned = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const { ms, body } = await once();
    times.push(ms);
    returned = body[list]?.length ?? 0;
  }
  return { returned, p50_ms: percentile(times, 50), p95_ms: percentile(times, 95) };
}

export async function run() {
  const keep = opts.keep ? path.resolve(String(opts.keep)) : undefined;
  const dir = keep ?? tempDir();
  const given = opts['backend-store-uri'] ? String(opts['backend-store-uri']) : undefined;
  const pgDb = given ? { uri: given, drop: async () => {} } : BACKEND === 'postgresql' ? await createPostgresDatabase() : undefined;
  const dbFile = path.join(dir, 'bench.db');
  const uri = pgDb ? pgDb.uri : `sqlite:///${dbFile}`;
  try {
    const reuse = pgDb ? given !== undefined && (await countModels(given)) > 0 : keep !== undefined && fs.existsSync(dbFile);
    if (!reuse) {
      fs.mkdirSync(dir, { recursive: true });
      execFileSync(process.execPath, [CLI, 'db', 'upgrade', '--backend-store-uri', uri], { stdio: 'ignore' });
      const seedStart = performance.now();
      if (pgDb) await seedPostgres(uri);
      else seedSqlite(dbFile);
      console.log(
        `seeded ${MODELS} models, ${MODELS * VERSIONS} versions on ${pgDb ? 'postgresql' : 'sqlite'} in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
      );
    }
    const server = await startServer(['--backend-store-uri', uri], { cwd: dir });
    try {
      const search = (params) => `${server.url}/api/2.0/mlflow/registered-models/search?${new URLSearchParams(params)}`;
      const versions = (params) => `${server.url}/api/2.0/mlflow/model-versions/search?${new URLSearchParams(params)}`;
      const queries = [
        ['default order (name), 100 results', search({ max_results: '100' }), 'registered_models'],
        ['name LIKE prefix, 100 results', search({ filter: "name LIKE 'model-04%'", max_results: '100' }), 'registered_models'],
        ['tag filter, 100 results', search({ filter: "tags.team = 'risk'", max_results: '100' }), 'registered_models'],
        ['order by timestamp DESC, 100 results', search({ order_by: 'timestamp DESC', max_results: '100' }), 'registered_models'],
        ['prompts (search_prompts), 100 results', search({ filter: "tags.`mlflow.prompt.is_prompt` = 'true'", max_results: '100' }), 'registered_models'],
        [
          'page 50 of 100 (offset 4,900)',
          search({ max_results: '100', page_token: Buffer.from(JSON.stringify({ offset: 4900 })).toString('base64') }),
          'registered_models',
        ],
        ['1,000 results', search({ max_results: '1000' }), 'registered_models'],
        ["model-versions/search name = one model's", versions({ filter: "name = 'model-04242'" }), 'model_versions'],
        ['model-versions/search run_id = one', versions({ filter: `run_id = '${(4242 * VERSIONS + 3).toString(16).padStart(32, '0')}'` }), 'model_versions'],
      ];
      const out = [];
      for (const [name, url, list] of queries)
        out.push(report(`${pgDb ? 'postgresql' : 'sqlite'} ${MODELS} models / ${MODELS * VERSIONS} versions: ${name}`, await timeGet(url, list)));
      return out;
    } finally {
      await server.stop();
    }
  } finally {
    await pgDb?.drop();
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
