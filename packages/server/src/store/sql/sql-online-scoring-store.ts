import { sql, type Kysely } from 'kysely';
import type { NewJob } from '../job-store.js';
import type { OnlineScorerProgress, OnlineScoringLane, OnlineScoringStore, ProgressQuery, ScanPosition } from '../online-scoring-store.js';
import { insertJobs } from './job-rows.js';
import type { Database } from './schema.js';
import { toDbId } from './sql-ids.js';

/** `text` as a LIKE pattern matching itself only (backslash escapes, as `escape '\\'` declares). */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Thrown inside the transaction to roll it back when the cursor moved under us. */
class CursorMoved extends Error {}

/**
 * Online scoring cursors on SQLite or PostgreSQL (migration 0021). The move is a compare-and-set on
 * the stored JSON (an insert that must not collide for a first cursor), in the transaction that
 * inserts the jobs: a server that lost the race writes nothing. Progress reads the cursors, counts the
 * scorer's jobs and finds its newest assessment.
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

  async progress(query: ProgressQuery): Promise<OnlineScorerProgress> {
    const cursors = await this.db
      .selectFrom('online_scoring_cursors')
      .select(['lane', 'position', 'updated_at'])
      .where('scorer_id', '=', query.scorerId)
      .orderBy('lane')
      .execute();
    // The payload is the job's JSON text (JSON.stringify: no spaces). Scorer ids are generated
    // lower-case UUIDs, so SQLite's case-folding LIKE cannot confuse two of them.
    const payload = `%${likeLiteral(`"scorerId":${JSON.stringify(query.scorerId)}`)}%`;
    const counts = await this.db
      .selectFrom('jobs')
      .select(['status', (eb) => eb.fn.countAll().as('n')])
      .where('kind', '=', query.jobKind)
      .where(sql<boolean>`payload like ${payload} escape '\\'`)
      .groupBy('status')
      .execute();
    const jobs = { pending: 0, running: 0, failed: 0 };
    for (const c of counts) if (c.status === 'pending' || c.status === 'running' || c.status === 'failed') jobs[c.status] = Number(c.n);
    const experimentId = toDbId(query.experimentId);
    const newest =
      experimentId === undefined
        ? undefined
        : await this.db
            .selectFrom('assessments as a')
            .innerJoin('traces as t', 't.trace_id', 'a.trace_id')
            .select((eb) => eb.fn.max('a.create_time_ms').as('at'))
            .where('t.experiment_id', '=', experimentId)
            .where('a.name', '=', query.name)
            .where('a.source_type', '=', 'LLM_JUDGE')
            .executeTakeFirst();
    const progress: OnlineScorerProgress = {
      cursors: cursors.map((c) => ({ lane: c.lane as OnlineScoringLane, position: JSON.parse(c.position) as ScanPosition, updatedAt: Number(c.updated_at) })),
      jobs,
    };
    if (newest?.at !== null && newest?.at !== undefined) progress.lastJudgementMs = Number(newest.at);
    return progress;
  }
}
