import { sql, type Insertable, type Kysely, type RawBuilder, type Selectable, type Transaction } from 'kysely';
import { ApiError, TRACE_TAGS } from '@loupe/protocol';
import type {
  LlmCost,
  MetricPoint,
  SpanBatch,
  TraceMetricsQuery,
  SpanPageItem,
  SpanQuery,
  SpanRecord,
  TokenUsage,
  TraceInfoInput,
  TraceRecord,
  TraceSearch,
  TraceSearchPage,
  TraceState,
  TraceStore,
} from '../trace-store.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import { compileSpanQuery } from './span-query-compiler.js';
import { compileTraceMetrics } from './trace-metrics-compiler.js';
import { syncPromptLinks } from './prompt-link-sync.js';
import { ingestSpanBatches, upsertKeyValues } from './trace-ingest.js';
import { compileTraceSearch, equalityMatches, textCandidates, type TraceSearchCursor } from './trace-search-compiler.js';
import type { Database, SpansTable, TracesTable } from './schema.js';
import { toDbId } from './sql-ids.js';
import { chunks } from './sql-batches.js';
import { toAssessmentRecord } from './assessment-rows.js';
import type { AssessmentRecord } from '../assessment-store.js';

/** The trace columns for client-given usage and cost totals, or undefined when neither was given. */
function usageColumns(usage: TokenUsage | undefined, cost: LlmCost | undefined): Partial<Insertable<TracesTable>> | undefined {
  if (!usage && !cost) return undefined;
  return {
    input_tokens: usage?.inputTokens ?? null,
    output_tokens: usage?.outputTokens ?? null,
    total_tokens: usage?.totalTokens ?? null,
    cache_read_input_tokens: usage?.cacheReadInputTokens ?? null,
    cache_creation_input_tokens: usage?.cacheCreationInputTokens ?? null,
    input_cost: cost?.inputCost ?? null,
    output_cost: cost?.outputCost ?? null,
    total_cost: cost?.totalCost ?? null,
  };
}

/** `{column: excluded.column}` for an upsert that takes the new row's values. */
function excludedColumns(columns: string[]): Record<string, RawBuilder<unknown>> {
  return Object.fromEntries(columns.map((c) => [c, sql`excluded.${sql.ref(c)}`]));
}

/** Usage and cost of a trace row, when any is known. */
function rowTotals(row: TraceRow): { usage?: TokenUsage; cost?: LlmCost } {
  const n = (v: number | null | undefined) => (v === null || v === undefined ? undefined : Number(v));
  const usage: TokenUsage = {};
  const cost: LlmCost = {};
  const set = <T extends object>(target: T, key: keyof T, value: number | undefined) => {
    if (value !== undefined) (target as Record<keyof T, number>)[key] = value;
  };
  set(usage, 'inputTokens', n(row.input_tokens));
  set(usage, 'outputTokens', n(row.output_tokens));
  set(usage, 'totalTokens', n(row.total_tokens));
  set(usage, 'cacheReadInputTokens', n(row.cache_read_input_tokens));
  set(usage, 'cacheCreationInputTokens', n(row.cache_creation_input_tokens));
  set(cost, 'inputCost', n(row.input_cost));
  set(cost, 'outputCost', n(row.output_cost));
  set(cost, 'totalCost', n(row.total_cost));
  return { ...(Object.keys(usage).length > 0 ? { usage } : {}), ...(Object.keys(cost).length > 0 ? { cost } : {}) };
}

/** A trace row as read. */
type TraceRow = Selectable<TracesTable>;

/** Below this many matches an equality filter drives a trace search (see `selectiveEqualities`). */
const SELECTIVE_MATCHES = 5000;
/** Times a group commit runs when it keeps losing deadlocks to concurrent ones (PostgreSQL). */
const MAX_INGEST_ATTEMPTS = 5;
/** Spans one group commit writes at most, so no transaction holds the writer for long. */
const MAX_GROUP_SPANS = 20_000;

