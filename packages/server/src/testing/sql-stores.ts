import type { ExperimentStore, RunStore } from '../store/tracking-store.js';
import type { LoggedModelStore } from '../store/logged-model-store.js';
import type { TraceStore } from '../store/trace-store.js';
import type { AssessmentStore } from '../store/assessment-store.js';
import type { TraceLinkStore } from '../store/trace-link-store.js';
import type { RegistryStore } from '../store/registry-store.js';
import type { ReviewStore } from '../store/review-store.js';
import type { DatasetStore } from '../store/dataset-store.js';
import type { ScorerStore } from '../store/scorer-store.js';
import { SqlScorerStore } from '../store/sql/sql-scorer-store.js';
import type { AuthStore } from '../store/auth-store.js';
import { SqlAuthStore } from '../store/sql/sql-auth-store.js';
import type { ApiTokenStore } from '../store/api-token-store.js';
import type { AuditStore } from '../store/audit-store.js';
import { SqlApiTokenStore } from '../store/sql/sql-api-token-store.js';
import { SqlAuditStore } from '../store/sql/sql-audit-store.js';
import type { GatewayStore } from '../store/gateway-store.js';
import { SqlGatewayStore } from '../store/sql/sql-gateway-store.js';
import { createDialect } from '../store/sql/dialects/create-dialect.js';
import { migrateToLatest } from '../store/sql/migrate.js';
import { SqlExperimentStore } from '../store/sql/sql-experiment-store.js';
import { SqlLoggedModelStore } from '../store/sql/sql-logged-model-store.js';
import { SqlRunStore } from '../store/sql/sql-run-store.js';
import { SqlTraceStore } from '../store/sql/sql-trace-store.js';
import { SqlAssessmentStore } from '../store/sql/sql-assessment-store.js';
import { SqlTraceLinkStore } from '../store/sql/sql-trace-link-store.js';
import { SqlRegistryStore } from '../store/sql/sql-registry-store.js';
import { SqlReviewStore } from '../store/sql/sql-review-store.js';
import { SqlDatasetStore } from '../store/sql/sql-dataset-store.js';
import type { Kysely } from 'kysely';
import type { SqlDialect } from '../store/sql/dialects/sql-dialect.js';
import type { Database } from '../store/sql/schema.js';
import type { TestBackend } from './backends.js';

/** Every SQL store on one fresh, migrated database, and how to drop it. */
export interface SqlTestStores {
  experiments: ExperimentStore;
  runs: RunStore;
  loggedModels: LoggedModelStore;
  traces: TraceStore;
  assessments: AssessmentStore;
  traceLinks: TraceLinkStore;
  registry: RegistryStore;
  review: ReviewStore;
  datasets: DatasetStore;
  scorers: ScorerStore;
  auth: AuthStore;
  tokens: ApiTokenStore;
  audit: AuditStore;
  gateway: GatewayStore;
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
    registry: new SqlRegistryStore(db, dialect),
    review: new SqlReviewStore(db, dialect),
    datasets: new SqlDatasetStore(db, dialect),
    scorers: new SqlScorerStore(db, dialect),
    auth: new SqlAuthStore(db, dialect),
    tokens: new SqlApiTokenStore(db),
    audit: new SqlAuditStore(db),
    gateway: new SqlGatewayStore(db, dialect),
    dispose: async () => {
      await db.destroy();
      await database.drop();
    },
  };
}

/** Two trace stores on one fresh database and experiment, for checking that search plans agree. */
export interface SearchPlanFixture {
  db: Kysely<Database>;
  dialect: SqlDialect;
  /** The database's URI (for code that opens its own connection). */
  uri: string;
  experimentId: string;
  /** Drives every selective filter from its index (threshold 10,000 matches). */
  driving: SqlTraceStore;
  /** Never does (threshold 1): walks traces in order, the plan the other must agree with. */
  walking: SqlTraceStore;
  dispose(): Promise<void>;
}

/**
 * Creates a migrated database with one experiment and the two trace stores whose results every
 * index-driven search path is compared against.
 *
 * @example
 * const f = await openSearchPlanFixture(backend, 'text');
 * expect(await search(f.driving)).toEqual(await search(f.walking));
 */
export async function openSearchPlanFixture(backend: TestBackend, experimentName: string): Promise<SearchPlanFixture> {
  const database = await backend.create();
  const dialect = createDialect(database.uri);
  const db = dialect.createKysely();
  await migrateToLatest(db, dialect);
  const experimentId = await new SqlExperimentStore(db, dialect).createExperiment({
    name: experimentName,
    artifactLocation: (id) => `mlflow-artifacts:/${id}`,
    tags: [],
    now: 1,
  });
  return {
    db,
    dialect,
    uri: database.uri,
    experimentId,
    driving: new SqlTraceStore(db, dialect, { selectiveMatches: 10_000 }),
    walking: new SqlTraceStore(db, dialect, { selectiveMatches: 1 }),
    dispose: async () => {
      await db.destroy();
      await database.drop();
    },
  };
}
