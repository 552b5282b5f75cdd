import type { Kysely } from 'kysely';
import { TraceTagKey } from '@loupe/protocol';
import type { TraceLinkStore, TraceLinkType } from '../trace-link-store.js';
import type { PageRequest } from '../tracking-store.js';
import type { Database } from './schema.js';
import { syncPromptLinks } from './prompt-link-sync.js';
import { upsertKeyValues } from './trace-key-values.js';

/**
 * Trace links on SQLite or PostgreSQL (table `trace_links`, migration 0004): one row per
 * (trace, type, target), deleted with the trace by its foreign key.
 *
 * @example
 * const links = new SqlTraceLinkStore(db);
 * await links.linkTracesToRun(['tr-…'], runId);
 */
export class SqlTraceLinkStore implements TraceLinkStore {
  constructor(private readonly db: Kysely<Database>) {}

  async linkTracesToRun(traceIds: string[], runId: string): Promise<{ missing: string[] }> {
    const ids = [...new Set(traceIds)];
    if (ids.length === 0) return { missing: [] };
    return this.db.transaction().execute(async (tx) => {
      const found = new Set((await tx.selectFrom('traces').select('trace_id').where('trace_id', 'in', ids).execute()).map((r) => r.trace_id));
      const missing = ids.filter((id) => !found.has(id));
      if (missing.length > 0) return { missing };
      await tx
        .insertInto('trace_links')
        .values(ids.map((trace_id) => ({ trace_id, link_type: 'run', target_id: runId })))
        .onConflict((oc) => oc.columns(['trace_id', 'link_type', 'target_id']).doNothing())
        .execute();
      return { missing: [] };
    });
  }

  async linkPromptsToTrace(traceId: string, linkedPromptsTag: string): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const trace = await tx.selectFrom('traces').select('trace_key').where('trace_id', '=', traceId).executeTakeFirst();
      if (!trace) return false;
      await upsertKeyValues(tx, 'trace_tags', [{ trace_key: Number(trace.trace_key), key: TraceTagKey.LINKED_PROMPTS, value: linkedPromptsTag }], true);
      await syncPromptLinks(tx, traceId, linkedPromptsTag);
      return true;
    });
  }

  async listLinks(traceId: string, type: TraceLinkType): Promise<string[]> {
    const rows = await this.db
      .selectFrom('trace_links')
      .select('target_id')
      .where('trace_id', '=', traceId)
      .where('link_type', '=', type)
      .orderBy('target_id')
      .execute();
    return rows.map((r) => r.target_id);
  }

  async listLinkedTraces(type: TraceLinkType, targetId: string, page: PageRequest): Promise<{ traceIds: string[]; hasMore: boolean }> {
    const rows = await this.db
      .selectFrom('trace_links as l')
      .innerJoin('traces as t', 't.trace_id', 'l.trace_id')
      .select('l.trace_id')
      .where('l.link_type', '=', type)
      .where('l.target_id', '=', targetId)
      .orderBy('t.request_time_ms', 'desc')
      .orderBy('t.trace_id')
      .limit(page.limit + 1)
      .offset(page.offset)
      .execute();
    return { traceIds: rows.slice(0, page.limit).map((r) => r.trace_id), hasMore: rows.length > page.limit };
  }
}
