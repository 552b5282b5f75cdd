import type { ExperimentStore, RunStore } from '../store/tracking-store.js';
import type { LoggedModelStore } from '../store/logged-model-store.js';
import type { TraceStore } from '../store/trace-store.js';
import type { AssessmentStore } from '../store/assessment-store.js';
import type { TraceLinkStore } from '../store/trace-link-store.js';
import { createDialect } from '../store/sql/dialects/create-dialect.js';
import { migrateToLatest } from '../store/sql/migrate.js';
import { SqlExperimentStore } from '../store/sql/sql-experiment-store.js';
import { SqlLoggedModelStore } from '../store/sql/sql-logged-model-store.js';
import { SqlRunStore } from '../store/sql/sql-run-store.js';
import { SqlTraceStore } from '../store/sql/sql-trace-store.js';
import { SqlAssessmentStore } from '../store/sql/sql-assessment-store.js';
import { SqlTraceLinkStore } from '../store/sql/sql-trace-link-store.js';
import type { TestBackend } from './backends.js';

/** Every SQL store on one fresh, migrated database, and how to drop it. */
export interface SqlTestStores {
  experiments: ExperimentStore;
  runs: RunStore;
  loggedModels: LoggedModelStore;
  traces: TraceStore;
  assessments: AssessmentStore;
  traceLinks: TraceLinkStore;
  dispose(): Promise<void>;
}

/**
 * Creates a database on the backend, migrates it and opens every SQL store on it (contract suites).
 *
 * @example
 * experimentStoreContract(() => openSqlStores(backend));
 */
export async function openSqlStores(backend: TestBackend): Promise<SqlTestStores> {
  const database = await backend.create();
  const dialect = createDialect(database.uri);
  const db = dialect.createKysely();
  await migrateToLatest(db, dialect);
  return {
    experiments: new SqlExperimentStore(db, dialect),
    runs: new SqlRunStore(db, dialect),
    loggedModels: new SqlLoggedModelStore(db, dialect),
    traces: new SqlTraceStore(db, dialect),
    assessments: new SqlAssessmentStore(db),
    traceLinks: new SqlTraceLinkStore(db),
    dispose: async () => {
      await db.destroy();
      await database.drop();
    },
  };
}
