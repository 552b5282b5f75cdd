import type { Kysely } from 'kysely';
import { TraceTagKey } from '@loupe/protocol';
import { syncPromptLinks } from './prompt-link-sync.js';
import type { Database } from './schema.js';
import { upsertTraceKeyValues } from './trace-key-values.js';

/**
 * Sets one trace tag (a linked-prompts tag relinks the trace's prompts); false when the trace does not exist.
 *
 * @example
 * await setTraceTag(db, 'tr-1', 'env', 'prod'); // true
 */
export function setTraceTag(db: Kysely<Database>, traceId: string, key: string, value: string): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const trace = await tx.selectFrom('traces').select('trace_key').where('trace_id', '=', traceId).executeTakeFirst();
    if (!trace) return false;
    await upsertTraceKeyValues(tx, 'trace_tags', Number(trace.trace_key), { [key]: value }, true);
    if (key === TraceTagKey.LINKED_PROMPTS) await syncPromptLinks(tx, traceId, value);
    return true;
  });
}

/**
 * Deletes one trace tag (a linked-prompts tag unlinks the trace's prompts); false when it did not exist.
 *
 * @example
 * await deleteTraceTag(db, 'tr-1', 'env'); // true
 */
export function deleteTraceTag(db: Kysely<Database>, traceId: string, key: string): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const result = await tx
      .deleteFrom('trace_tags')
      .where('trace_key', '=', (eb) => eb.selectFrom('traces').select('trace_key').where('trace_id', '=', traceId))
      .where('key', '=', key)
      .executeTakeFirst();
    if (key === TraceTagKey.LINKED_PROMPTS) await syncPromptLinks(tx, traceId, undefined);
    return Number(result.numDeletedRows) > 0;
  });
}
