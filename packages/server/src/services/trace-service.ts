import {
  ApiError,
  durationToMs,
  parseTraceFilter,
  parseTraceOrderBy,
  msToDuration,
  msToTimestamp,
  TRACE_TAGS,
  timestampToMs,
  type RequestOf,
  type TraceInfoV3,
} from '@loupe/protocol';
import type { SpanRequests, TraceRequests as R } from '@loupe/protocol';
import type { DecodedSpanBatch } from '../ingest/span-batches.js';
import { llmCostJson, llmCostOf, tokenUsageJson, tokenUsageOf } from '../ingest/span-usage.js';
import type { SpanCursor, TraceRecord, TraceStore } from '../store/trace-store.js';
import type { ExperimentService } from './experiment-service.js';
import { toAssessmentJson } from './traces/assessment-json.js';
import { queryTraceMetrics, type TraceMetricsResponse } from './traces/trace-metrics.js';
import type { Clock } from './clock.js';
import { spanPage, type SpanPage } from './traces/span-pages.js';
import { maxResults } from './pagination.js';
import { tracePageRequest, tracePageToken } from './traces/trace-page-token.js';
import { appendToUri, LIMITS, validateLength } from './validation.js';

/** Trace tag/metadata limits (spec §2.7) and the OSS preview length. */
const TRACE_KEY_LENGTH = 250;
const TRACE_VALUE_LENGTH = 8000;
const PREVIEW_LENGTH = 1000;
const TRACE_ID = /^[A-Za-z0-9][\w.:-]{0,127}$/;
const SPAN_PAGE = 1000;
/** Traces one DeleteTraces transaction removes. */
const DELETE_BATCH = 1000;
const USAGE_METADATA = 'mlflow.trace.tokenUsage';
/** A trace's `traces.json` under an experiment's artifact root: `<...>/traces/<trace_id>/artifacts/traces.json`. */
const UPLOADED_TRACE_JSON = /(?:^|\/)traces\/([A-Za-z0-9][\w.:-]{0,127})\/artifacts\/traces\.json$/;
/** How long OTLP ingest trusts that an experiment it found active still is. */
const ACTIVE_EXPERIMENT_TTL_MS = 1000;
const COST_METADATA = 'mlflow.trace.cost';

/** The span count the client recorded in `mlflow.trace.sizeStats`, or 0 when unknown. */
function expectedSpanCount(r: TraceRecord): number {
  const stats = r.metadata['mlflow.trace.sizeStats'];
  if (!stats) return 0;
  try {
    const n = (JSON.parse(stats) as { num_spans?: unknown }).num_spans;
    return typeof n === 'number' ? n : 0;
  } catch {
    return 0;
  }
}

/**
 * A stored trace as TraceInfoV3.
 *
 * @example
 * toTraceInfoV3(record).request_time; // '2025-06-15T14:07:41.282Z'
 */
export function toTraceInfoV3(r: TraceRecord): TraceInfoV3 {
  // Totals summed from spans are shown as MLflow's server shows them, unless the client wrote its own.
  let metadata = r.metadata;
  if (r.usage && metadata[USAGE_METADATA] === undefined) metadata = { ...metadata, [USAGE_METADATA]: tokenUsageJson(r.usage) };
  if (r.cost && metadata[COST_METADATA] === undefined) metadata = { ...metadata, [COST_METADATA]: llmCostJson(r.cost) };
  const info: TraceInfoV3 = {
    trace_id: r.traceId,
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: r.experimentId } },
    request_time: msToTimestamp(r.requestTimeMs),
    state: r.state,
    trace_metadata: metadata,
    tags: r.tags,
  };
  if (r.clientRequestId !== undefined) info.client_request_id = r.clientRequestId;
  if (r.requestPreview !== undefined) info.request_preview = r.requestPreview;
  if (r.responsePreview !== undefined) info.response_preview = r.responsePreview;
  if (r.executionDurationMs !== undefined) info.execution_duration = msToDuration(r.executionDurationMs);
  if (r.assessments && r.assessments.length > 0) info.assessments = r.assessments.map(toAssessmentJson);
  return info;
}

/**
 * Checks a trace tag or metadata map against MLflow's limits (non-empty keys of at most 250 characters,
 * values of at most 8,000); the 400 names `field`.
 *
 * @example
 * checkMap('tags', { env: 'prod' }); // { env: 'prod' }
 */
export function checkMap(field: string, map: Record<string, string> | undefined): Record<string, string> {
  const out = map ?? {};
  for (const [key, value] of Object.entries(out)) {
    if (key === '') throw ApiError.invalid(`Invalid key '' in '${field}': keys must not be empty.`);
    validateLength(`${field} key`, key, TRACE_KEY_LENGTH);
    validateLength(`${field}['${key}']`, value, TRACE_VALUE_LENGTH);
  }
  return out;
}

