import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../store/sql/schema.js';

/**
 * Writes one row into `registry_events` as the registry does after a change (seam 1 of issue 16),
 * for webhook tests that need events without the registry.
 *
 * @example
 * await logRegistryEvent(loupe.db, 'model_version', 'created', { name: 'm', version: '1' }, clock.now());
 */
export async function logRegistryEvent(db: Kysely<Database>, entity: string, action: string, data: unknown, createdAt: number): Promise<void> {
  await sql`insert into registry_events (entity, action, payload, created_at) values (${entity}, ${action}, ${JSON.stringify(data)}, ${createdAt})`.execute(db);
}
