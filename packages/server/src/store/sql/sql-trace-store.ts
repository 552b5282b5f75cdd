import type { Kysely } from 'kysely';
import { ApiError } from '@loupe/protocol';
import type {
  EndedTrace,
  EndedTraceScan,
  MetricPoint,
  SpanBatch,
  SpanPageItem,
  SpanQuery,
  SpanRecord,
  TraceInfoInput,
  TraceMetricsQuery,
  TraceRecord,
  TraceSearch,
  TraceSearchPage,
  TraceStore,
} from '../trace-store.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import type { Database } from './schema.js';
import { findSpans, getSpanPath, getSpans } from './span-pages.js';
import { toDbId } from './sql-ids.js';
import { deleteTraces, type TraceDeletion } from './trace-deletion.js';
import { hydrateTraces } from './trace-hydration.js';
import { upsertTraceInfo } from './trace-info-upsert.js';
import { ingestSpanBatches } from './trace-ingest.js';
import { TraceIngestQueue } from './trace-ingest-queue.js';
import { queryTraceMetrics } from './trace-metrics-query.js';
import { searchTraces } from './trace-search.js';
import { scanEndedTraces } from './trace-end-scan.js';
import { deleteTraceTag, setTraceTag } from './trace-tags.js';
import { translateInputErrors } from './translate-input-errors.js';

/** Below this many matches an equality filter drives a trace search (see `trace-search.ts`). */
const SELECTIVE_MATCHES = 5000;

/**
 * Traces on SQLite or PostgreSQL, with the merge rules of ADR 0002: spans may come before or after
 * the info, in any order and any number of times; StartTraceV3's info wins and, once written, later
 * spans never overwrite it. Each job lives in its own module: ingest (`trace-ingest-queue.ts`, the
 * group commit, and `trace-ingest.ts`), `trace-info-upsert.ts`, `trace-tags.ts`, `trace-deletion.ts`,
 * `trace-search.ts`, `span-pages.ts` and `trace-metrics-query.ts`. Searches answer a filter pattern the
 * database refuses with a 400 (`translate-input-errors.ts`).
 *
 * @example
 * const traces = new SqlTraceStore(db, dialect);
 * await traces.ingestSpans({ traceId: 'tr-…', experimentId: '1', spans, earliestStartMs, tags: {}, metadata: {} });
 */
export class SqlTraceStore implements TraceStore {
  private readonly ingestQueue: TraceIngestQueue;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
    private readonly options: { selectiveMatches: number } = { selectiveMatches: SELECTIVE_MATCHES },
  ) {
    this.ingestQueue = new TraceIngestQueue(db, dialect, (tx, batches) => ingestSpanBatches(tx, dialect, batches, requireExperimentId));
  }

  /** Written by group commit (see {@link TraceIngestQueue}): resolves once the batches are committed. */
  ingestSpans(batches: SpanBatch | readonly SpanBatch[]): Promise<void> {
    return this.ingestQueue.ingest(Array.isArray(batches) ? batches : [batches as SpanBatch]);
  }

  async upsertTraceInfo(info: TraceInfoInput): Promise<TraceRecord> {
    await upsertTraceInfo(this.db, info, requireExperimentId(info.experimentId));
    const trace = await this.getTrace(info.traceId);
    if (!trace) throw new Error(`trace ${info.traceId} vanished after upsert`);
    return trace;
  }

  async getTrace(traceId: string): Promise<TraceRecord | undefined> {
    const row = await this.db.selectFrom('traces').selectAll().where('trace_id', '=', traceId).executeTakeFirst();
    return row ? (await hydrateTraces(this.db, [row]))[0] : undefined;
  }

  async getTraces(traceIds: string[]): Promise<TraceRecord[]> {
    if (traceIds.length === 0) return [];
    const rows = await this.db.selectFrom('traces').selectAll().where('trace_id', 'in', traceIds).execute();
    const byId = new Map((await hydrateTraces(this.db, rows)).map((r) => [r.traceId, r]));
    return traceIds.map((id) => byId.get(id)).filter((r): r is TraceRecord => r !== undefined);
  }

  setTraceTag(traceId: string, key: string, value: string): Promise<boolean> {
    return setTraceTag(this.db, traceId, key, value);
  }

  deleteTraceTag(traceId: string, key: string): Promise<boolean> {
    return deleteTraceTag(this.db, traceId, key);
  }

  async deleteTraces(experimentId: string, which: TraceDeletion): Promise<number> {
    const expId = toDbId(experimentId);
    return expId === undefined ? 0 : deleteTraces(this.db, this.dialect, expId, which);
  }

  searchTraces(query: TraceSearch): Promise<TraceSearchPage> {
    return translateInputErrors(this.dialect, () => searchTraces(this.db, this.dialect, query, this.options.selectiveMatches));
  }

  scanEndedTraces(scan: EndedTraceScan): Promise<{ items: EndedTrace[]; hasMore: boolean }> {
    return translateInputErrors(this.dialect, () => scanEndedTraces(this.db, this.dialect, scan));
  }

  getSpans(traceId: string, page: { offset: number; limit: number }): Promise<{ items: SpanRecord[]; hasMore: boolean }> {
    return getSpans(this.db, traceId, page);
  }

  findSpans(query: SpanQuery): Promise<{ items: SpanPageItem[]; hasMore: boolean }> {
    return translateInputErrors(this.dialect, () => findSpans(this.db, this.dialect, query));
  }

  getSpanPath(traceId: string, spanId: string): Promise<SpanPageItem[]> {
    return getSpanPath(this.db, traceId, spanId);
  }

  queryTraceMetrics(query: TraceMetricsQuery): Promise<{ points: MetricPoint[]; hasMore: boolean }> {
    return queryTraceMetrics(this.db, this.dialect, query);
  }

  indexSpanText(max: number): Promise<number> {
    return this.dialect.spanTextIndex ? this.dialect.spanTextIndex.indexBatch(this.db, max) : Promise.resolve(0);
  }
}

/** An experiment's database id; an id that cannot be one names no experiment. */
function requireExperimentId(experimentId: string): number {
  const id = toDbId(experimentId);
  if (id === undefined) throw ApiError.notFound(`No Experiment with id=${experimentId} exists`);
  return id;
}