/** An ingest request waiting for its group commit. */
interface PendingIngest {
  batches: readonly SpanBatch[];
  resolve(): void;
  reject(err: unknown): void;
}
function toSpanRecord(r: Omit<SpansTable, 'trace_key'>): SpanRecord {
  return {
    spanId: r.span_id,
    parentSpanId: r.parent_span_id,
    name: r.name,
    type: r.type,
    status: r.status,
    startTimeUs: Number(r.start_time_us),
    endTimeUs: r.end_time_us === null ? null : Number(r.end_time_us),
    content: r.content,
  };
}

/**
 * Traces on SQLite or PostgreSQL, with the merge rules of ADR 0002: spans may come before or after
 * the info, in any order and any number of times; StartTraceV3's info wins and, once written, later
 * spans never overwrite it.
 *
 * @example
 * const traces = new SqlTraceStore(db, dialect);
 * await traces.ingestSpans({ traceId: 'tr-…', experimentId: '1', spans, earliestStartMs, tags: {}, metadata: {} });
 */
export class SqlTraceStore implements TraceStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
    private readonly options: { selectiveMatches: number } = { selectiveMatches: SELECTIVE_MATCHES },
  ) {}

  /**
   * Group commit: requests that arrive while a commit is under way are written together in the next
   * transaction, each inside its own savepoint, so one bad request fails alone. On SQLite the commit
   * (page writes and a WAL fsync) is most of an ingest's cost, and concurrent senders share it. Up to
   * `dialect.ingestWriters` groups are written at once (PostgreSQL: while one group's statements run
   * on the server, the next is built); a group that loses a deadlock to another runs again.
   */
  ingestSpans(batches: SpanBatch | readonly SpanBatch[]): Promise<void> {
    const list = Array.isArray(batches) ? batches : [batches as SpanBatch];
    return new Promise<void>((resolve, reject) => {
      this.pendingIngests.push({ batches: list, resolve, reject });
      // Started on the next turn of the event loop, not now: requests that arrive in this turn join
      // the same commit (on SQLite a transaction runs without yielding, so none could join it later).
      if (this.writers < this.dialect.ingestWriters && !this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          if (this.writers < this.dialect.ingestWriters && this.pendingIngests.length > 0) void this.flushIngests();
        });
      }
    });
  }

  private readonly pendingIngests: PendingIngest[] = [];
  /** Group commits under way. */
  private writers = 0;
  /** Trace ids of the groups being written. */
  private readonly tracesInFlight = new Set<string>();
  private flushScheduled = false;

  private async flushIngests(): Promise<void> {
    this.writers++;
    try {
      while (this.pendingIngests.length > 0) {
        const group = this.takeIngestGroup();
        // Every queued request touches a trace another writer has: that writer picks them up next.
        if (group.length === 0) break;
        let failures = new Map<PendingIngest, unknown>();
        try {
          for (let attempt = 1; ; attempt++) {
            try {
              failures = await this.writeIngestGroup(group);
              break;
            } catch (err) {
              if (attempt >= MAX_INGEST_ATTEMPTS || !this.dialect.isRetryableConflict(err)) throw err;
            }
          }
        } catch (err) {
          failures = new Map(group.map((request) => [request, err]));
        } finally {
          for (const request of group) for (const batch of request.batches) this.tracesInFlight.delete(batch.traceId);
        }
        for (const request of group) {
          if (failures.has(request)) request.reject(failures.get(request));
          else request.resolve();
        }
      }
    } finally {
      this.writers--;
    }
  }

  /** Writes one group in one transaction; returns the requests that failed on their own (the rest committed). */
  private async writeIngestGroup(group: PendingIngest[]): Promise<Map<PendingIngest, unknown>> {
    const failures = new Map<PendingIngest, unknown>();
    const experimentIdOf = (id: string) => this.requireExperimentId(id);
    await this.db.transaction().execute(async (tx) => {
      if (group.length === 1) {
        await ingestSpanBatches(tx, this.dialect, (group[0] as PendingIngest).batches, experimentIdOf);
        return;
      }
      // The whole group in one pass (a fixed number of statements for all its requests); only if
      // that fails is each request written on its own, so a bad one fails alone.
      await sql`savepoint ingest_group`.execute(tx);
      try {
        await ingestSpanBatches(
          tx,
          this.dialect,
          group.flatMap((r) => r.batches),
          experimentIdOf,
        );
        await sql`release savepoint ingest_group`.execute(tx);
        return;
      } catch (err) {
        // A deadlock ends the whole transaction: it runs again from the start.
        if (this.dialect.isRetryableConflict(err)) throw err;
        await sql`rollback to savepoint ingest_group`.execute(tx);
        await sql`release savepoint ingest_group`.execute(tx);
      }
      for (const request of group) {
        await sql`savepoint ingest_request`.execute(tx);
        try {
          await ingestSpanBatches(tx, this.dialect, request.batches, experimentIdOf);
        } catch (err) {
          if (this.dialect.isRetryableConflict(err)) throw err;
          await sql`rollback to savepoint ingest_request`.execute(tx);
          failures.set(request, err);
        }
        await sql`release savepoint ingest_request`.execute(tx);
      }
    });
    return failures;
  }

  /**
   * The next group: queued requests in arrival order, up to a bounded number of spans, skipping any
   * that touches a trace another group commit is writing (or that an earlier skipped request
   * touches, so requests for one trace are still written in arrival order). Two transactions writing
   * the same trace would each count only their own spans.
   */
  private takeIngestGroup(): PendingIngest[] {
    const group: PendingIngest[] = [];
    const blocked = new Set(this.tracesInFlight);
    let spans = 0;
    for (let i = 0; i < this.pendingIngests.length && (group.length === 0 || spans < MAX_GROUP_SPANS);) {
      const next = this.pendingIngests[i] as PendingIngest;
      if (next.batches.some((b) => blocked.has(b.traceId))) {
        for (const b of next.batches) blocked.add(b.traceId);
        i++;
        continue;
      }
      this.pendingIngests.splice(i, 1);
      spans += next.batches.reduce((n, b) => n + b.spans.length, 0);
      group.push(next);
    }
    for (const request of group) for (const b of request.batches) this.tracesInFlight.add(b.traceId);
    return group;
  }

  async upsertTraceInfo(info: TraceInfoInput): Promise<TraceRecord> {
    const experimentId = this.requireExperimentId(info.experimentId);
    await this.db.transaction().execute(async (tx) => {
      const values: Insertable<TracesTable> = {
        trace_id: info.traceId,
        experiment_id: experimentId,
        client_request_id: info.clientRequestId ?? null,
        request_time_ms: info.requestTimeMs,
        execution_duration_ms: info.executionDurationMs ?? null,
        state: info.state,
        request_preview: info.requestPreview ?? null,
        response_preview: info.responsePreview ?? null,
        root_span_id: null,
        span_count: 0,
        finalized: 1,
      };
      const totals = usageColumns(info.usage, info.cost);
      if (totals) Object.assign(values, totals, { usage_final: 1 });
      await tx
        .insertInto('traces')
        .values(values)
        .onConflict((oc) =>
          oc.column('trace_id').doUpdateSet({
            ...(totals ? { ...excludedColumns(Object.keys(totals)), usage_final: 1 } : {}),
            client_request_id: sql`coalesce(excluded.client_request_id, traces.client_request_id)`,
            request_time_ms: sql`excluded.request_time_ms`,
            execution_duration_ms: sql`coalesce(excluded.execution_duration_ms, traces.execution_duration_ms)`,
            state: sql`excluded.state`,
            request_preview: sql`coalesce(excluded.request_preview, traces.request_preview)`,
            response_preview: sql`coalesce(excluded.response_preview, traces.response_preview)`,
            finalized: 1,
          }),
        )
        .execute();
      const { trace_key: key } = await this.lockedTrace(tx, info.traceId, experimentId);
      await this.upsertKeyValues(tx, 'trace_tags', key, info.tags, true);
      await this.upsertKeyValues(tx, 'trace_metadata', key, info.metadata, true);
      if (TRACE_TAGS.linkedPrompts in info.tags) await syncPromptLinks(tx, info.traceId, info.tags[TRACE_TAGS.linkedPrompts]);
    });
    const trace = await this.getTrace(info.traceId);
    if (!trace) throw new Error(`trace ${info.traceId} vanished after upsert`);
    return trace;
  }

  async getTrace(traceId: string): Promise<TraceRecord | undefined> {
    const row = await this.db.selectFrom('traces').selectAll().where('trace_id', '=', traceId).executeTakeFirst();
    return row ? (await this.hydrate([row]))[0] : undefined;
  }

  async setTraceTag(traceId: string, key: string, value: string): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const trace = await tx.selectFrom('traces').select('trace_key').where('trace_id', '=', traceId).executeTakeFirst();
      if (!trace) return false;
      await this.upsertKeyValues(tx, 'trace_tags', Number(trace.trace_key), { [key]: value }, true);
      if (key === TRACE_TAGS.linkedPrompts) await syncPromptLinks(tx, traceId, value);
      return true;
    });
  }

  async deleteTraceTag(traceId: string, key: string): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const result = await tx
        .deleteFrom('trace_tags')
        .where('trace_key', '=', (eb) => eb.selectFrom('traces').select('trace_key').where('trace_id', '=', traceId))
        .where('key', '=', key)
        .executeTakeFirst();
      if (key === TRACE_TAGS.linkedPrompts) await syncPromptLinks(tx, traceId, undefined);
      return Number(result.numDeletedRows) > 0;
    });
  }

  async getTraces(traceIds: string[]): Promise<TraceRecord[]> {
    if (traceIds.length === 0) return [];
    const rows = await this.db.selectFrom('traces').selectAll().where('trace_id', 'in', traceIds).execute();
    const byId = new Map((await this.hydrate(rows)).map((r) => [r.traceId, r]));
    return traceIds.map((id) => byId.get(id)).filter((r): r is TraceRecord => r !== undefined);
  }

  async deleteTraces(experimentId: string, which: { traceIds: string[] } | { maxTimestampMs: number; maxTraces?: number }): Promise<number> {
    const expId = toDbId(experimentId);
    if (expId === undefined) return 0;
    return this.db.transaction().execute(async (tx) => {
      let ids: string[];
      if ('traceIds' in which) {
        ids = which.traceIds;
      } else {
        let q = tx
          .selectFrom('traces')
          .select('trace_id')
          .where('experiment_id', '=', expId)
          .where('request_time_ms', '<=', which.maxTimestampMs)
          .orderBy('request_time_ms')
          .orderBy('trace_id');
        if (which.maxTraces !== undefined) q = q.limit(which.maxTraces);
        ids = (await q.execute()).map((r) => r.trace_id);
      }
      let deleted = 0;
      for (const part of chunks(ids)) {
        // Spans, tags and metadata have no foreign key (migration 0007): they are deleted here, with
        // their trace; assessments and links go by their foreign keys.
        const keys = (await tx.selectFrom('traces').select('trace_key').where('experiment_id', '=', expId).where('trace_id', 'in', part).execute()).map((r) =>
          Number(r.trace_key),
        );
        if (keys.length === 0) continue;
        for (const table of ['spans', 'trace_tags', 'trace_metadata'] as const) await tx.deleteFrom(table).where('trace_key', 'in', keys).execute();
        const result = await tx.deleteFrom('traces').where('trace_key', 'in', keys).executeTakeFirst();
        await this.dialect.spanTextIndex?.noteDeleted(tx, keys);
        deleted += Number(result.numDeletedRows);
      }
      return deleted;
    });
  }

  async searchTraces(query: TraceSearch): Promise<TraceSearchPage> {
    const experimentIds = query.experimentIds.map(toDbId).filter((id): id is number => id !== undefined);
    if (experimentIds.length === 0) return { items: [], hasMore: false };
    const selective = await this.selectiveEqualities(query.filter);
    const { limit, offset, after } = query.page;
    const position = after !== undefined ? { after: after as TraceSearchCursor } : offset !== undefined ? { offset } : {};
    const search = compileTraceSearch(this.dialect, { ...query, experimentIds, selective }, { limit: limit + 1, ...position });
    // Built, never run, before this check: a cursor from another search is refused, not compared.
    if (after !== undefined && !search.accepts(after)) throw ApiError.invalid('Invalid page token: it belongs to another search (filter or order_by changed).');
    const { rows } = await search.query.execute(this.db);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const hasMore = rows.length > limit;
    return { items: await this.hydrate(page), hasMore, ...(hasMore && last ? { next: search.cursorOf(last) } : {}) };
  }

  /**
   * Which tag / metadata / assessment equalities and `trace.text` patterns match few enough traces to drive the search from the (key, value)
   * index: one bounded count each. Neither database can tell at plan time whether `tag.env = 'prod'`
   * (a third of all traces: walk traces newest first) or `tag.customer = 'c-42'` (a hundred: look
   * them up, then sort) is being asked, so Loupe measures it.
   */
  private async selectiveEqualities(filter: TraceSearch['filter']): Promise<Set<TraceSearch['filter'][number]>> {
    const out = new Set<TraceSearch['filter'][number]>();
    for (const c of filter) {
      const equalities = equalityMatches(c);
      const matches = equalities ?? textCandidates(this.dialect, c);
      if (!matches) continue;
      if (!equalities && (await this.textLooksCommon(c))) continue;
      const limit = this.options.selectiveMatches * (equalities ? 1 : (this.dialect.spanTextIndex?.candidatesPerMatch ?? 1));
      const { rows } = await sql<{ n: number | string }>`select count(*) as n from (${matches} limit ${limit}) m`.execute(this.db);
      if (Number(rows[0]?.n ?? 0) < limit) out.add(c);
    }
    return out;
  }

  private textLooksCommon(c: TraceSearch['filter'][number]): Promise<boolean> {
    const index = this.dialect.spanTextIndex;
    if (!index?.looksCommon || c.value.kind !== 'string' || (c.op !== 'LIKE' && c.op !== 'ILIKE')) return Promise.resolve(false);
    return index.looksCommon(this.db, c.value.value, c.op);
  }

  /** Rows with their tags, metadata and assessments: three queries per page, never one per trace. */
  private async hydrate(rows: TraceRow[]): Promise<TraceRecord[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.trace_id);
    const keys = rows.map((r) => Number(r.trace_key));
    const [tags, metadata, assessments] = await Promise.all([
      this.db.selectFrom('trace_tags').select(['trace_key', 'key', 'value']).where('trace_key', 'in', keys).orderBy('key').execute(),
      this.db.selectFrom('trace_metadata').select(['trace_key', 'key', 'value']).where('trace_key', 'in', keys).orderBy('key').execute(),
      this.db.selectFrom('assessments').selectAll().where('trace_id', 'in', ids).orderBy('create_time_ms').orderBy('assessment_id').execute(),
    ]);
    const assessmentsBy = new Map<string, AssessmentRecord[]>();
    for (const row of assessments) {
      const list = assessmentsBy.get(row.trace_id);
      if (list) list.push(toAssessmentRecord(row));
      else assessmentsBy.set(row.trace_id, [toAssessmentRecord(row)]);
    }
    const byTrace = (list: { trace_key: number; key: string; value: string }[]) => {
      const out = new Map<number, Record<string, string>>();
      for (const kv of list) {
        const key = Number(kv.trace_key);
        const map = out.get(key);
        if (map) map[kv.key] = kv.value;
        else out.set(key, { [kv.key]: kv.value });
      }
      return out;
    };
    const tagsBy = byTrace(tags);
    const metadataBy = byTrace(metadata);
    return rows.map((row) => {
      const record: TraceRecord = {
        traceId: row.trace_id,
        experimentId: String(row.experiment_id),
        requestTimeMs: Number(row.request_time_ms),
        state: row.state as TraceState,
        tags: tagsBy.get(Number(row.trace_key)) ?? {},
        metadata: metadataBy.get(Number(row.trace_key)) ?? {},
        finalized: Number(row.finalized) === 1,
        spanCount: Number(row.span_count),
        assessments: assessmentsBy.get(row.trace_id) ?? [],
        ...rowTotals(row),
      };
      if (row.client_request_id !== null) record.clientRequestId = row.client_request_id;
      if (row.execution_duration_ms !== null) record.executionDurationMs = Number(row.execution_duration_ms);
      if (row.request_preview !== null) record.requestPreview = row.request_preview;
      if (row.response_preview !== null) record.responsePreview = row.response_preview;
      if (row.root_span_id !== null) record.rootSpanId = row.root_span_id;
      return record;
    });
  }

  async getSpans(traceId: string, page: { offset: number; limit: number }): Promise<{ items: SpanRecord[]; hasMore: boolean }> {
    const rows = await this.db
      .selectFrom('spans')
      .selectAll()
      .where('trace_key', '=', (eb) => eb.selectFrom('traces').select('trace_key').where('trace_id', '=', traceId))
      .orderBy('start_time_us')
      .orderBy('span_id')
      .limit(page.limit + 1)
      .offset(page.offset)
      .execute();
    return { items: rows.slice(0, page.limit).map(toSpanRecord), hasMore: rows.length > page.limit };
  }

  async findSpans(query: SpanQuery): Promise<{ items: SpanPageItem[]; hasMore: boolean }> {
    const trace = await this.db.selectFrom('traces').select('trace_key').where('trace_id', '=', query.traceId).executeTakeFirst();
    if (!trace) return { items: [], hasMore: false };
    const { rows } = await compileSpanQuery(this.dialect, { ...query, limit: query.limit + 1 }, Number(trace.trace_key)).execute(this.db);
    const items = rows.slice(0, query.limit).map((row): SpanPageItem => {
      const item: SpanPageItem = toSpanRecord(row);
      if (row.child_count !== undefined) item.childCount = Number(row.child_count);
      return item;
    });
    return { items, hasMore: rows.length > query.limit };
  }

  async queryTraceMetrics(query: TraceMetricsQuery): Promise<{ points: MetricPoint[]; hasMore: boolean }> {
    const experimentIds = query.experimentIds.map(toDbId).filter((id): id is number => id !== undefined);
    if (experimentIds.length === 0) return { points: [], hasMore: false };
    const { limit, offset } = query.page;
    const { rows } = await compileTraceMetrics(this.dialect, { ...query, page: { offset, limit: limit + 1 } }, experimentIds).execute(this.db);
    const points = rows.slice(0, limit).map((row): MetricPoint => {
      const point: MetricPoint = { dimensions: {}, values: {} };
      if (query.bucketMs !== undefined) point.bucketStartMs = Number(row.bucket);
      query.dimensions.forEach((d, i) => {
        const v = row[`d${i}`];
        point.dimensions[d] = v === null || v === undefined ? null : String(v);
      });
      query.aggregations.forEach((a, i) => {
        const v = row[`v${i}`];
        point.values[a.label] = v === null || v === undefined ? null : Number(v);
      });
      return point;
    });
    return { points, hasMore: rows.length > limit };
  }

  indexSpanText(max: number): Promise<number> {
    return this.dialect.spanTextIndex ? this.dialect.spanTextIndex.indexBatch(this.db, max) : Promise.resolve(0);
  }

  private requireExperimentId(experimentId: string): number {
    const id = toDbId(experimentId);
    if (id === undefined) throw ApiError.notFound(`No Experiment with id=${experimentId} exists`);
    return id;
  }

  /** The trace row, checked to belong to the experiment the caller writes to. */
  private async lockedTrace(tx: Transaction<Database>, traceId: string, experimentId: number) {
    const trace = await tx.selectFrom('traces').select(['trace_key', 'experiment_id', 'finalized']).where('trace_id', '=', traceId).executeTakeFirstOrThrow();
    if (Number(trace.experiment_id) !== experimentId) {
      throw ApiError.invalid(`Trace '${traceId}' belongs to experiment ${trace.experiment_id}, not ${experimentId}.`);
    }
    return { ...trace, trace_key: Number(trace.trace_key) };
  }

  private upsertKeyValues(
    tx: Transaction<Database>,
    table: 'trace_tags' | 'trace_metadata',
    traceKey: number,
    values: Record<string, string>,
    overwrite: boolean,
  ): Promise<void> {
    return upsertKeyValues(
      tx,
      table,
      Object.entries(values).map(([key, value]) => ({ trace_key: traceKey, key, value })),
      overwrite,
    );
  }
}
