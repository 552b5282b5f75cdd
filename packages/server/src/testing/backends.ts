import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe } from 'vitest';
import { createDialect } from '../store/sql/dialects/create-dialect.js';
import { migrateToLatest } from '../store/sql/migrate.js';

/** Where the PostgreSQL test server is; override with LOUPE_TEST_PG_URL. */
export const PG_ADMIN_URL = process.env.LOUPE_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** A database a test suite owns: its URI and how to drop it. */
export interface TestDatabase {
  uri: string;
  drop(): Promise<void>;
}

/** A backend the contract suites run against. */
export interface TestBackend {
  name: 'sqlite' | 'postgresql';
  /** Null when the backend is usable; otherwise why not. */
  unavailable: string | null;
  /** A new database with every migration applied (a copy of a template, see {@link createSqliteDatabase}). */
  create(): Promise<TestDatabase>;
  /** A new database without any table, for tests of the migrations themselves. */
  createEmpty(): Promise<TestDatabase>;
}

async function probePostgres(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (err) {
    return `PostgreSQL at ${PG_ADMIN_URL} is not reachable (${(err as Error).message})`;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * What the migrations are: a digest of the migration modules' source. Test databases are copied
 * from a template migrated once per digest, so a changed or added migration makes a new template.
 */
function migrationsDigest(): string {
  const dir = fileURLToPath(new URL('../store/sql/migrations/', import.meta.url));
  const hash = createHash('sha256');
  for (const name of fs.readdirSync(dir).sort()) {
    if (!/\.(ts|js)$/.test(name) || /\.(test|d)\./.test(name)) continue;
    hash.update(name).update(fs.readFileSync(path.join(dir, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

async function migrate(uri: string): Promise<void> {
  const dialect = createDialect(uri);
  const db = dialect.createKysely();
  try {
    await migrateToLatest(db, dialect);
  } finally {
    await db.destroy();
  }
}

let sqliteTemplate: Promise<string> | undefined;

/**
 * The migrated SQLite template file for this digest, built once per machine: migrated under a
 * temporary name and renamed into place, so a process that dies half-way leaves no broken template
 * and processes racing to build it each end with a complete one.
 */
function sqliteTemplateFile(): Promise<string> {
  sqliteTemplate ??= (async () => {
    const file = path.join(os.tmpdir(), `loupe-test-template-${migrationsDigest()}.db`);
    if (fs.existsSync(file)) return file;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-template-'));
    const building = path.join(dir, 'loupe.db');
    await migrate(`sqlite:///${building}`);
    fs.renameSync(building, file);
    fs.rmSync(dir, { recursive: true, force: true });
    return file;
  })();
  return sqliteTemplate;
}

/** A new, empty SQLite database file in a fresh temporary folder. */
export async function createEmptySqliteDatabase(): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-test-'));
  return {
    uri: `sqlite:///${path.join(dir, 'loupe.db')}`,
    drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A new SQLite database file in a fresh temporary folder, every migration applied: a copy of the
 * template (copying a file is a hundred times cheaper than running the migrations for every test).
 */
export async function createSqliteDatabase(): Promise<TestDatabase> {
  const template = await sqliteTemplateFile();
  const database = await createEmptySqliteDatabase();
  fs.copyFileSync(template, database.uri.slice('sqlite:///'.length));
  return database;
}

async function withAdmin<T>(fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

function databaseUri(name: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

let postgresTemplate: Promise<string> | undefined;

/** Whether a process runs on this machine (test databases are named after the process that made them). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The migrated PostgreSQL template database for this digest. Test processes build it under an
 * advisory lock (one builds, the others wait and find it), migrated under a temporary name and
 * renamed when complete. Under the same lock, templates of older digests are dropped, and so are
 * test databases left by processes that have ended (a killed run's, or a worker's last recycled ones).
 */
function postgresTemplateDatabase(): Promise<string> {
  postgresTemplate ??= withAdmin(async (admin) => {
    const name = `loupe_template_${migrationsDigest()}`;
    await admin.query('select pg_advisory_lock(7302415)');
    try {
      const { rows } = await admin.query<{ datname: string }>(`select datname from pg_database where datname like 'loupe\\_%'`);
      for (const { datname } of rows) {
        const owner = /^loupe_test_p(\d+)_/.exec(datname)?.[1];
        const stale = datname.startsWith('loupe_template_') ? datname !== name : owner !== undefined && !processAlive(Number(owner));
        if (stale) await admin.query(`drop database if exists ${datname} with (force)`);
      }
      if (rows.some((r) => r.datname === name)) return name;
      const building = `${name}_building`;
      await admin.query(`drop database if exists ${building} with (force)`);
      await admin.query(`create database ${building}`);
      await migrate(databaseUri(building));
      await admin.query(`alter database ${building} rename to ${name}`);
      return name;
    } finally {
      await admin.query('select pg_advisory_unlock(7302415)');
    }
  });
  return postgresTemplate;
}

/** What a fresh copy of the template holds: its tables, the rows migrations seed, where its sequences stand. */
interface TemplateContents {
  tables: string[];
  rows: { table: string; json: string }[];
  sequences: { name: string; lastValue: string | null }[];
}

async function readContents(client: pg.Client): Promise<TemplateContents> {
  const tables = (await client.query<{ t: string }>(`select tablename as t from pg_tables where schemaname = 'public' order by 1`)).rows.map((r) => r.t);
  const rows: TemplateContents['rows'] = [];
  for (const table of tables) {
    const { rows: r } = await client.query<{ json: string | null }>(`select json_agg(t)::text as json from ${quoteIdent(table)} t`);
    if (r[0]?.json) rows.push({ table, json: r[0].json });
  }
  const sequences = (
    await client.query<{ name: string; last_value: string | null }>(
      `select sequencename as name, last_value::text from pg_sequences where schemaname = 'public'`,
    )
  ).rows.map((r) => ({ name: r.name, lastValue: r.last_value }));
  return { tables, rows, sequences };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

let templateContents: Promise<TemplateContents> | undefined;
/** Databases this process made and reset, ready to be handed out again. */
const recycled: string[] = [];

/**
 * Puts a database back as the template left it, in one transaction: every row deleted (foreign keys
 * not checked while it runs), the seeded rows inserted again, sequences set back. Resetting costs
 * milliseconds where creating a database costs half a second on this disk. False when the database
 * is not fit to hand out again (its tables differ from the template's): the caller drops it.
 */
async function resetDatabase(name: string): Promise<boolean> {
  const expected = await (templateContents ?? Promise.reject(new Error('no template contents')));
  await withAdmin((admin) => admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]));
  const client = new pg.Client({ connectionString: databaseUri(name) });
  await client.connect();
  try {
    const tables = (await client.query<{ t: string }>(`select tablename as t from pg_tables where schemaname = 'public' order by 1`)).rows.map((r) => r.t);
    if (tables.join() !== expected.tables.join()) return false;
    await client.query('begin');
    await client.query('set local session_replication_role = replica');
    for (const table of tables) await client.query(`delete from ${quoteIdent(table)}`);
    for (const { table, json } of expected.rows) {
      await client.query(
        `insert into ${quoteIdent(table)} overriding system value select * from json_populate_recordset(null::${quoteIdent(table)}, $1::json)`,
        [json],
      );
    }
    for (const { name: seq, lastValue } of expected.sequences) {
      if (lastValue === null) await client.query(`alter sequence ${quoteIdent(seq)} restart`);
      else await client.query(`select setval($1, $2::bigint, true)`, [quoteIdent(seq), lastValue]);
    }
    await client.query('commit');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function dropPostgres(name: string): Promise<void> {
  await withAdmin((admin) => admin.query(`drop database if exists ${name} with (force)`));
}

/** A new, empty PostgreSQL database on the test server, dropped afterwards. */
export async function createEmptyPostgresDatabase(): Promise<TestDatabase> {
  const name = `loupe_test_p${process.pid}_${randomBytes(6).toString('hex')}`;
  await withAdmin((admin) => admin.query(`create database ${name}`));
  return { uri: databaseUri(name), drop: () => dropPostgres(name) };
}

/**
 * A PostgreSQL database on the test server with every migration applied: a recycled one this
 * process reset, or a copy of the template. `drop` resets it for the next test (or drops it when it
 * cannot be reset); {@link describeOnBackend} drops the recycled ones when its suite ends.
 */
export async function createPostgresDatabase(): Promise<TestDatabase> {
  let name = recycled.pop();
  if (!name) {
    const template = await postgresTemplateDatabase();
    name = `loupe_test_p${process.pid}_${randomBytes(6).toString('hex')}`;
    // WAL_LOG copies a small template faster than FILE_COPY, which waits for a checkpoint.
    await withAdmin((admin) => admin.query(`create database ${name} template ${template} strategy wal_log`));
    const uri = databaseUri(name);
    templateContents ??= (async () => {
      const client = new pg.Client({ connectionString: uri });
      await client.connect();
      try {
        return await readContents(client);
      } finally {
        await client.end();
      }
    })();
    await templateContents;
  }
  const owned = name;
  let dropped = false;
  return {
    uri: databaseUri(owned),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      if (await resetDatabase(owned).catch(() => false)) recycled.push(owned);
      else await dropPostgres(owned);
    },
  };
}

/** Drops the databases this process recycled (a suite's end). */
async function dropRecycled(): Promise<void> {
  for (let name = recycled.pop(); name; name = recycled.pop()) await dropPostgres(name).catch(() => {});
}

/** SQLite as a {@link TestBackend}, always available (tests that run on SQLite only). */
export const sqliteBackend: TestBackend = { name: 'sqlite', unavailable: null, create: createSqliteDatabase, createEmpty: createEmptySqliteDatabase };

/**
 * The backends every contract suite runs against. PostgreSQL is probed once; under `CI=true` an
 * unreachable PostgreSQL is an error, elsewhere the suite reports itself skipped with the reason.
 *
 * @example
 * for (const backend of await testBackends()) describeBackend(backend, 'ExperimentStore', () => { ... });
 */
export async function testBackends(): Promise<TestBackend[]> {
  const pgProblem = await probePostgres();
  if (pgProblem && process.env.CI === 'true') {
    throw new Error(`${pgProblem}. PostgreSQL is required under CI=true (set LOUPE_TEST_PG_URL or start it).`);
  }
  return [sqliteBackend, { name: 'postgresql', unavailable: pgProblem, create: createPostgresDatabase, createEmpty: createEmptyPostgresDatabase }];
}

/**
 * `describe` for one backend: skipped, with the reason in its title, when the backend is unavailable
 * (never under `CI=true`: {@link testBackends} throws there instead).
 *
 * @example
 * for (const backend of await testBackends()) describeOnBackend(backend, 'SQL stores', () => { ... });
 */
export function describeOnBackend(backend: TestBackend, title: string, fn: () => void): void {
  if (backend.unavailable) describe.skip(`${title} on ${backend.name} (skipped: ${backend.unavailable})`, fn);
  else
    describe(`${title} on ${backend.name}`, () => {
      afterAll(dropRecycled);
      fn();
    });
}
