import type { ArtifactService } from './artifact-service.js';
import type { DatasetService } from './datasets/dataset-service.js';
import type { ExperimentService } from './experiment-service.js';
import type { LoggedModelService } from './logged-model-service.js';
import type { RunService } from './run-service.js';
import type { ModelVersionTraceService } from './registry/model-version-trace-service.js';
import type { RegistryService } from './registry/registry-service.js';
import type { TraceService } from './trace-service.js';
import type { AssessmentService } from './traces/assessment-service.js';
import type { LegacyTraceService } from './traces/legacy-trace-service.js';
import type { TraceLinkService } from './traces/trace-link-service.js';
import type { WebhookService } from './webhooks/webhook-service.js';
import type { GatewayService } from './gateway/gateway-service.js';
import type { GatewayInvoker } from './gateway/gateway-invoker.js';
import type { LabelSchemaService } from './review/label-schema-service.js';
import type { ReviewQueueService } from './review/review-queue-service.js';
import type { ScorerService } from './scorers/scorer-service.js';
import type { MonitorService } from './monitors/monitor-service.js';
import type { OnlineScoringService } from './scorers/online/online-scoring-service.js';
import type { ApiTokenService } from '../auth/api-token-service.js';
import type { AuditLog } from '../auth/audit-log.js';
import type { UserService } from '../auth/user-service.js';

/** The use cases the HTTP layer can call; built once by the composition root. */
export interface Services {
  experiments: ExperimentService;
  runs: RunService;
  artifacts: ArtifactService;
  loggedModels: LoggedModelService;
  traces: TraceService;
  assessments: AssessmentService;
  /** The v2 trace routes (StartTrace, EndTrace, v2 info and search). */
  legacyTraces: LegacyTraceService;
  /** Trace links to runs and prompt versions. */
  traceLinks: TraceLinkService;
  /** The model and prompt registry. */
  registry: RegistryService;
  /** The traces made with a model version. */
  modelVersionTraces: ModelVersionTraceService;
  /** Webhooks (CRUD, test, delivery log). */
  webhooks: WebhookService;
  /** The AI gateway's control plane (secrets, model definitions, endpoints, budgets) and its lookups for the data plane. */
  gateway: GatewayService;
  /** The AI gateway's data plane: endpoint calls with budgets, spend and usage traces (the `/gateway/...` routes, online judges). */
  gatewayInvoker: GatewayInvoker;
  /** Human review: the questions (label schemas) of an experiment. */
  labelSchemas: LabelSchemaService;
  /** Human review: queues of traces to review, with a status per item. */
  reviewQueues: ReviewQueueService;
  /** Evaluation datasets and their records. */
  datasets: DatasetService;
  /** The scorer registry and online-scoring configs. */
  scorers: ScorerService;
  /** Production monitors: threshold rules on trace metrics, evaluated in the background. */
  monitors: MonitorService;
  /** Backfills, runs on chosen traces, and the jobs API (online scoring, spec §11.1). */
  onlineScoring: OnlineScoringService;
  /** Users and permissions (`--app-name basic-auth`); absent when auth is off. */
  users?: UserService;
  /** API tokens (`--app-name basic-auth`); absent when auth is off. */
  apiTokens?: ApiTokenService;
  /** The audit log (`--app-name basic-auth`); absent when auth is off. */
  audit?: AuditLog;
}
