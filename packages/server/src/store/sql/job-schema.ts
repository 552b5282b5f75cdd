import type { Generated } from 'kysely';

/** The `jobs` table (migrations/0010). Times are epoch milliseconds. */
export interface JobsTable {
  id: Generated<number>;
  kind: string;
  /** JSON text. */
  payload: string;
  /** `pending`, `running`, `succeeded` (kept jobs only; others are deleted when they succeed) or `failed`. */
  status: string;
  /** Pending: when it is due. Running: when its lease runs out. */
  run_at: number;
  attempts: Generated<number>;
  max_attempts: number;
  /** The runner holding the lease while running. */
  locked_by: string | null;
  last_error: string | null;
  dedupe_key: string | null;
  /** 1: kept as `succeeded` when done (migrations/0022). */
  keep: Generated<number>;
  created_at: number;
  updated_at: number;
}

/** The background-job tables, part of {@link Database}. */
export interface JobTables {
  jobs: JobsTable;
}
