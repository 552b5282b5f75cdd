import type { Kysely } from 'kysely';
import type { NewJob } from '../job-store.js';
import type { OnlineScoringLane, OnlineScoringStore, ScanPosition } from '../online-scoring-store.js';
import { insertJobs } from './job-rows.js';
import type { Database } from './schema.js';

/** Thrown inside the transaction to roll it back when the cursor moved under us. */
class CursorMoved extends Error {}

/**
 * Online scoring cursors on SQLite or PostgreSQL (migration 0021). The move is a compare-and-set on
 * the stored JSON (an insert that must not collide for a first cursor), in the transaction that
 * inserts the jobs: a server that lost the race writes nothing.
 *
 * @example
 * const store = new SqlOnlineScoringStore(db);
 * await store.advance(scorerId, 'trace', undefined, [1700000000000, 'tr-1'], jobs, Date.now());
 */
export class SqlOnlineScoringStore implements OnlineScoringStore {
  constructor(private readonly db: Kysely<Database>) {}

  async getCursor(scorerId: string, lane: OnlineScoringLane): Promise<ScanPosition | undefined> {
    const row = await this.db
      .selectFrom('online_scoring_cursors')
      .select('position')
      .where('scorer_id', '=', scorerId)
      .where('lane', '=', lane)
      .executeTakeFirst();
    return row ? (JSON.parse(row.position) as ScanPosition) : undefined;
  }

  async advance(
    scorerId: string,
    lane: OnlineScoringLane,
    expected: ScanPosition | undefined,
    next: ScanPosition,
    jobs: readonly NewJob[],
    now: number,
  ): Promise<boolean> {
    try {
      await this.db.transaction().execute(async (tx) => {
        const position = JSON.stringify(next);
        if (expected === undefined) {
          const inserted = await tx
            .insertInto('online_scoring_cursors')
            .values({ scorer_id: scorerId, lane, position, updated_at: now })
            .onConflict((oc) => oc.columns(['scorer_id', 'lane']).doNothing())
            .executeTakeFirst();
          if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) throw new CursorMoved();
        } else {
          const updated = await tx
            .updateTable('online_scoring_cursors')
            .set({ position, updated_at: now })
            .where('scorer_id', '=', scorerId)
            .where('lane', '=', lane)
            .where('position', '=', JSON.stringify(expected))
            .executeTakeFirst();
          if (Number(updated.numUpdatedRows) !== 1) throw new CursorMoved();
        }
        await insertJobs(tx, jobs, now);
      });
      return true;
    } catch (err) {
      if (err instanceof CursorMoved) return false;
      throw err;
    }
  }
}
