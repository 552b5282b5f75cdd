import { ApiError } from '@loupe/protocol';
import type { Kysely } from 'kysely';
import type { AuditEntry } from '../auth-store.js';
import type { AuditEvent, AuditQuery, AuditStore } from '../audit-store.js';
import { insertAudit } from './auth-writes.js';
import type { Database } from './schema.js';

/** The position after an event, newest-first order: its time and id. */
function encodePageToken(time: number, id: number): string {
  return Buffer.from(JSON.stringify([time, id])).toString('base64url');
}

function decodePageToken(token: string): [number, number] {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((n) => Number.isSafeInteger(n))) return value as [number, number];
  } catch {
    // Falls through to the error below.
  }
  throw ApiError.invalid(`Invalid page token '${token}'`);
}

/**
 * The audit log on SQLite or PostgreSQL (docs/adr/0013-auth.md §8): newest first by (time, id), keyset
 * pages, filters on the indexed columns.
 *
 * @example
 * const page = await new SqlAuditStore(db).search({ maxResults: 50, action: 'user.delete' });
 */
export class SqlAuditStore implements AuditStore {
  constructor(private readonly db: Kysely<Database>) {}

  record(entry: AuditEntry): Promise<void> {
    return insertAudit(this.db, entry);
  }

  async search(query: AuditQuery): Promise<{ events: AuditEvent[]; nextPageToken?: string }> {
    let select = this.db.selectFrom('audit_events').selectAll();
    if (query.actor !== undefined) select = select.where('actor', '=', query.actor);
    if (query.action !== undefined) select = select.where('action', '=', query.action);
    if (query.resourceType !== undefined) select = select.where('resource_type', '=', query.resourceType);
    if (query.pageToken !== undefined) {
      const [time, id] = decodePageToken(query.pageToken);
      select = select.where((eb) => eb.or([eb('time', '<', time), eb.and([eb('time', '=', time), eb('id', '<', id)])]));
    }
    const rows = await select
      .orderBy('time', 'desc')
      .orderBy('id', 'desc')
      .limit(query.maxResults + 1)
      .execute();
    const page = rows.slice(0, query.maxResults);
    const events = page.map((r): AuditEvent => ({
      id: String(r.id),
      time: Number(r.time),
      actor: r.actor,
      via: r.via as AuditEvent['via'],
      action: r.action,
      resourceType: r.resource_type,
      resourceId: r.resource_id,
      detail: r.detail,
    }));
    const last = page[page.length - 1];
    return rows.length > query.maxResults && last ? { events, nextPageToken: encodePageToken(Number(last.time), Number(last.id)) } : { events };
  }
}
