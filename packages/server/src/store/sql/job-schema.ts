import type { Generated } from 'kysely';

/** The `jobs` table (migrations/0010). Times are epoch milliseconds. */
export interface JobsTable {
  id: Generated<number>;
  kind: string;
  /** JSON text. */
  payload: string;
  /** `pending`, `running` or `failed` (succeeded jobs are deleted). */
  status: string;
  /** Pending: when it is due. Running: when its lease runs out. */
  run_at: number;
  attempts: Generated<number>;
  max_attempts: number;
  /** The runner holding the lease while running. */
  locked_by: string | null;
  last_error: string | null;
  dedupe_key: string | null;
  created_at: number;
  updated_at: number;
}

/** The background-job tables, part of {@link Database}. */
export interface JobTables {
  jobs: JobsTable;
}