/**
 * Trace use cases (spec §4): StartTraceV3's merge into whatever spans already created, and reads.
 *
 * @example
 * const { trace } = await traces.startTraceV3({ trace: { trace_info } });
 */
export class TraceService {
  constructor(
    private readonly store: TraceStore,
    private readonly experiments: ExperimentService,
    /** Times how long an experiment found active is trusted ({@link ACTIVE_EXPERIMENT_TTL_MS}). */
    private readonly clock: Clock,
    /** Brings in spans kept outside the store (an uploaded `traces.json`) before a trace is read. */
    private readonly spanSource?: { ensureSpans(record: TraceRecord): Promise<TraceRecord> },
    /** Told of every ingest request (background work steps back while they arrive). */
    private readonly onIngest: () => void = () => {},
  ) {}

  async startTraceV3(req: RequestOf<typeof R.StartTraceV3>): Promise<{ trace: { trace_info: TraceInfoV3 } }> {
    const info = req.trace?.trace_info;
    if (!info) throw ApiError.missing('trace.trace_info');
    const traceId = info.trace_id;
    if (!traceId) throw ApiError.missing('trace.trace_info.trace_id');
    if (!TRACE_ID.test(traceId)) throw ApiError.invalid(`Invalid value '${traceId.slice(0, 200)}' for parameter 'trace.trace_info.trace_id' supplied.`);
    const experimentId = info.trace_location?.mlflow_experiment?.experiment_id;
    if (!experimentId) throw ApiError.missing('trace.trace_info.trace_location.mlflow_experiment.experiment_id');
    const experiment = await this.experiments.getActive(experimentId);
    if (!info.request_time) throw ApiError.missing('trace.trace_info.request_time');
    const requestTimeMs = timestampToMs(info.request_time);
    if (requestTimeMs === undefined) {
      throw ApiError.invalid(`Invalid value '${info.request_time}' for parameter 'trace.trace_info.request_time' supplied: expected an RFC 3339 timestamp.`);
    }
    let executionDurationMs: number | undefined;
    if (info.execution_duration !== undefined) {
      executionDurationMs = durationToMs(info.execution_duration);
      if (executionDurationMs === undefined) {
        throw ApiError.invalid(
          `Invalid value '${info.execution_duration}' for parameter 'trace.trace_info.execution_duration' supplied: expected a duration such as '0.532s'.`,
        );
      }
    }
    if (info.client_request_id !== undefined) validateLength('trace.trace_info.client_request_id', info.client_request_id, LIMITS.runTagValueLength);
    const tags = {
      ...checkMap('trace.trace_info.tags', info.tags),
      [TRACE_TAGS.artifactLocation]: appendToUri(experiment.artifactLocation, 'traces', traceId, 'artifacts'),
    };
    const metadata = checkMap('trace.trace_info.trace_metadata', info.trace_metadata);
    const usage = metadata[USAGE_METADATA] !== undefined ? tokenUsageOf(metadata[USAGE_METADATA]) : undefined;
    const cost = metadata[COST_METADATA] !== undefined ? llmCostOf(metadata[COST_METADATA]) : undefined;
    const record = await this.store.upsertTraceInfo({
      traceId,
      experimentId: experiment.experimentId,
      ...(info.client_request_id !== undefined ? { clientRequestId: info.client_request_id } : {}),
      requestTimeMs,
      ...(executionDurationMs !== undefined ? { executionDurationMs } : {}),
      state: info.state ?? 'STATE_UNSPECIFIED',
      ...(info.request_preview !== undefined ? { requestPreview: info.request_preview.slice(0, PREVIEW_LENGTH) } : {}),
      ...(info.response_preview !== undefined ? { responsePreview: info.response_preview.slice(0, PREVIEW_LENGTH) } : {}),
      tags,
      metadata,
      ...(usage ? { usage } : {}),
      ...(cost ? { cost } : {}),
    });
    return { trace: { trace_info: toTraceInfoV3(record) } };
  }

  /**
   * Stores decoded spans (an OTLP export, spec §4.5) in an active experiment: one batch per trace,
   * idempotent per span, all batches in one transaction.
   */
  async ingestSpans(experimentId: string, batches: readonly DecodedSpanBatch[]): Promise<void> {
    this.onIngest();
    const id = await this.activeExperimentId(experimentId);
    await this.store.ingestSpans(batches.map((batch) => ({ ...batch, experimentId: id })));
  }

  /** Experiments recently found active, so a stream of OTLP requests does not look each one up again. */
  private readonly activeExperiments = new Map<string, { id: string; until: number }>();

