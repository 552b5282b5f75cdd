import type { AggregationType, Filter, MetricFilter, MetricView, OrderBy, TraceFilterEntity, TraceState } from '@loupe/protocol';
import type { AssessmentRecord } from './assessment-store.js';

export type { MetricFilter, MetricView, TraceState };

/** A trace's info as stored (times in epoch milliseconds). */
export interface TraceRecord {
  traceId: string;
  experimentId: string;
  clientRequestId?: string;
  requestTimeMs: number;
  executionDurationMs?: number;
  state: TraceState;
  requestPreview?: string;
  responsePreview?: string;
  tags: Record<string, string>;
  metadata: Record<string, string>;
  /** StartTraceV3 has written the authoritative info; later spans no longer change it. */
  finalized: boolean;
  spanCount: number;
  rootSpanId?: string;
  /** The trace's assessments, oldest first (read paths fill it; writes ignore it). */
  assessments?: AssessmentRecord[];
  /** Token totals: the client's `mlflow.trace.tokenUsage`, else the sum over its spans (read paths fill it). */
  usage?: TokenUsage;
  /** Cost totals: the client's `mlflow.trace.cost`, else the sum over its spans. */
  cost?: LlmCost;
}

/** One span row: the columns searches and tree paging use, plus the whole normalized span as JSON. */
export interface SpanRecord {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  type: string;
  /** `UNSET`, `OK` or `ERROR`. */
  status: string;
  /** Epoch microseconds (nanoseconds exceed 2^53; the exact values live in `content`). */
  startTimeUs: number;
  endTimeUs: number | null;
  content: string;
  /** Token usage the span reports (`mlflow.chat.tokenUsage`). */
  usage?: TokenUsage;
  /** Cost the span reports in USD (`mlflow.llm.cost`). */
  cost?: LlmCost;
  /** `mlflow.llm.model` / `mlflow.llm.provider`. */
  modelName?: string;
  modelProvider?: string;
}

/** Token counts, as in `mlflow.chat.tokenUsage` (absent counts are unknown, not zero). */
export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
}

/** Cost in USD, as in `mlflow.llm.cost`. */
export interface LlmCost {
  inputCost?: number;
  outputCost?: number;
  totalCost?: number;
}

/** What a root span says about its trace, used until StartTraceV3 finalizes the info. */
export interface RootSpanSummary {
  spanId: string;
  name: string;
  state: TraceState;
  executionDurationMs: number;
  requestPreview?: string;
  responsePreview?: string;
}

/** Spans of one trace arriving together (one OTLP request may carry several such batches). */
export interface SpanBatch {
  traceId: string;
  experimentId: string;
  spans: SpanRecord[];
  /** Earliest span start in the batch, epoch ms: the trace's request time until finalized. */
  earliestStartMs: number;
  root?: RootSpanSummary;
  /** Trace tags and metadata carried by span attributes (`mlflow.traceTag.*`, `session.id`, ...); the client's info wins. */
  tags: Record<string, string>;
  metadata: Record<string, string>;
}

/**
 * The authoritative info written by StartTraceV3: a trace record without what only the store derives.
 * `usage` / `cost`, when given (the client's own totals), replace the sums over spans for good.
 */
export type TraceInfoInput = Omit<TraceRecord, 'finalized' | 'spanCount' | 'rootSpanId' | 'assessments'>;

/** A trace search (spec §9.5). */
export interface TraceSearch {
  experimentIds: string[];
  filter: Filter<TraceFilterEntity>;
  orderBy: OrderBy<TraceFilterEntity>[];
  /**
   * `after`: continue after this position (the `next` of the previous page; stable while traces are
   * written meanwhile). `offset`: MLflow-style positions, still accepted.
   */
  page: { limit: number; offset?: number; after?: readonly unknown[] };
}

/** A page of a trace search; `next` is the position after its last trace when more follow. */
export interface TraceSearchPage {
  items: TraceRecord[];
  hasMore: boolean;
  next?: unknown[];
}

/** Where a span page continues: after this (start time, span id) position. */
export interface SpanCursor {
  startTimeUs: number;
  spanId: string;
}

/**
 * A page of one trace's spans (Loupe's huge-trace API): all spans, the children of one span, the roots,
 * or one subtree, optionally narrowed by span-level filters, in (start time, span id) order. Pages are
 * keyset-based, so every page costs the same however deep it is.
 */
export interface SpanQuery {
  traceId: string;
  /** Only spans whose parent is this span; `null`: the roots (no parent, or a parent not in the trace). */
  parentSpanId?: string | null;
  /** Only this span and its descendants (down to `maxDepth` levels below it, when given). */
  subtree?: { spanId: string; maxDepth?: number };
  /** Span-level comparisons (`span.*`, `span.attributes.*`, `trace.text`), all of which must hold. */
  filter: Filter<TraceFilterEntity>;
  /** Only spans strictly after this position. */
  after?: SpanCursor;
  /**
   * Only spans strictly before this position: the `limit` nearest to it (still returned in order),
   * `hasMore` telling whether earlier ones remain. Not with `after`.
   */
  before?: SpanCursor;
  limit: number;
  /** Also count each span's direct children (for lazily expanded trees). */
  withChildCount?: boolean;
}

