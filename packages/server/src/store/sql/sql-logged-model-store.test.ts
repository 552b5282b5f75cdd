import { describe } from 'vitest';
import { testBackends } from '../../testing/backends.js';
import { loggedModelStoreContract } from '../contract/logged-model-store.contract.js';
import { createDialect } from './dialects/create-dialect.js';
import { migrateToLatest } from './migrate.js';
import { SqlExperimentStore } from './sql-experiment-store.js';
import { SqlLoggedModelStore } from './sql-logged-model-store.js';
import { SqlRunStore } from './sql-run-store.js';

for (const backend of await testBackends()) {
  const suite = backend.unavailable ? describe.skip : describe;
  suite(`SQL logged-model store on ${backend.name}${backend.unavailable ? ` (skipped: ${backend.unavailable})` : ''}`, () => {
    loggedModelStoreContract(async () => {
      const database = await backend.create();
      const dialect = createDialect(database.uri);
      const db = dialect.createKysely();
      await migrateToLatest(db, dialect);
      return {
        experiments: new SqlExperimentStore(db, dialect),
        runs: new SqlRunStore(db, dialect),
        loggedModels: new SqlLoggedModelStore(db, dialect),
        dispose: async () => {
          await db.destroy();
          await database.drop();
        },
      };
    });
  });
}
