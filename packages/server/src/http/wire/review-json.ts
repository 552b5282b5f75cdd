import type { LabelSchema, ReviewQueue, ReviewQueueItem, ReviewQueueProgress } from '@loupe/protocol';
import type { LabelSchemaRecord, ReviewItemRecord, ReviewProgressRecord, ReviewQueueRecord } from '../../store/review-store.js';

/** A label schema as MLflow's `LabelSchema` message (unset fields omitted). */
export function labelSchemaJson(record: LabelSchemaRecord): LabelSchema {
  return {
    schema_id: record.schemaId,
    experiment_id: record.experimentId,
    name: record.name,
    type: record.type,
    ...(record.title !== undefined ? { title: record.title } : {}),
    ...(record.instruction !== undefined ? { instruction: record.instruction } : {}),
    enable_comment: record.enableComment,
    input: record.input,
    ...(record.createdBy !== undefined ? { created_by: record.createdBy } : {}),
    created_at: record.createdTime,
    last_updated_at: record.lastUpdateTime,
  };
}

/** A review queue as MLflow's `ReviewQueue` message. */
export function reviewQueueJson(record: ReviewQueueRecord): ReviewQueue {
  return {
    queue_id: record.queueId,
    experiment_id: record.experimentId,
    name: record.name,
    queue_type: record.queueType,
    ...(record.createdBy !== undefined ? { created_by: record.createdBy } : {}),
    creation_time_ms: record.creationTime,
    last_update_time_ms: record.lastUpdateTime,
    users: record.users,
    schema_ids: record.schemaIds,
  };
}

/** A queue item as MLflow's `ReviewQueueItem` message. */
export function reviewItemJson(record: ReviewItemRecord): ReviewQueueItem {
  return {
    queue_id: record.queueId,
    item_type: record.itemType,
    item_id: record.itemId,
    status: record.status,
    ...(record.completedBy !== undefined ? { completed_by: record.completedBy } : {}),
    ...(record.completedTime !== undefined ? { completed_time_ms: record.completedTime } : {}),
    creation_time_ms: record.creationTime,
    last_update_time_ms: record.lastUpdateTime,
  };
}

/** A queue's progress (Loupe). */
export function reviewProgressJson(record: ReviewProgressRecord): ReviewQueueProgress {
  return { queue_id: record.queueId, total: record.total, pending: record.pending, complete: record.complete, declined: record.declined };
}
