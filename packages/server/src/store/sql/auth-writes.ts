import { sql, type Kysely, type Transaction } from 'kysely';
import type { AuditEntry } from '../auth-store.js';
import type { Database } from './schema.js';

type Tx = Transaction<Database>;

/** Appends an audit event inside a transaction. */
export async function insertAudit(tx: Kysely<Database>, entry: AuditEntry): Promise<void> {
  await tx
    .insertInto('audit_events')
    .values({
      time: entry.time,
      actor: entry.actor,
      via: entry.via,
      action: entry.action,
      resource_type: entry.resourceType,
      resource_id: entry.resourceId,
      detail: entry.detail,
    })
    .execute();
}

/**
 * Runs an auth write in one transaction with the generation bump (docs/adr/0013-auth.md §5) and its
 * audit event (§8), both only when the write changed something; answers whether it did.
 *
 * @example
 * await authWrite(db, async (tx) => changed(await tx.updateTable('users')...executeTakeFirst()), audit);
 */
export function authWrite(db: Kysely<Database>, fn: (tx: Tx) => Promise<boolean>, audit?: AuditEntry): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const changed = await fn(tx);
    if (changed) {
      await tx
        .updateTable('auth_generation')
        .set({ generation: sql<number>`generation + 1` })
        .where('id', '=', 1)
        .execute();
      if (audit) await insertAudit(tx, audit);
    }
    return changed;
  });
}
