import type { Kysely, Selectable } from 'kysely';
import type {
  ActiveOnlineScorerRecord,
  NewScorerVersion,
  OnlineScoringConfigRecord,
  ScorerDeletion,
  ScorerSelection,
  ScorerStore,
  ScorerVersionRecord,
} from '../scorer-store.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import type { Database } from './schema.js';
import type { OnlineScoringConfigsTable } from './scorer-schema.js';

/** Experiment ids are integers here; anything else names no experiment. */
function experimentKey(experimentId: string): number | undefined {
  return /^\d{1,15}$/.test(experimentId) ? Number(experimentId) : undefined;
}

/** Registrations that lose a race for a name or a version number try again this many times. */
const REGISTER_ATTEMPTS = 8;

interface VersionRow {
  scorer_id: string;
  experiment_id: number | string;
  scorer_name: string;
  scorer_version: number | string;
  serialized_scorer: string;
  creation_time: number | string;
}

function toVersion(row: VersionRow): ScorerVersionRecord {
  return {
    scorerId: row.scorer_id,
    experimentId: String(row.experiment_id),
    name: row.scorer_name,
    version: Number(row.scorer_version),
    serializedScorer: row.serialized_scorer,
    creationTime: Number(row.creation_time),
  };
}

function toConfig(row: Selectable<OnlineScoringConfigsTable>): OnlineScoringConfigRecord {
  const config: OnlineScoringConfigRecord = {
    configId: row.online_scoring_config_id,
    scorerId: row.scorer_id,
    experimentId: String(row.experiment_id),
    sampleRate: Number(row.sample_rate),
  };
  if (row.filter_string !== null) config.filterString = row.filter_string;
  return config;
}

/**
 * The scorer registry on SQLite or PostgreSQL. A registration reads the highest version and inserts
 * the next in one transaction; two servers racing for one number (or for a new name) collide on the
 * primary key (or the unique name), and the loser starts over, so versions are handed out once.
 *
 * @example
 * const scorers = new SqlScorerStore(db, dialect);
 * await scorers.registerScorerVersion({ experimentId: '1', name: 'judge', serializedScorer: '{}', newScorerId: randomUUID, now: Date.now() });
 */