  /**
   * The id of an active experiment, remembered for {@link ACTIVE_EXPERIMENT_TTL_MS}: an experiment
   * deleted meanwhile still takes spans for at most that long. Unknown or deleted experiments are
   * never remembered, so their errors are always current.
   */
  private async activeExperimentId(experimentId: string): Promise<string> {
    const now = this.clock.monotonic();
    const known = this.activeExperiments.get(experimentId);
    if (known && known.until > now) return known.id;
    const experiment = await this.experiments.getActive(experimentId);
    if (this.activeExperiments.size >= 10_000) this.activeExperiments.clear();
    this.activeExperiments.set(experimentId, { id: experiment.experimentId, until: now + ACTIVE_EXPERIMENT_TTL_MS });
    return experiment.experimentId;
  }

  /**
   * The trace with all its spans as stored span documents (OTel proto JSON text), read page by page as
   * the caller consumes them. Unless `allowPartial`, a trace whose client recorded more spans
   * (`mlflow.trace.sizeStats.num_spans`) than have arrived is reported as not yet exported, as MLflow
   * does; clients retry.
   */
  async getTraceWithSpans(traceId: string | undefined, allowPartial: boolean): Promise<{ info: TraceInfoV3; spans: AsyncIterable<string> }> {
    if (!traceId) throw ApiError.missing('trace_id');
    const found = await this.store.getTrace(traceId);
    if (!found) throw ApiError.notFound(`Trace with ID '${traceId}' not found.`);
    const record = this.spanSource ? await this.spanSource.ensureSpans(found) : found;
    if (!allowPartial && record.spanCount < expectedSpanCount(record)) {
      throw ApiError.notFound(`Trace with ID ${traceId} is not fully exported yet, please try again later.`);
    }
    return { info: toTraceInfoV3(record), spans: this.allSpans(traceId) };
  }

  /**
   * Called after an artifact upload through the proxy: when it is a trace's `traces.json`
   * (`.../traces/<trace_id>/artifacts/traces.json`, spec §4.3), its spans are imported now rather than
   * on the first read. A file that cannot be read as spans is left for the reads to report; the upload
   * itself has succeeded either way.
   */
  async spansUploaded(artifactPath: string): Promise<void> {
    const m = UPLOADED_TRACE_JSON.exec(artifactPath);
    if (!m || !this.spanSource) return;
    const record = await this.store.getTrace(m[1] as string);
    if (!record) return;
    try {
      await this.spanSource.ensureSpans(record);
    } catch (err) {
      if (!ApiError.is(err)) throw err;
    }
  }

  /** Every span document of a trace in (start, span id) order, one keyset page at a time. */
  private async *allSpans(traceId: string): AsyncGenerator<string> {
    let after: SpanCursor | undefined;
    for (;;) {
      const page = await this.store.findSpans({ traceId, filter: [], limit: SPAN_PAGE, ...(after ? { after } : {}) });
      for (const span of page.items) yield span.content;
      const last = page.items.at(-1);
      if (!page.hasMore || !last) return;
      after = { startTimeUs: last.startTimeUs, spanId: last.spanId };
    }
  }

  /** SearchTracesV3 over the experiments named by `locations` (or `experiment_ids`). */
  async searchTracesV3(req: RequestOf<typeof R.SearchTracesV3>): Promise<{ traces: TraceInfoV3[]; next_page_token?: string }> {
    const experimentIds = [...req.locations.map((l) => l.mlflow_experiment?.experiment_id).filter((id): id is string => Boolean(id)), ...req.experiment_ids];
    if (experimentIds.length === 0) throw ApiError.missing('locations');
    const page = tracePageRequest(req.page_token, maxResults(req.max_results, 100, 500));
    const result = await this.store.searchTraces({ experimentIds, filter: parseTraceFilter(req.filter), orderBy: parseTraceOrderBy(req.order_by), page });
    const traces = result.items.map(toTraceInfoV3);
    const token = tracePageToken(result.next);
    return token ? { traces, next_page_token: token } : { traces };
  }

  async setTag(req: RequestOf<typeof R.SetTraceTag>): Promise<void> {
    const traceId = req.trace_id || req.request_id;
    if (!traceId) throw ApiError.missing('trace_id');
    if (!req.key) throw ApiError.missing('key');
    validateLength('key', req.key, TRACE_KEY_LENGTH);
    const value = req.value ?? '';
    validateLength('value', value, TRACE_VALUE_LENGTH);
    if (!(await this.store.setTraceTag(traceId, req.key, value))) throw ApiError.notFound(`Trace with ID ${traceId} is not found.`);
  }

