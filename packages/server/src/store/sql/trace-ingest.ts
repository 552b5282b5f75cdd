import { sql, type Transaction } from 'kysely';
import { ApiError, TraceTagKey } from '@loupe/protocol';
import type { SpanBatch, SpanRecord } from '../trace-store.js';
import type { BulkColumnType, SqlDialect } from './dialects/sql-dialect.js';
import type { Database, SpansTable } from './schema.js';
import { chunks } from './sql-batches.js';
import { syncPromptLinks } from './prompt-link-sync.js';
import { upsertKeyValues, type KeyValueRow } from './trace-key-values.js';
import { USAGE_FINAL } from './trace-info-upsert.js';

const TRACE_NAME_TAG = TraceTagKey.TRACE_NAME;

/** The `spans` columns, in bulk-insert order: {@link spanValues} lists a span's values in this order. */
const SPAN_COLUMNS = [
  { name: 'trace_key', type: 'bigint' },
  { name: 'span_id', type: 'text' },
  { name: 'parent_span_id', type: 'text' },
  { name: 'name', type: 'text' },
  { name: 'type', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'start_time_us', type: 'bigint' },
  { name: 'end_time_us', type: 'bigint' },
  { name: 'content', type: 'text' },
  { name: 'input_tokens', type: 'bigint' },
  { name: 'output_tokens', type: 'bigint' },
  { name: 'total_tokens', type: 'bigint' },
  { name: 'cache_read_input_tokens', type: 'bigint' },
  { name: 'cache_creation_input_tokens', type: 'bigint' },
  { name: 'input_cost', type: 'double' },
  { name: 'output_cost', type: 'double' },
  { name: 'total_cost', type: 'double' },
  { name: 'model_name', type: 'text' },
  { name: 'model_provider', type: 'text' },
] as const satisfies readonly { name: keyof SpansTable; type: BulkColumnType }[];

/** A span's row values in {@link SPAN_COLUMNS} order. */
function spanValues(traceKey: number, s: SpanRecord): unknown[] {
  const u = s.usage;
  const c = s.cost;
  return [
    traceKey,
    s.spanId,
    s.parentSpanId,
    s.name,
    s.type,
    s.status,
    s.startTimeUs,
    s.endTimeUs,
    s.content,
    u?.inputTokens ?? null,
    u?.outputTokens ?? null,
    u?.totalTokens ?? null,
    u?.cacheReadInputTokens ?? null,
    u?.cacheCreationInputTokens ?? null,
    c?.inputCost ?? null,
    c?.outputCost ?? null,
    c?.totalCost ?? null,
    s.modelName ?? null,
    s.modelProvider ?? null,
  ];
}

/** Trace columns summed from its spans' usage and cost (unless the client's totals were written). */
const USAGE_COLUMNS = [
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'cache_read_input_tokens',
  'cache_creation_input_tokens',
  'input_cost',
  'output_cost',
  'total_cost',
] as const;

/** Per-trace values of a batch's summary UPDATE (see {@link updateTraceSummaries}). */
const SUMMARY_COLUMNS = [
  { name: 'trace_key', type: 'bigint' },
  { name: 'earliest', type: 'bigint' },
  { name: 'has_root', type: 'integer' },
  { name: 'state', type: 'text' },
  { name: 'duration', type: 'bigint' },
  { name: 'request_preview', type: 'text' },
  { name: 'response_preview', type: 'text' },
  { name: 'root_span_id', type: 'text' },
  { name: 'has_usage', type: 'integer' },
] as const satisfies readonly { name: string; type: BulkColumnType }[];

/** Splits batches into passes in which each trace appears once (one request normally is one pass). */
function passes(batches: readonly SpanBatch[]): SpanBatch[][] {
  const out: SpanBatch[][] = [];
  // How many batches of each trace came before: the n-th batch of a trace goes to pass n.
  const seen = new Map<string, number>();
  for (const batch of batches) {
    const n = seen.get(batch.traceId) ?? 0;
    seen.set(batch.traceId, n + 1);
    (out[n] ??= []).push(batch);
  }
  return out;
}

/**
 * Writes the span batches of one request (many traces) with a fixed number of statements, not a
 * number per trace: trace rows, an ownership check, one bulk upsert of the spans, one UPDATE for every
 * trace's span count and root summary, and the tags and metadata.
 * Merge rules of ADR 0002: until StartTraceV3 finalizes a trace, spans set its request time (earliest
 * start), and its root span its state, duration, previews and name.
 *
 * @example
 * await ingestSpanBatches(tx, dialect, batches, (id) => Number(id));
 */
