/** Evaluation dataset tables (migrations/0012; MLflow's `evaluation_dataset*` tables). Times are epoch milliseconds. */
export interface EvaluationDatasetsTable {
  /** `d-` + 32 hex. */
  dataset_id: string;
  /** Not unique: MLflow lets datasets share a name. */
  name: string;
  /** JSON text, or null before the first record. */
  schema: string | null;
  /** JSON text (`{"num_records": N}`), or null while there are no records. */
  profile: string | null;
  digest: string;
  created_time: number;
  last_update_time: number;
  created_by: string | null;
  last_updated_by: string | null;
}

export interface EvaluationDatasetTagsTable {
  dataset_id: string;
  key: string;
  value: string;
}

export interface EvaluationDatasetRecordsTable {
  /** `dr-` + 32 hex. */
  dataset_record_id: string;
  dataset_id: string;
  /** SHA-256 of the canonical JSON of `inputs`: a record's identity within its dataset. */
  input_hash: string;
  /** JSON text of each field; null where the record has none. */
  inputs: string;
  outputs: string | null;
  expectations: string | null;
  tags: string | null;
  source: string | null;
  source_id: string | null;
  source_type: string | null;
  created_time: number;
  last_update_time: number;
  created_by: string | null;
  last_updated_by: string | null;
}

/** MLflow's `entity_associations` rows from an evaluation dataset to an experiment. */
export interface EvaluationDatasetExperimentsTable {
  dataset_id: string;
  /** As the client gave it (MLflow does not check it on create). */
  experiment_id: string;
  created_time: number;
}

/** The evaluation dataset tables as Kysely sees them. */
export interface DatasetTables {
  evaluation_datasets: EvaluationDatasetsTable;
  evaluation_dataset_tags: EvaluationDatasetTagsTable;
  evaluation_dataset_records: EvaluationDatasetRecordsTable;
  evaluation_dataset_experiments: EvaluationDatasetExperimentsTable;
}
