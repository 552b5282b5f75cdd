import { sql, type Insertable, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { ApiError, TraceTagKey } from '@loupe/protocol';
import type { LlmCost, TokenUsage, TraceInfoInput } from '../trace-store.js';
import { syncPromptLinks } from './prompt-link-sync.js';
import type { Database, TracesTable } from './schema.js';
import { upsertTraceKeyValues } from './trace-key-values.js';

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

/** The trace's integer key, checked to belong to the experiment the caller writes to. */
async function ownedTraceKey(tx: Transaction<Database>, traceId: string, experimentId: number): Promise<number> {
  const trace = await tx.selectFrom('traces').select(['trace_key', 'experiment_id']).where('trace_id', '=', traceId).executeTakeFirstOrThrow();
  if (Number(trace.experiment_id) !== experimentId) {
    throw ApiError.invalid(`Trace '${traceId}' belongs to experiment ${trace.experiment_id}, not ${experimentId}.`);
  }
  return Number(trace.trace_key);
}

/**
 * Writes the authoritative info of StartTraceV3 (ADR 0002): creates the trace row or merges into the one
 * spans created (client values win, absent ones keep what spans set), marks it finalized, and sets its
 * tags and metadata (overwriting) in one transaction. Client totals, when given, replace the sums over
 * spans for good.
 *
 * @example
 * await upsertTraceInfo(db, info, 1);
 */
export async function upsertTraceInfo(db: Kysely<Database>, info: TraceInfoInput, experimentId: number): Promise<void> {
  await db.transaction().execute(async (tx) => {
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
    const key = await ownedTraceKey(tx, info.traceId, experimentId);
    await upsertTraceKeyValues(tx, 'trace_tags', key, info.tags, true);
    await upsertTraceKeyValues(tx, 'trace_metadata', key, info.metadata, true);
    if (TraceTagKey.LINKED_PROMPTS in info.tags) await syncPromptLinks(tx, info.traceId, info.tags[TraceTagKey.LINKED_PROMPTS]);
  });
}