export class SqlScorerStore implements ScorerStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {}

  async registerScorerVersion(input: NewScorerVersion): Promise<ScorerVersionRecord> {
    const experimentId = Number(input.experimentId);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction().execute(async (tx) => {
          const existing = await tx
            .selectFrom('scorers')
            .select('scorer_id')
            .where('experiment_id', '=', experimentId)
            .where('scorer_name', '=', input.name)
            .executeTakeFirst();
          const scorerId = existing?.scorer_id ?? input.newScorerId();
          if (!existing) await tx.insertInto('scorers').values({ scorer_id: scorerId, experiment_id: experimentId, scorer_name: input.name }).execute();
          const max = await tx
            .selectFrom('scorer_versions')
            .select((eb) => eb.fn.max('scorer_version').as('max'))
            .where('scorer_id', '=', scorerId)
            .executeTakeFirst();
          const version = Number(max?.max ?? 0) + 1;
          await tx
            .insertInto('scorer_versions')
            .values({ scorer_id: scorerId, scorer_version: version, serialized_scorer: input.serializedScorer, creation_time: input.now })
            .execute();
          return {
            scorerId,
            experimentId: input.experimentId,
            name: input.name,
            version,
            serializedScorer: input.serializedScorer,
            creationTime: input.now,
          };
        });
      } catch (err) {
        if (attempt < REGISTER_ATTEMPTS && this.dialect.isUniqueViolation(err)) continue;
        throw err;
      }
    }
  }

  /** Scorer rows joined with their versions; `latestOnly` keeps each scorer's highest version. */
  private versions(latestOnly: boolean) {
    let query = this.db
      .selectFrom('scorers as s')
      .innerJoin('scorer_versions as v', 'v.scorer_id', 's.scorer_id')
      .select(['s.scorer_id', 's.experiment_id', 's.scorer_name', 'v.scorer_version', 'v.serialized_scorer', 'v.creation_time']);
    if (latestOnly) {
      query = query.where('v.scorer_version', '=', (eb) =>
        eb
          .selectFrom('scorer_versions as m')
          .select((m) => m.fn.max('m.scorer_version').as('max'))
          .whereRef('m.scorer_id', '=', 's.scorer_id'),
      );
    }
    return query;
  }

  async listLatestScorers(selection: ScorerSelection): Promise<ScorerVersionRecord[]> {
    const experimentIds = selection.experimentIds.map(experimentKey).filter((k): k is number => k !== undefined);
    const keys = selection.keys.flatMap((k) => {
      const key = experimentKey(k.experimentId);
      return key === undefined ? [] : [{ experimentId: key, name: k.name }];
    });
    if (experimentIds.length === 0 && keys.length === 0) return [];
    const rows = await this.versions(true)
      .where((eb) =>
        eb.or([
          ...(experimentIds.length > 0 ? [eb('s.experiment_id', 'in', experimentIds)] : []),
          ...keys.map((k) => eb.and([eb('s.experiment_id', '=', k.experimentId), eb('s.scorer_name', '=', k.name)])),
        ]),
      )
      .orderBy('s.experiment_id')
      .orderBy('s.scorer_name')
      .execute();
    return rows.map(toVersion);
  }

  async listScorerVersions(experimentId: string, name: string): Promise<ScorerVersionRecord[]> {
    const key = experimentKey(experimentId);
    if (key === undefined) return [];
    const rows = await this.versions(false).where('s.experiment_id', '=', key).where('s.scorer_name', '=', name).orderBy('v.scorer_version').execute();
    return rows.map(toVersion);
  }

  async getScorerVersion(experimentId: string, name: string, version?: number): Promise<ScorerVersionRecord | undefined> {
    const key = experimentKey(experimentId);
    if (key === undefined) return undefined;
    let query = this.versions(false).where('s.experiment_id', '=', key).where('s.scorer_name', '=', name);
    if (version !== undefined) query = query.where('v.scorer_version', '=', version);
    const row = await query.orderBy('v.scorer_version', 'desc').limit(1).executeTakeFirst();
    return row && toVersion(row);
  }

  async experimentOfScorer(scorerId: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('scorers').select('experiment_id').where('scorer_id', '=', scorerId).executeTakeFirst();
    return row && String(row.experiment_id);
  }

  async deleteScorer(experimentId: string, name: string, version?: number): Promise<ScorerDeletion> {
    const key = experimentKey(experimentId);
    if (key === undefined) return 'no-scorer';
    return this.db.transaction().execute(async (tx) => {
      const scorer = await tx.selectFrom('scorers').select('scorer_id').where('experiment_id', '=', key).where('scorer_name', '=', name).executeTakeFirst();
      if (!scorer) return 'no-scorer';
      if (version !== undefined) {
        const gone = await tx.deleteFrom('scorer_versions').where('scorer_id', '=', scorer.scorer_id).where('scorer_version', '=', version).executeTakeFirst();
        return Number(gone.numDeletedRows) > 0 ? 'deleted' : 'no-version';
      }
      // Its versions and online config go with it (ON DELETE CASCADE).
      await tx.deleteFrom('scorers').where('scorer_id', '=', scorer.scorer_id).execute();
      return 'deleted';
    });
  }

  async putOnlineConfig(config: OnlineScoringConfigRecord): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('online_scoring_configs').where('scorer_id', '=', config.scorerId).execute();
      await tx
        .insertInto('online_scoring_configs')
        .values({
          online_scoring_config_id: config.configId,
          scorer_id: config.scorerId,
          experiment_id: Number(config.experimentId),
          sample_rate: config.sampleRate,
          filter_string: config.filterString ?? null,
        })
        .execute();
    });
  }

  async onlineConfigs(scorerIds: readonly string[]): Promise<OnlineScoringConfigRecord[]> {
    if (scorerIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('online_scoring_configs')
      .selectAll()
      .where('scorer_id', 'in', [...new Set(scorerIds)])
      .orderBy('experiment_id')
      .orderBy('scorer_id')
      .execute();
    return rows.map(toConfig);
  }

  async activeOnlineScorers(): Promise<ActiveOnlineScorerRecord[]> {
    const rows = await this.versions(true)
      .innerJoin('online_scoring_configs as c', 'c.scorer_id', 's.scorer_id')
      .innerJoin('experiments as e', 'e.experiment_id', 's.experiment_id')
      .select(['c.sample_rate', 'c.filter_string'])
      .where('c.sample_rate', '>', 0)
      .where('e.lifecycle_stage', '=', 'active')
      .orderBy('s.experiment_id')
      .orderBy('s.scorer_name')
      .execute();
    return rows.map((row) => {
      const { scorerId, experimentId, name, version, serializedScorer } = toVersion(row);
      const active: ActiveOnlineScorerRecord = { experimentId, scorerId, name, version, serializedScorer, sampleRate: Number(row.sample_rate) };
      if (row.filter_string !== null) active.filterString = row.filter_string;
      return active;
    });
  }
}