/** How many levels above a span `getSpanPath` looks for its ancestors. */
export const SPAN_PATH_DEPTH = 1000;

/** A span in a page, with its child count when asked for. */
export interface SpanPageItem extends SpanRecord {
  childCount?: number;
}

/** One aggregation of a metrics query; `label` is its key in each point's values (`AVG`, `P95.0`). */
export interface MetricAggregationSpec {
  type: AggregationType;
  /** 0 to 100, for PERCENTILE. */
  percentile?: number;
  label: string;
}

/** A QueryTraceMetrics query, validated: metric and dimension names are those of the view in `TRACE_METRIC_VIEWS` (protocol). */
export interface TraceMetricsQuery {
  experimentIds: string[];
  view: MetricView;
  metric: string;
  aggregations: MetricAggregationSpec[];
  dimensions: string[];
  filters: MetricFilter[];
  /** A trace search filter (spec §9.5) the view's traces must also match (Loupe's monitors). */
  traceFilter?: Filter<TraceFilterEntity>;
  /** Time buckets of this many milliseconds (then `range` is set too). */
  bucketMs?: number;
  range?: { startMs?: number; endMs?: number };
  page: { offset: number; limit: number };
}

/** One group of a metrics query: its time bucket, dimension values (null: none) and aggregated values. */
export interface MetricPoint {
  bucketStartMs?: number;
  dimensions: Record<string, string | null>;
  values: Record<string, number | null>;
}

/** A finished trace as a scan by end time reads it (online scoring): its order keys and its session. */
export interface EndedTrace {
  traceId: string;
  requestTimeMs: number;
  endTimeMs: number;
  /** The value of the scan's `sessionKey` metadata, when asked and present. */
  sessionId?: string;
}

/** A page of an experiment's finished traces by end time (see {@link TraceStore.scanEndedTraces}). */
export interface EndedTraceScan {
  experimentId: string;
  filter: TraceSearch['filter'];
  /** Only traces that ended at or before this (epoch ms). */
  endedBy: number;
  /** Strictly after this position: `[end time, start time, trace id]`. */
  after: [number, number, string];
  limit: number;
  /** A metadata key to read for each trace (the session). */
  sessionKey?: string;
}

/**
 * Traces and their spans (ADR 0002). Narrow on purpose, so another backend can implement it.
 */
export interface TraceStore {
  /**
   * Upserts spans (idempotent per (trace_id, span_id)), creating or updating the trace rows: the
   * batches of one request (several traces) in one transaction, all or nothing.
   */
  ingestSpans(batches: SpanBatch | readonly SpanBatch[]): Promise<void>;
  /** Creates or merges the trace's authoritative info and marks it finalized. */
  upsertTraceInfo(info: TraceInfoInput): Promise<TraceRecord>;
  getTrace(traceId: string): Promise<TraceRecord | undefined>;
  /** Sets one trace tag; false when the trace does not exist. */
  setTraceTag(traceId: string, key: string, value: string): Promise<boolean>;
  /** Deletes one trace tag; false when it did not exist. */
  deleteTraceTag(traceId: string, key: string): Promise<boolean>;
  /** The traces among `traceIds` that exist, in the order asked. */
  getTraces(traceIds: string[]): Promise<TraceRecord[]>;
  /**
   * Deletes traces of one experiment (with their spans, tags and metadata): the named ones, or those
   * requested at or before `maxTimestampMs`, oldest first, at most `maxTraces`. Returns how many.
   */
  deleteTraces(experimentId: string, which: { traceIds: string[] } | { maxTimestampMs: number; maxTraces?: number }): Promise<number>;
  /** Traces matching a search, with tags and metadata. */
  searchTraces(query: TraceSearch): Promise<TraceSearchPage>;
  /** Finished traces in (end, start, id) order after a position, ids and times only: online scoring's scan. */
  scanEndedTraces(scan: EndedTraceScan): Promise<{ items: EndedTrace[]; hasMore: boolean }>;
  /** Spans in (start time, span id) order, one page at a time. */
  getSpans(traceId: string, page: { offset: number; limit: number }): Promise<{ items: SpanRecord[]; hasMore: boolean }>;
  /** One keyset page of a trace's spans (see {@link SpanQuery}). */
  findSpans(query: SpanQuery): Promise<{ items: SpanPageItem[]; hasMore: boolean }>;
  /**
   * A span and its ancestors, root first, each with its child count: the way down to it. Empty when
   * the trace has no such span. A cyclic parent chain (a broken producer) stops before it repeats a
   * span; the walk goes at most {@link SPAN_PATH_DEPTH} levels up.
   */
  getSpanPath(traceId: string, spanId: string): Promise<SpanPageItem[]>;
  /**
   * Adds up to `max` new or changed spans to the text index that `trace.text` searches start from
   * (ADR 0004); returns how many (0: caught up, or a backend without such an index).
   */
  indexSpanText(max: number): Promise<number>;
  /** Aggregates a metric over traces, spans or assessments, grouped by time bucket and dimensions, in group order. */
  queryTraceMetrics(query: TraceMetricsQuery): Promise<{ points: MetricPoint[]; hasMore: boolean }>;
}
