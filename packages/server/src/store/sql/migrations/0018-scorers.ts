import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialects/sql-dialect.js';

/**
 * The scorer registry and online scoring (spec §8.2, §11.1; MLflow's `scorers`, `scorer_versions` and
 * `online_scoring_configs`). A scorer is a name in an experiment; each registration adds a version
 * holding the serialized scorer (opaque JSON made by the Python client). A scorer has at most one
 * online config (its sampling, for the latest version): replaced on every write, gone with the scorer
 * (cascade), as the versions are. Everything goes with its experiment when that row is removed.
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('scorers')
    .addColumn('scorer_id', 'text', (c) => c.primaryKey())
    .addColumn('experiment_id', dialect.idColumnType, (c) => c.notNull().references('experiments.experiment_id').onDelete('cascade'))
    .addColumn('scorer_name', 'text', (c) => c.notNull())
    .addUniqueConstraint('scorers_experiment_name', ['experiment_id', 'scorer_name'])
    .execute();
  await db.schema
    .createTable('scorer_versions')
    .addColumn('scorer_id', 'text', (c) => c.notNull().references('scorers.scorer_id').onDelete('cascade'))
    .addColumn('scorer_version', 'integer', (c) => c.notNull())
    .addColumn('serialized_scorer', 'text', (c) => c.notNull())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('scorer_versions_pk', ['scorer_id', 'scorer_version'])
    .execute();
  await db.schema
    .createTable('online_scoring_configs')
    .addColumn('online_scoring_config_id', 'text', (c) => c.primaryKey())
    // Unique: one config per scorer (MLflow keeps one by deleting before it inserts).
    .addColumn('scorer_id', 'text', (c) => c.notNull().unique().references('scorers.scorer_id').onDelete('cascade'))
    .addColumn('experiment_id', dialect.idColumnType, (c) => c.notNull().references('experiments.experiment_id').onDelete('cascade'))
    .addColumn('sample_rate', 'double precision', (c) => c.notNull())
    .addColumn('filter_string', 'text')
    .execute();
  // The online scorer's read: every config with a rate above zero.
  await db.schema.createIndex('online_scoring_configs_rate').on('online_scoring_configs').columns(['sample_rate']).execute();
}
