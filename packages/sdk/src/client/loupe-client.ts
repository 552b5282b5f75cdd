import { artifactMethods, type ArtifactMethods } from './artifacts.js';
import { assessmentMethods, type AssessmentMethods } from './assessments.js';
import { datasetMethods, type DatasetMethods } from './datasets.js';
import { experimentMethods, type ExperimentMethods } from './experiments.js';
import { loggedModelMethods, type LoggedModelMethods } from './logged-models.js';
import { promptMethods, type PromptMethods } from './prompts.js';
import { RestClient } from './rest-client.js';
import { runMethods, type RunMethods } from './runs.js';
import { scorerMethods, type ScorerMethods } from './scorers.js';
import { traceMethods, type TraceMethods } from './traces.js';
import { authHeaders, createHttpTransport, withHeaders, type Transport } from './transport.js';

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** Server URL (default `http://127.0.0.1:5000`). */
  trackingUri?: string;
  username?: string;
  password?: string;
  token?: string;
  workspace?: string;
  requestTimeoutMs?: number;
  /** A custom transport instead of HTTP to `trackingUri`. */
  transport?: Transport;
  /** Clock for default timestamps (tests). */
  now?: () => number;
}

/**
 * The tracking client: experiments, runs (metrics, params, tags, artifacts), logged models, traces,
 * assessments, prompts and evaluation datasets, over MLflow's REST API; it works against Loupe and MLflow servers alike. Entities
 * are MLflow's JSON (`run.info.run_id`); traces come back typed, spans decoded. Errors are
 * {@link LoupeApiError}s.
 *
 * @example
 * const client = createClient({ trackingUri: 'http://127.0.0.1:5000' });
 * const exp = await client.getOrCreateExperiment('training');
 * const run = await client.startRun({ experimentId: exp, runName: 'first' });
 * await client.logMetric(run.info.run_id, 'loss', 0.12, { step: 3 });
 * await client.endRun(run.info.run_id);
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class LoupeClient {
  constructor(
    readonly rest: RestClient,
    readonly now: () => number = Date.now,
  ) {}
}

// One interface per resource, mixed into one flat client as MLflow's MlflowClient is; the
// declaration merge is what gives the class those methods' types.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface LoupeClient
  extends ExperimentMethods, RunMethods, ArtifactMethods, LoggedModelMethods, TraceMethods, AssessmentMethods, PromptMethods, DatasetMethods, ScorerMethods {}
Object.assign(
  LoupeClient.prototype,
  experimentMethods,
  runMethods,
  artifactMethods,
  loggedModelMethods,
  traceMethods,
  assessmentMethods,
  promptMethods,
  datasetMethods,
  scorerMethods,
);

/**
 * The transport a client or exporter uses: HTTP to the tracking URI (or the one given), with auth
 * and workspace headers.
 *
 * @example
 * const transport = clientTransport({ trackingUri: 'http://127.0.0.1:5000', token: 'abc' });
 */
export function clientTransport(options: ClientOptions): Transport {
  const base =
    options.transport ??
    createHttpTransport({
      baseUrl: options.trackingUri ?? 'http://127.0.0.1:5000',
      ...(options.requestTimeoutMs ? { timeoutMs: options.requestTimeoutMs } : {}),
    });
  return withHeaders(base, { ...authHeaders(options), ...(options.workspace ? { 'x-mlflow-workspace': options.workspace } : {}) });
}

/**
 * A tracking client for one server.
 *
 * @example
 * const client = createClient({ trackingUri: process.env.MLFLOW_TRACKING_URI });
 */
export function createClient(options: ClientOptions = {}): LoupeClient {
  return new LoupeClient(new RestClient(clientTransport(options)), options.now);
}
