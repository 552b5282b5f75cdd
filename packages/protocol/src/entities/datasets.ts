import { z } from 'zod';

/**
 * Evaluation datasets as they travel on the wire (MLflow's `datasets.proto`; spec §8.1). Tags, schema
 * and profile are JSON *strings* inside the JSON reply; records travel as one JSON string of a list.
 */

/** `DatasetRecordSource.SourceType` names (proto order, UNSPECIFIED = 0). */
export const DATASET_RECORD_SOURCE_TYPES = ['UNSPECIFIED', 'TRACE', 'HUMAN', 'DOCUMENT', 'CODE'] as const;
/** One record source type. */
export type DatasetRecordSourceType = (typeof DATASET_RECORD_SOURCE_TYPES)[number];

/** Column limits of MLflow's evaluation dataset tables (name 255, tag key 255, tag value 5000). */
export const DATASET_LIMITS = { nameLength: 255, tagKeyLength: 255, tagValueLength: 5000 } as const;

/** The tag that names the user behind a dataset or record write (`created_by`, `last_updated_by`). */
export const DATASET_USER_TAG = 'mlflow.user';

/** An evaluation dataset in a reply (no records; `experiment_ids` always given by Loupe). */
export const EvaluationDatasetJson = z.strictObject({
  dataset_id: z.string(),
  name: z.string(),
  /** JSON of a string map. */
  tags: z.string().optional(),
  /** JSON: the fields seen in inputs, outputs and expectations, with their types. */
  schema: z.string().optional(),
  /** JSON: `{"num_records": N}`. */
  profile: z.string().optional(),
  digest: z.string().optional(),
  created_time: z.number().int(),
  last_update_time: z.number().int(),
  created_by: z.string().optional(),
  last_updated_by: z.string().optional(),
  experiment_ids: z.array(z.string()).optional(),
});
/** An evaluation dataset in a reply. */
export type DatasetWire = z.infer<typeof EvaluationDatasetJson>;

/** Where a record came from, as it is stored and read back. */
export interface DatasetRecordSource {
  source_type: DatasetRecordSourceType;
  source_data: Record<string, unknown>;
}

/** A record as one entry of the `records` JSON (MLflow's `DatasetRecord.to_dict()`). */
export interface DatasetRecordWire {
  dataset_record_id: string;
  dataset_id: string;
  inputs: Record<string, unknown>;
  outputs?: unknown;
  expectations?: Record<string, unknown>;
  tags: Record<string, unknown>;
  source?: DatasetRecordSource;
  source_id?: string;
  source_type?: DatasetRecordSourceType;
  created_time: number;
  last_update_time: number;
  created_by?: string;
  last_updated_by?: string;
}
