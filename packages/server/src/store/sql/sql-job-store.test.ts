import { describeOnBackend, testBackends } from '../../testing/backends.js';
import { jobStoreContract } from '../contract/job-store.contract.js';
import { createDialect } from './dialects/create-dialect.js';
import { migrateToLatest } from './migrate.js';
import { SqlJobStore } from './sql-job-store.js';

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'SqlJobStore', () => {
    jobStoreContract(async () => {
      const database = await backend.create();
      const dialect = createDialect(database.uri);
      const db = dialect.createKysely();
      await migrateToLatest(db, dialect);
      // PostgreSQL: a second pool, as another server would have. SQLite: the same connection, because a
      // second better-sqlite3 connection in this process would block the event loop in its busy wait while
      // the first one's transaction waits on that loop; other processes are tested in job-runner-crash.test.ts.
      const otherDb = dialect.name === 'postgresql' ? dialect.createKysely() : db;
      return {
        jobs: new SqlJobStore(db, dialect),
        other: new SqlJobStore(otherDb, dialect),
        dispose: async () => {
          if (otherDb !== db) await otherDb.destroy();
          await db.destroy();
          await database.drop();
        },
      };
    });
  });
}