export async function ingestSpanBatches(
  tx: Transaction<Database>,
  dialect: SqlDialect,
  batches: readonly SpanBatch[],
  experimentIdOf: (experimentId: string) => number,
): Promise<void> {
  for (const pass of passes(batches)) await ingestPass(tx, dialect, pass, experimentIdOf);
}

/** The traces of one pass as stored: integer keys, and which ones StartTraceV3 has finalized. */
interface PassTraces {
  keyOf: Map<string, number>;
  finalized: Set<string>;
}

/** One pass: each trace in it appears in one batch. */
async function ingestPass(
  tx: Transaction<Database>,
  dialect: SqlDialect,
  batches: SpanBatch[],
  experimentIdOf: (experimentId: string) => number,
): Promise<void> {
  const experimentOf = new Map(batches.map((b) => [b.traceId, experimentIdOf(b.experimentId)]));
  await insertMissingTraces(tx, batches, experimentOf);
  const traces = await ownedTraces(tx, batches, experimentOf);
  await upsertSpans(tx, dialect, batches, traces.keyOf);
  await updateTraceSummaries(tx, dialect, batches, traces);
  await addTraceTags(tx, batches, traces);
}

/** A trace row for every trace not stored yet (in progress, its request time the batch's earliest start). */
async function insertMissingTraces(tx: Transaction<Database>, batches: SpanBatch[], experimentOf: Map<string, number>): Promise<void> {
  for (const part of chunks(batches)) {
    await tx
      .insertInto('traces')
      .values(
        part.map((b) => ({
          trace_id: b.traceId,
          experiment_id: experimentOf.get(b.traceId) as number,
          client_request_id: null,
          request_time_ms: b.earliestStartMs,
          execution_duration_ms: null,
          state: 'IN_PROGRESS',
          request_preview: null,
          response_preview: null,
          root_span_id: null,
          span_count: 0,
          finalized: 0,
        })),
      )
      .onConflict((oc) => oc.column('trace_id').doNothing())
      .execute();
  }
}

/**
 * Each trace's integer key (spans, tags and metadata are keyed by it) and finalized flag, read with the
 * ownership check: a trace of another experiment refuses the whole pass.
 */
async function ownedTraces(tx: Transaction<Database>, batches: SpanBatch[], experimentOf: Map<string, number>): Promise<PassTraces> {
  const traces: PassTraces = { keyOf: new Map(), finalized: new Set() };
  for (const part of chunks(batches)) {
    const rows = await tx
      .selectFrom('traces')
      .select(['trace_id', 'trace_key', 'experiment_id', 'finalized'])
      .where(
        'trace_id',
        'in',
        part.map((b) => b.traceId),
      )
      .execute();
    for (const row of rows) {
      traces.keyOf.set(row.trace_id, Number(row.trace_key));
      if (Number(row.experiment_id) !== experimentOf.get(row.trace_id)) {
        throw ApiError.invalid(`Trace '${row.trace_id}' belongs to experiment ${row.experiment_id}, not ${experimentOf.get(row.trace_id)}.`);
      }
      if (Number(row.finalized) === 1) traces.finalized.add(row.trace_id);
    }
  }
  return traces;
}

/**
 * One bulk upsert of the pass's spans. Within a batch, the last copy of a span wins; a re-sent span
 * replaces its row (same key, possibly more complete content). Counts are recomputed afterwards
 * ({@link updateTraceSummaries}), so a re-sent span is never counted twice.
 */
async function upsertSpans(tx: Transaction<Database>, dialect: SqlDialect, batches: SpanBatch[], keyOf: Map<string, number>): Promise<void> {
  const written = batches.flatMap((b) => {
    const traceKey = keyOf.get(b.traceId) as number;
    return [...new Map(b.spans.map((s) => [s.spanId, s])).values()].map((s) => ({ traceKey, span: s }));
  });
  await dialect.bulkInsert(tx, {
    table: 'spans',
    columns: SPAN_COLUMNS,
    conflictColumns: ['trace_key', 'span_id'],
    rows: written.map((w) => spanValues(w.traceKey, w.span)),
    onConflict: 'update',
  });
  await dialect.spanTextIndex?.noteWritten(
    tx,
    written.map((w) => ({ traceKey: w.traceKey, spanId: w.span.spanId })),
  );
}

