import { sql, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import { chunks } from './sql-batches.js';

/** One trace tag or metadata row, by the trace's integer key. */
export interface KeyValueRow {
  trace_key: number;
  key: string;
  value: string;
}

/**
 * Writes tag or metadata rows of any number of traces, in as few statements as the parameter limits
 * allow: `overwrite` replaces existing values, otherwise existing keys are kept.
 *
 * @example
 * await upsertKeyValues(tx, 'trace_tags', [{ trace_key: 42, key: 'env', value: 'prod' }], true);
 */
export async function upsertKeyValues(
  tx: Transaction<Database>,
  table: 'trace_tags' | 'trace_metadata',
  rows: KeyValueRow[],
  overwrite: boolean,
): Promise<void> {
  for (const part of chunks(rows)) {
    await tx
      .insertInto(table)
      .values(part)
      .onConflict((oc) => {
        const target = oc.columns(['trace_key', 'key']);
        return overwrite ? target.doUpdateSet({ value: sql`excluded.value` }) : target.doNothing();
      })
      .execute();
  }
}

/**
 * Writes one trace's tags or metadata given as a map (see {@link upsertKeyValues}).
 *
 * @example
 * await upsertTraceKeyValues(tx, 'trace_metadata', 42, { 'mlflow.trace.session': 's-1' }, true);
 */
export function upsertTraceKeyValues(
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