  async deleteTag(req: RequestOf<typeof R.DeleteTraceTag>): Promise<void> {
    const traceId = req.trace_id || req.request_id;
    if (!traceId) throw ApiError.missing('trace_id');
    if (!req.key) throw ApiError.missing('key');
    if (!(await this.store.getTrace(traceId))) throw ApiError.notFound(`Trace with ID ${traceId} is not found.`);
    if (!(await this.store.deleteTraceTag(traceId, req.key))) {
      throw ApiError.notFound(`No trace tag with key '${req.key}' for trace with ID '${traceId}'.`);
    }
  }

  /** DeleteTraces with MLflow's rules: exactly one of `max_timestamp_millis` or `request_ids`. */
  async deleteTraces(req: RequestOf<typeof R.DeleteTraces>): Promise<{ traces_deleted: number }> {
    if (!req.experiment_id) throw ApiError.missing('experiment_id');
    const byTime = req.max_timestamp_millis !== undefined;
    const byIds = req.request_ids.length > 0;
    if (byTime === byIds) throw ApiError.invalid("Exactly one of 'max_timestamp_millis' and 'request_ids' must be specified.");
    if (req.max_traces !== undefined && !byTime) throw ApiError.invalid("'max_traces' can only be specified with 'max_timestamp_millis'.");
    if (req.max_traces !== undefined && req.max_traces <= 0) throw ApiError.invalid(`'max_traces' must be a positive integer, got ${req.max_traces}.`);
    const experiment = await this.experiments.get(req.experiment_id);
    if (!byTime) return { traces_deleted: await this.store.deleteTraces(experiment.experimentId, { traceIds: req.request_ids }) };
    // Bounded transactions, so deleting a large backlog never holds the writer for long.
    const limit = req.max_traces ?? Infinity;
    let deleted = 0;
    while (deleted < limit) {
      const batch = Math.min(DELETE_BATCH, limit - deleted);
      const n = await this.store.deleteTraces(experiment.experimentId, { maxTimestampMs: req.max_timestamp_millis as number, maxTraces: batch });
      deleted += n;
      if (n < batch) break;
    }
    return { traces_deleted: deleted };
  }

  /** Several traces with their spans (unknown ids are left out), at most 100 per call. */
  async batchGetWithSpans(traceIds: string[]): Promise<{ info: TraceInfoV3; spans: AsyncIterable<string> }[]> {
    if (traceIds.length === 0) throw ApiError.missing('trace_ids');
    if (traceIds.length > 100) throw ApiError.invalid(`'trace_ids' may name at most 100 traces, got ${traceIds.length}.`);
    const out: { info: TraceInfoV3; spans: AsyncIterable<string> }[] = [];
    for (const record of await this.store.getTraces(traceIds)) {
      out.push(await this.getTraceWithSpans(record.traceId, true));
    }
    return out;
  }

  /**
   * BatchGetTraceInfos: the infos of the traces among `traceIds` that exist (and belong to one of
   * `experimentIds`, when given), in the order asked; at most 1,000 ids per call.
   */
  async batchGetInfos(traceIds: string[], experimentIds: string[] = []): Promise<{ trace_infos: TraceInfoV3[] }> {
    if (traceIds.length === 0) throw ApiError.missing('trace_ids');
    if (traceIds.length > 1000) throw ApiError.invalid(`'trace_ids' may name at most 1000 traces, got ${traceIds.length}.`);
    const scope = new Set(experimentIds);
    const records = await this.store.getTraces([...new Set(traceIds)]);
    const byId = new Map(records.filter((r) => scope.size === 0 || scope.has(r.experimentId)).map((r) => [r.traceId, r]));
    return { trace_infos: traceIds.flatMap((id) => (byId.has(id) ? [toTraceInfoV3(byId.get(id) as TraceRecord)] : [])) };
  }

  async getTraceInfo(traceId: string | undefined): Promise<{ trace: { trace_info: TraceInfoV3 } }> {
    if (!traceId) throw ApiError.missing('trace_id');
    const record = await this.store.getTrace(traceId);
    if (!record) throw ApiError.notFound(`Trace with ID ${traceId} is not found.`);
    return { trace: { trace_info: toTraceInfoV3(record) } };
  }

  /** QueryTraceMetrics (see `traces/trace-metrics.ts`). */
  metrics(req: RequestOf<typeof R.QueryTraceMetrics>): Promise<TraceMetricsResponse> {
    return queryTraceMetrics(this.store, req);
  }

  /** A page of one trace's spans (Loupe's huge-trace API; see `traces/span-pages.ts`). */
  spanPage(req: RequestOf<typeof SpanRequests.SearchTraceSpans>): Promise<SpanPage> {
    return spanPage(this.store, req);
  }
}
