import { ApiError, parseTraceFilter, parseTraceOrderBy, TRACE_LIMITS, TraceMetadataKey, TraceTagKey } from '@loupe/protocol';
import type { DecodedSpanBatch } from '../ingest/span-batches.js';
import { llmCostOf, tokenUsageOf } from '../ingest/span-usage.js';
import type { SpanCursor, TraceRecord, TraceStore } from '../store/trace-store.js';
import type { Clock } from '../clock.js';
import type { ExperimentService } from './experiment-service.js';
import { queryTraceMetrics, type TraceMetricsPage, type TraceMetricsRequest } from './traces/trace-metrics.js';
import { spanPage, spansAround, type SpanPage, type SpanPageQuery, type SpansAround } from './traces/span-pages.js';
import { tracePageRequest, tracePageToken } from './traces/trace-page-token.js';
import { appendToUri } from './validation.js';

const SPAN_PAGE = 1000;
/** Traces one DeleteTraces transaction removes. */
const DELETE_BATCH = 1000;
/** A trace's `traces.json` under an experiment's artifact root: `<...>/traces/<trace_id>/artifacts/traces.json`. */
const UPLOADED_TRACE_JSON = /(?:^|\/)traces\/([A-Za-z0-9][\w.:-]{0,127})\/artifacts\/traces\.json$/;
/** How long OTLP ingest trusts that an experiment it found active still is. */
const ACTIVE_EXPERIMENT_TTL_MS = 1000;

/** The authoritative info of a trace (StartTraceV3, spec §4.1), checked at the edge: the stored info's client-given fields. */
export type TraceInfoUpdate = Pick<
  TraceRecord,
  | 'traceId'
  | 'experimentId'
  | 'clientRequestId'
  | 'requestTimeMs'
  | 'executionDurationMs'
  | 'state'
  | 'requestPreview'
  | 'responsePreview'
  | 'tags'
  | 'metadata'
>;

/** A trace search over experiments (spec §4.2, §9.5): MLflow's filter and order_by strings, a page size and token. */
export interface TraceSearchRequest {
  experimentIds: string[];
  filter?: string;
  orderBy: string[];
  limit: number;
  pageToken?: string;
}

/** A trace read with its spans: the info and its stored span documents (OTel proto JSON text), read as consumed. */
export interface TraceWithSpans {
  record: TraceRecord;
  spans: AsyncIterable<string>;
}

/** The span count the client recorded in `mlflow.trace.sizeStats`, or 0 when unknown. */
function expectedSpanCount(r: TraceRecord): number {
  const stats = r.metadata[TraceMetadataKey.SIZE_STATS];
  if (!stats) return 0;
  try {
    const n = (JSON.parse(stats) as { num_spans?: unknown }).num_spans;
    return typeof n === 'number' ? n : 0;
  } catch {
    return 0;
  }
}

