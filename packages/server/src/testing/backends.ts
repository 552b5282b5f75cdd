import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe } from 'vitest';

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
  create(): Promise<TestDatabase>;
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

/** A new SQLite database file in a fresh temporary folder. */
export async function createSqliteDatabase(): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-test-'));
  return {
    uri: `sqlite:///${path.join(dir, 'loupe.db')}`,
    drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** A new, empty PostgreSQL database on the test server, dropped afterwards. */
export async function createPostgresDatabase(): Promise<TestDatabase> {
  const name = `loupe_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    uri: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

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
  return [
    { name: 'sqlite', unavailable: null, create: createSqliteDatabase },
    { name: 'postgresql', unavailable: pgProblem, create: createPostgresDatabase },
  ];
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
  else describe(`${title} on ${backend.name}`, fn);
}