/** A batch's row of the summary UPDATE ({@link SUMMARY_COLUMNS}): a finalized trace keeps its request time and root summary. */
function summaryValues(b: SpanBatch, traces: PassTraces) {
  const finalized = traces.finalized.has(b.traceId);
  const root = finalized ? undefined : b.root;
  return {
    trace_key: traces.keyOf.get(b.traceId) as number,
    earliest: finalized ? null : b.earliestStartMs,
    has_root: root ? 1 : 0,
    state: root?.state ?? null,
    duration: root?.executionDurationMs ?? null,
    request_preview: root?.requestPreview ?? null,
    response_preview: root?.responsePreview ?? null,
    root_span_id: root?.spanId ?? null,
    has_usage: b.spans.some((x) => x.usage !== undefined || x.cost !== undefined) ? 1 : 0,
  };
}

/**
 * Every trace's counters and, while not finalized, request time and root summary: one statement per
 * 200 traces, the per-trace values passed as one JSON parameter. Counts and sums are recomputed from
 * the rows (a re-sent span never counts twice), in one grouped pass over the batch's traces; sums
 * replace the totals only where the batch carried usage.
 */
async function updateTraceSummaries(tx: Transaction<Database>, dialect: SqlDialect, batches: SpanBatch[], traces: PassTraces): Promise<void> {
  for (const part of chunks(batches, 200)) {
    const values = part.map((b) => summaryValues(b, traces));
    const keys = values.map((v) => v.trace_key);
    const totals = sql`select s.trace_key, count(*) as n, ${sql.join(USAGE_COLUMNS.map((c) => sql`sum(${sql.ref(`s.${c}`)}) as ${sql.ref(c)}`))}
      from spans s where s.trace_key in (${sql.join(keys)}) group by s.trace_key`;
    const usage = USAGE_COLUMNS.map((column) => {
      const final = column.endsWith('_cost') ? USAGE_FINAL.cost : USAGE_FINAL.tokens;
      return sql`${sql.ref(column)} = case when v.has_usage = 1 and (traces.usage_final & ${sql.lit(final)}) = 0 then ${sql.ref(`u.${column}`)} else ${sql.ref(`traces.${column}`)} end`;
    });
    await sql`update traces set
        span_count = u.n,
        request_time_ms = case when v.earliest is not null and v.earliest < traces.request_time_ms then v.earliest else traces.request_time_ms end,
        state = case when v.has_root = 1 then v.state else traces.state end,
        execution_duration_ms = case when v.has_root = 1 then v.duration else traces.execution_duration_ms end,
        request_preview = case when v.has_root = 1 then v.request_preview else traces.request_preview end,
        response_preview = case when v.has_root = 1 then v.response_preview else traces.response_preview end,
        root_span_id = case when v.has_root = 1 then v.root_span_id else traces.root_span_id end,
        ${sql.join(usage)}
      from ${dialect.rowsFromJson(values, SUMMARY_COLUMNS)} v join (${totals}) u on u.trace_key = v.trace_key
      where traces.trace_key = v.trace_key`.execute(tx);
  }
}

/**
 * The tags and metadata the batches carry (existing keys kept), the trace name from a root span of a
 * trace not yet finalized, and the prompt links of a linked-prompts tag.
 */
async function addTraceTags(tx: Transaction<Database>, batches: SpanBatch[], traces: PassTraces): Promise<void> {
  const names: KeyValueRow[] = [];
  const tags: KeyValueRow[] = [];
  const metadata: KeyValueRow[] = [];
  const linkedPrompts = new Set<string>();
  for (const b of batches) {
    const key = traces.keyOf.get(b.traceId) as number;
    if (b.root && !traces.finalized.has(b.traceId)) names.push({ trace_key: key, key: TRACE_NAME_TAG, value: b.root.name });
    for (const [name, value] of Object.entries(b.tags)) tags.push({ trace_key: key, key: name, value });
    for (const [name, value] of Object.entries(b.metadata)) metadata.push({ trace_key: key, key: name, value });
    if (TraceTagKey.LINKED_PROMPTS in b.tags) linkedPrompts.add(b.traceId);
  }
  await upsertKeyValues(tx, 'trace_tags', names, true);
  await upsertKeyValues(tx, 'trace_tags', tags, false);
  await upsertKeyValues(tx, 'trace_metadata', metadata, false);
  // A linked-prompts tag that rode along as `mlflow.traceTag.mlflow.linkedPrompts` links prompts as the
  // tag API does (rare: one lookup per such trace).
  for (const traceId of linkedPrompts) {
    const row = await tx
      .selectFrom('trace_tags')
      .select('value')
      .where('trace_key', '=', traces.keyOf.get(traceId) as number)
      .where('key', '=', TraceTagKey.LINKED_PROMPTS)
      .executeTakeFirst();
    await syncPromptLinks(tx, traceId, row?.value);
  }
}
