import { ApiError, TraceMetadataKey } from '@loupe/protocol';
import type { LoggedModelRecord } from '../../store/logged-model-store.js';
import type { ModelVersionRecord } from '../../store/registry-store.js';
import type { TraceRecord } from '../../store/trace-store.js';
import type { RunInfoRecord } from '../../store/tracking-store.js';
import { maxResults } from '../pagination.js';
import type { TraceSearchRequest } from '../trace-service.js';

/** Default and hard limit of the page size, as SearchTracesV3's (spec §4.2). */
const PAGE_DEFAULT = 100;
const PAGE_MAX = 500;

/** The traces of one model version, with where they were searched so a UI can open the same search. */
export interface ModelVersionTraces {
  traces: TraceRecord[];
  nextPageToken?: string;
  /** The experiment searched: the logged model's, or the run's. */
  experimentId?: string;
  /** The trace filter used there (SearchTracesV3 grammar). */
  filter?: string;
}

/**
 * A quoted string literal of the search grammar: backslashes and single quotes escaped.
 *
 * @example
 * filterLiteral("it's"); // "'it\\'s'"
 */
export function filterLiteral(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * The trace filter that finds what a model version made: traces whose metadata `mlflow.modelId` names
 * its logged model (how MLflow 3 links traces to models), else traces of the run it came from.
 *
 * @example
 * modelVersionTraceFilter({ modelId: 'm-1' }); // "metadata.`mlflow.modelId` = 'm-1'"
 * modelVersionTraceFilter({ runId: 'abc' }); // "run_id = 'abc'"
 */
export function modelVersionTraceFilter(version: Pick<ModelVersionRecord, 'modelId' | 'runId'>): string | undefined {
  if (version.modelId) return `metadata.\`${TraceMetadataKey.MODEL_ID}\` = ${filterLiteral(version.modelId)}`;
  if (version.runId) return `run_id = ${filterLiteral(version.runId)}`;
  return undefined;
}

/** What the service reads: the registry, logged models, runs and the trace search. */
export interface ModelVersionTraceDeps {
  registry: { getModelVersion(name: string, version: number): Promise<ModelVersionRecord> };
  loggedModels: { get(modelId: string, allowDeleted?: boolean): Promise<LoggedModelRecord> };
  runs: { getInfo(runId: string): Promise<RunInfoRecord> };
  traces: { searchTraces(req: TraceSearchRequest): Promise<{ traces: TraceRecord[]; nextPageToken?: string }> };
}

/** The value, or undefined when it is RESOURCE_DOES_NOT_EXIST. */
async function unlessMissing<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (err) {
    if (ApiError.is(err) && err.code === 'RESOURCE_DOES_NOT_EXIST') return undefined;
    throw err;
  }
}

/**
 * The traces made with a model version (Loupe's `loupe/model-versions/traces`): a version made from a
 * logged model finds the traces whose metadata `mlflow.modelId` names it, in the logged model's
 * experiment; a version with only a run finds the run's traces in the run's experiment; a version with
 * neither (or whose model or run is gone) has none. Newest first, paged like SearchTracesV3.
 *
 * @example
 * const { traces, experimentId, filter } = await modelVersionTraces.list('fraud', 2, {});
 */
export class ModelVersionTraceService {
  constructor(private readonly deps: ModelVersionTraceDeps) {}

  async list(name: string, version: number, page: { maxResults?: number | undefined; pageToken?: string | undefined }): Promise<ModelVersionTraces> {
    const mv = await this.deps.registry.getModelVersion(name, version);
    const limit = maxResults(page.maxResults, PAGE_DEFAULT, PAGE_MAX);
    const experimentId = await this.experimentOf(mv);
    const filter = modelVersionTraceFilter(mv);
    if (experimentId === undefined || filter === undefined) return { traces: [] };
    const found = await this.deps.traces.searchTraces({ experimentIds: [experimentId], filter, orderBy: [], limit, pageToken: page.pageToken });
    return { ...found, experimentId, filter };
  }

  /** Where the version's traces are: its logged model's experiment, else its run's. */
  private async experimentOf(mv: ModelVersionRecord): Promise<string | undefined> {
    if (mv.modelId) return (await unlessMissing(this.deps.loggedModels.get(mv.modelId, true)))?.experimentId;
    if (mv.runId) return (await unlessMissing(this.deps.runs.getInfo(mv.runId)))?.experimentId;
    return undefined;
  }
}
