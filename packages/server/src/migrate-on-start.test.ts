import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { resolveServerConfig, type ServerOptions } from './config/config.js';
import { createLoupe, upgradeDatabase, type Loupe } from './main.js';
import { StartupError } from './startup-error.js';
import { createDialect } from './store/sql/dialects/create-dialect.js';
import { runMigrations } from './store/sql/migrate.js';
import { MIGRATIONS } from './store/sql/migrations/index.js';
import { describeOnBackend, testBackends, type TestDatabase } from './testing/backends.js';

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'migrations at start', () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0).reverse()) await fn();
    });

    async function emptyDatabase(): Promise<TestDatabase> {
      const database = await backend.createEmpty();
      cleanup.push(() => database.drop());
      return database;
    }

    async function open(uri: string, options: ServerOptions = {}): Promise<Loupe> {
      const artifacts = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-migrate-'));
      const loupe = await createLoupe(resolveServerConfig({ backendStoreUri: uri, artifactsDestination: artifacts, otlpDecodeThreads: 0, ...options }, {}));
      cleanup.push(async () => {
        await loupe.close();
        fs.rmSync(artifacts, { recursive: true, force: true });
      });
      return loupe;
    }

    it.skipIf(backend.name !== 'postgresql')('three servers starting at once on a new database: all start, each migration applied once', async () => {
      const database = await emptyDatabase();
      const servers = await Promise.all([0, 1, 2].map(() => open(database.uri, { appName: 'basic-auth', authAdminPassword: 'a-long-admin-password' })));
      const { rows } = await sql<{ name: string }>`select name from loupe_migrations order by name`.execute(servers[0]!.db);
      expect(rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS).sort());
      // Each works, and they share one database: what one creates the others read.
      const created = await servers[1]!.services.experiments.create({ name: 'shared', tags: [] });
      for (const s of servers) expect((await s.services.experiments.getByName('shared')).experimentId).toBe(created);
      const admins = await sql<{ n: number }>`select count(*) as n from users`.execute(servers[2]!.db);
      expect(Number(admins.rows[0]!.n)).toBe(1);
    });

    it('with --no-migrate: refuses an out-of-date database naming loupe db upgrade, and starts once it has run', async () => {
      const database = await emptyDatabase();
      const refused = open(database.uri, { migrateOnStart: false });
      await expect(refused).rejects.toBeInstanceOf(StartupError);
      await expect(refused).rejects.toThrow(/is not up to date: \d+ migration\(s\) to apply .*run 'loupe db upgrade' with the same --backend-store-uri/);
      // It changed nothing: no table, not even the migration log.
      const probe = createDialect(database.uri).createKysely();
      try {
        expect(await probe.introspection.getTables({ withInternalKyselyTables: true })).toEqual([]);
      } finally {
        await probe.destroy();
      }
      expect(await upgradeDatabase(database.uri)).toEqual(Object.keys(MIGRATIONS).sort());
      const loupe = await open(database.uri, { migrateOnStart: false });
      expect((await loupe.app.request('/health')).status).toBe(200);
      expect(resolveServerConfig({}, { LOUPE_MIGRATE_ON_START: 'false' }).migrateOnStart).toBe(false);
      expect(resolveServerConfig({}, {}).migrateOnStart).toBe(true);
    });

    it('uses a database a newer release migrated as it is, with a notice (a rolling upgrade), whether it migrates at start or not', async () => {
      const database = await emptyDatabase();
      expect((await upgradeDatabase(database.uri)).length).toBeGreaterThan(0);
      const dialect = createDialect(database.uri);
      const db = dialect.createKysely();
      try {
        await runMigrations(db, dialect, {
          ...MIGRATIONS,
          '9999-from-the-future': { up: async (k) => k.schema.createTable('future').addColumn('id', 'integer').execute() },
        });
      } finally {
        await db.destroy();
      }
      for (const migrateOnStart of [true, false]) {
        const loupe = await open(database.uri, { migrateOnStart });
        expect(loupe.notices.join('\n')).toMatch(/was migrated by a newer Loupe \(9999-from-the-future\); this server uses it as it is/);
        expect((await loupe.app.request('/api/2.0/mlflow/experiments/get-by-name?experiment_name=Default')).status).toBe(200);
      }
    });
  });
}
