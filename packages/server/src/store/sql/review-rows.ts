import type { LabelSchemaInput, LabelSchemaInputKind, LabelSchemaType, ReviewItemType, ReviewQueueType, ReviewStatus } from '@loupe/protocol';
import type { Insertable, Selectable } from 'kysely';
import type { LabelSchemaRecord, ReviewItemRecord, ReviewQueueRecord } from '../review-store.js';
import type { LabelSchemasTable, ReviewQueueItemsTable, ReviewQueuesTable } from './review-schema.js';

const INPUT_KINDS: readonly LabelSchemaInputKind[] = ['pass_fail', 'categorical', 'numeric', 'text'];

/** The input's variant name and its JSON, as the `input_type` / `input_config` columns hold them. */
export function inputColumns(input: LabelSchemaInput): { input_type: string; input_config: string } {
  const kind = INPUT_KINDS.find((k) => input[k] !== undefined) ?? 'text';
  return { input_type: kind, input_config: JSON.stringify(input[kind] ?? {}) };
}

/** A `label_schemas` row of a record. */
export function labelSchemaRow(record: LabelSchemaRecord): Insertable<LabelSchemasTable> {
  return {
    schema_id: record.schemaId,
    experiment_id: Number(record.experimentId),
    name: record.name,
    type: record.type,
    title: record.title ?? null,
    instruction: record.instruction ?? null,
    enable_comment: record.enableComment ? 1 : 0,
    ...inputColumns(record.input),
    created_by: record.createdBy ?? null,
    created_time: record.createdTime,
    last_update_time: record.lastUpdateTime,
  };
}

/** The record of a `label_schemas` row. */
export function toLabelSchema(row: Selectable<LabelSchemasTable>): LabelSchemaRecord {
  const record: LabelSchemaRecord = {
    schemaId: row.schema_id,
    experimentId: String(row.experiment_id),
    name: row.name,
    type: row.type as LabelSchemaType,
    enableComment: Number(row.enable_comment) === 1,
    input: { [row.input_type]: JSON.parse(row.input_config) as unknown } as LabelSchemaInput,
    createdTime: Number(row.created_time),
    lastUpdateTime: Number(row.last_update_time),
  };
  if (row.title !== null) record.title = row.title;
  if (row.instruction !== null) record.instruction = row.instruction;
  if (row.created_by !== null) record.createdBy = row.created_by;
  return record;
}

/** The record of a `review_queues` row and its association rows. */
export function toReviewQueue(row: Selectable<ReviewQueuesTable>, users: string[], schemaIds: string[]): ReviewQueueRecord {
  const record: ReviewQueueRecord = {
    queueId: row.queue_id,
    experimentId: String(row.experiment_id),
    name: row.name,
    queueType: row.queue_type as ReviewQueueType,
    creationTime: Number(row.creation_time_ms),
    lastUpdateTime: Number(row.last_update_time_ms),
    users,
    schemaIds,
  };
  if (row.created_by !== null) record.createdBy = row.created_by;
  return record;
}

/** The record of a `review_queue_items` row. */
export function toReviewItem(row: Selectable<ReviewQueueItemsTable>): ReviewItemRecord {
  const record: ReviewItemRecord = {
    queueId: row.queue_id,
    itemType: row.item_type as ReviewItemType,
    itemId: row.item_id,
    status: row.status as ReviewStatus,
    creationTime: Number(row.creation_time_ms),
    lastUpdateTime: Number(row.last_update_time_ms),
  };
  if (row.completed_by !== null) record.completedBy = row.completed_by;
  if (row.completed_time_ms !== null) record.completedTime = Number(row.completed_time_ms);
  return record;
}
