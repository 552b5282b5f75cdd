/** Human-review tables (migrations/0013). Times are epoch milliseconds. */
export interface LabelSchemasTable {
  schema_id: string;
  experiment_id: number;
  name: string;
  /** `FEEDBACK` or `EXPECTATION`. */
  type: string;
  title: string | null;
  instruction: string | null;
  /** 0 or 1. */
  enable_comment: number;
  /** `pass_fail`, `categorical`, `numeric` or `text`. */
  input_type: string;
  /** JSON of the input variant. */
  input_config: string;
  created_by: string | null;
  created_time: number;
  last_update_time: number;
}

export interface ReviewQueuesTable {
  queue_id: string;
  experiment_id: number;
  name: string;
  /** `name` lowercased (unique per experiment). */
  name_key: string;
  /** `USER` or `CUSTOM`. */
  queue_type: string;
  created_by: string | null;
  creation_time_ms: number;
  last_update_time_ms: number;
}

export interface ReviewQueueUsersTable {
  queue_id: string;
  user_id: string;
  position: number;
}

export interface ReviewQueueLabelSchemasTable {
  queue_id: string;
  schema_id: string;
  position: number;
}

export interface ReviewQueueItemsTable {
  queue_id: string;
  /** `TRACE`. */
  item_type: string;
  item_id: string;
  /** `PENDING`, `COMPLETE` or `DECLINED`. */
  status: string;
  completed_by: string | null;
  completed_time_ms: number | null;
  creation_time_ms: number;
  last_update_time_ms: number;
  seq: number;
}

/** The human-review tables as Kysely sees them. */
export interface ReviewTables {
  label_schemas: LabelSchemasTable;
  review_queues: ReviewQueuesTable;
  review_queue_users: ReviewQueueUsersTable;
  review_queue_label_schemas: ReviewQueueLabelSchemasTable;
  review_queue_items: ReviewQueueItemsTable;
}
