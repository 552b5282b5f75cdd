import { sql, type Insertable, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { ApiError, TraceTagKey } from '@loupe/protocol';
import type { LlmCost, TokenUsage, TraceInfoInput } from '../trace-store.js';
import { syncPromptLinks } from './prompt-link-sync.js';
import type { Database, TracesTable } from './schema.js';
import { upsertTraceKeyValues } from './trace-key-values.js';

/**
 * `traces.usage_final` bits: set once StartTraceV3 brought the client's own token totals
 * (`mlflow.trace.tokenUsage`) or cost (`mlflow.trace.cost`); spans no longer change those columns.
 * Kept apart so a client that counts tokens but prices nothing still gets the cost summed from its
 * spans (priced at ingest). Rows written before the split hold 1: their tokens stay final.
 */
export const USAGE_FINAL = { tokens: 1, cost: 2 } as const;

/** The trace columns for client-given token and cost totals (each only when given), or undefined when neither was. */
function usageColumns(usage: TokenUsage | undefined, cost: LlmCost | undefined): Partial<Insertable<TracesTable>> | undefined {
  if (!usage && !cost) return undefined;
  return {
    ...(usage
      ? {
          input_tokens: usage.inputTokens ?? null,
          output_tokens: usage.outputTokens ?? null,
          total_tokens: usage.totalTokens ?? null,
          cache_read_input_tokens: usage.cacheReadInputTokens ?? null,
          cache_creation_input_tokens: usage.cacheCreationInputTokens ?? null,
        }
      : {}),
    ...(cost ? { input_cost: cost.inputCost ?? null, output_cost: cost.outputCost ?? null, total_cost: cost.totalCost ?? null } : {}),
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
 * spans for good: token totals and cost each on their own ({@link USAGE_FINAL}).
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
    const final = (info.usage ? USAGE_FINAL.tokens : 0) | (info.cost ? USAGE_FINAL.cost : 0);
    if (totals) Object.assign(values, totals, { usage_final: final });
    await tx
      .insertInto('traces')
      .values(values)
      .onConflict((oc) =>
        oc.column('trace_id').doUpdateSet({
          ...(totals ? { ...excludedColumns(Object.keys(totals)), usage_final: sql`traces.usage_final | ${final}` } : {}),
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