/**
 * Trace use cases (spec §4): StartTraceV3's merge into whatever spans already created, and reads.
 * Requests arrive checked (protocol schemas); answers are trace records, made wire JSON at the edge.
 *
 * @example
 * const record = await traces.startTraceV3({ traceId: 'tr-…', experimentId: '1', requestTimeMs: 1749996461282, state: 'OK', tags: {}, metadata: {} });
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

  /**
   * StartTraceV3: merges the authoritative info into whatever the spans already created, in an active
   * experiment, with the artifact location older clients upload `traces.json` to; previews are cut to
   * MLflow's length and the client's own token and cost totals read from its metadata.
   */
  async startTraceV3(info: TraceInfoUpdate): Promise<TraceRecord> {
    const experiment = await this.experiments.getActive(info.experimentId);
    const tags = { ...info.tags, [TraceTagKey.ARTIFACT_LOCATION]: appendToUri(experiment.artifactLocation, 'traces', info.traceId, 'artifacts') };
    const metadata = info.metadata;
    const usage = metadata[TraceMetadataKey.TOKEN_USAGE] !== undefined ? tokenUsageOf(metadata[TraceMetadataKey.TOKEN_USAGE]) : undefined;
    const cost = metadata[TraceMetadataKey.COST] !== undefined ? llmCostOf(metadata[TraceMetadataKey.COST]) : undefined;
    return this.store.upsertTraceInfo({
      traceId: info.traceId,
      experimentId: experiment.experimentId,
      ...(info.clientRequestId !== undefined ? { clientRequestId: info.clientRequestId } : {}),
      requestTimeMs: info.requestTimeMs,
      ...(info.executionDurationMs !== undefined ? { executionDurationMs: info.executionDurationMs } : {}),
      state: info.state,
      ...(info.requestPreview !== undefined ? { requestPreview: info.requestPreview.slice(0, TRACE_LIMITS.previewLength) } : {}),
      ...(info.responsePreview !== undefined ? { responsePreview: info.responsePreview.slice(0, TRACE_LIMITS.previewLength) } : {}),
      tags,
      metadata,
      ...(usage ? { usage } : {}),
      ...(cost ? { cost } : {}),
    });
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
  async getTraceWithSpans(traceId: string, allowPartial: boolean): Promise<TraceWithSpans> {
    const found = await this.store.getTrace(traceId);
    if (!found) throw ApiError.notFound(`Trace with ID '${traceId}' not found.`);
    const record = this.spanSource ? await this.spanSource.ensureSpans(found) : found;
    if (!allowPartial && record.spanCount < expectedSpanCount(record)) {
      throw ApiError.notFound(`Trace with ID ${traceId} is not fully exported yet, please try again later.`);
    }
    return { record, spans: this.allSpans(traceId) };
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

  /** A page of traces matching a search, newest first unless ordered otherwise (SearchTracesV3, v2 SearchTraces). */
  async searchTraces(req: TraceSearchRequest): Promise<{ traces: TraceRecord[]; nextPageToken?: string }> {
    const page = tracePageRequest(req.pageToken, req.limit);
    const result = await this.store.searchTraces({
      experimentIds: req.experimentIds,
      filter: parseTraceFilter(req.filter),
      orderBy: parseTraceOrderBy(req.orderBy),
      page,
    });
    const token = tracePageToken(result.next);
    return token ? { traces: result.items, nextPageToken: token } : { traces: result.items };
  }

  async setTag(traceId: string, key: string, value: string): Promise<void> {
    if (!(await this.store.setTraceTag(traceId, key, value))) throw ApiError.notFound(`Trace with ID ${traceId} is not found.`);
  }

  async deleteTag(traceId: string, key: string): Promise<void> {
    if (!(await this.store.getTrace(traceId))) throw ApiError.notFound(`Trace with ID ${traceId} is not found.`);
    if (!(await this.store.deleteTraceTag(traceId, key))) {
      throw ApiError.notFound(`No trace tag with key '${key}' for trace with ID '${traceId}'.`);
    }
  }

  /**
   * DeleteTraces: the named traces of an experiment, or those requested at or before a time (at most
   * `maxTraces` of them); returns how many were deleted.
   */
  async deleteTraces(experimentId: string, which: { traceIds: string[] } | { maxTimestampMs: number; maxTraces?: number }): Promise<number> {
    const experiment = await this.experiments.get(experimentId);
    if ('traceIds' in which) return this.store.deleteTraces(experiment.experimentId, { traceIds: which.traceIds });
    // Bounded transactions, so deleting a large backlog never holds the writer for long.
    const limit = which.maxTraces ?? Infinity;
    let deleted = 0;
    while (deleted < limit) {
      const batch = Math.min(DELETE_BATCH, limit - deleted);
      const n = await this.store.deleteTraces(experiment.experimentId, { maxTimestampMs: which.maxTimestampMs, maxTraces: batch });
      deleted += n;
      if (n < batch) break;
    }
    return deleted;
  }

  /** Several traces with their spans (unknown ids are left out). */
  async batchGetWithSpans(traceIds: string[]): Promise<TraceWithSpans[]> {
    const out: TraceWithSpans[] = [];
    for (const record of await this.store.getTraces(traceIds)) {
      out.push(await this.getTraceWithSpans(record.traceId, true));
    }
    return out;
  }

  /**
   * BatchGetTraceInfos: the traces among `traceIds` that exist (and belong to one of `experimentIds`,
   * when given), in the order asked.
   */
  async batchGetInfos(traceIds: string[], experimentIds: string[] = []): Promise<TraceRecord[]> {
    const scope = new Set(experimentIds);
    const records = await this.store.getTraces([...new Set(traceIds)]);
    const byId = new Map(records.filter((r) => scope.size === 0 || scope.has(r.experimentId)).map((r) => [r.traceId, r]));
    return traceIds.flatMap((id) => byId.get(id) ?? []);
  }

  async getTraceInfo(traceId: string): Promise<TraceRecord> {
    const record = await this.store.getTrace(traceId);
    if (!record) throw ApiError.notFound(`Trace with ID ${traceId} is not found.`);
    return record;
  }

  /** QueryTraceMetrics (see `traces/trace-metrics.ts`). */
  metrics(req: TraceMetricsRequest): Promise<TraceMetricsPage> {
    return queryTraceMetrics(this.store, req);
  }

  /** A page of one trace's spans (Loupe's huge-trace API; see `traces/span-pages.ts`). */
  spanPage(query: SpanPageQuery): Promise<SpanPage> {
    return spanPage(this.store, query);
  }

  /** The way down to one span with a window of each level around it (see `traces/span-pages.ts`). */
  spansAround(query: { traceId: string; spanId: string; limit: number }): Promise<SpansAround> {
    return spansAround(this.store, query);
  }
}
