import type { Kysely, Transaction } from 'kysely';
import type { TraceLinkStore, TraceLinkType } from '../trace-link-store.js';
import type { Database } from './schema.js';
import { upsertKeyValues } from './trace-ingest.js';

/**
 * Trace links on SQLite or PostgreSQL (table `trace_links`, migration 0004): one row per
 * (trace, type, target), deleted with the trace by its foreign key.
 *
 * @example
 * const links = new SqlTraceLinkStore(db);
 * await links.linkTracesToRun(['tr-…'], runId, Date.now());
 */
export class SqlTraceLinkStore implements TraceLinkStore {
  constructor(private readonly db: Kysely<Database>) {}

  async linkTracesToRun(traceIds: string[], runId: string, createdMs: number): Promise<{ missing: string[] }> {
    const ids = [...new Set(traceIds)];
    if (ids.length === 0) return { missing: [] };
    return this.db.transaction().execute(async (tx) => {
      const found = new Set((await tx.selectFrom('traces').select('trace_id').where('trace_id', 'in', ids).execute()).map((r) => r.trace_id));
      const missing = ids.filter((id) => !found.has(id));
      if (missing.length > 0) return { missing };
      await this.insertLinks(tx, ids.map((traceId) => ({ traceId, target: runId })), 'run', createdMs);
      return { missing: [] };
    });
  }

  async linkPromptsToTrace(traceId: string, promptVersions: string[], tag: { key: string; value: string }, createdMs: number): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const exists = await tx.selectFrom('traces').select('trace_id').where('trace_id', '=', traceId).executeTakeFirst();
      if (!exists) return false;
      await this.insertLinks(tx, [...new Set(promptVersions)].map((target) => ({ traceId, target })), 'prompt_version', createdMs);
      await upsertKeyValues(tx, 'trace_tags', [{ trace_id: traceId, key: tag.key, value: tag.value }], true);
      return true;
    });
  }

  async listLinks(traceId: string, type: TraceLinkType): Promise<string[]> {
    const rows = await this.db.selectFrom('trace_links').select('target_id').where('trace_id', '=', traceId).where('link_type', '=', type).orderBy('target_id').execute();
    return rows.map((r) => r.target_id);
  }

  private async insertLinks(tx: Transaction<Database>, links: { traceId: string; target: string }[], type: TraceLinkType, createdMs: number): Promise<void> {
    if (links.length === 0) return;
    await tx
      .insertInto('trace_links')
      .values(links.map((l) => ({ trace_id: l.traceId, link_type: type, target_id: l.target, created_time_ms: createdMs })))
      .onConflict((oc) => oc.columns(['trace_id', 'link_type', 'target_id']).doNothing())
      .execute();
  }
}
