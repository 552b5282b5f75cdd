import type { LabelSchemaInput, LabelSchemaType, ReviewItemType, ReviewQueueType, ReviewStatus } from '@loupe/protocol';
import type { Page, PageRequest } from './tracking-store.js';

/** A label schema as stored. Times are epoch milliseconds. */
export interface LabelSchemaRecord {
  schemaId: string;
  experimentId: string;
  name: string;
  type: LabelSchemaType;
  title?: string;
  instruction?: string;
  enableComment: boolean;
  input: LabelSchemaInput;
  createdBy?: string;
  createdTime: number;
  lastUpdateTime: number;
}

/** What a label-schema update changes (absent: unchanged). */
export type LabelSchemaPatch = Partial<Pick<LabelSchemaRecord, 'name' | 'title' | 'instruction' | 'enableComment' | 'input'>> & { lastUpdateTime: number };

/** A review queue as stored, with its assigned users and attached schema ids in the order given. */
export interface ReviewQueueRecord {
  queueId: string;
  experimentId: string;
  name: string;
  queueType: ReviewQueueType;
  createdBy?: string;
  creationTime: number;
  lastUpdateTime: number;
  users: string[];
  schemaIds: string[];
}

/** One item of a queue. */
export interface ReviewItemRecord {
  queueId: string;
  itemType: ReviewItemType;
  itemId: string;
  status: ReviewStatus;
  /** Only for COMPLETE and DECLINED. */
  completedBy?: string;
  completedTime?: number;
  creationTime: number;
  lastUpdateTime: number;
}

/** A status change of one item: `completedBy` for COMPLETE / DECLINED, none for PENDING. */
export interface ItemStatusChange {
  status: ReviewStatus;
  completedBy?: string;
  now: number;
}

/** Item counts of one queue per status. */
export interface ReviewProgressRecord {
  queueId: string;
  total: number;
  pending: number;
  complete: number;
  declined: number;
}

/**
 * Label schemas and review queues (spec §8.3): the human-review aggregate of one experiment. Names are
 * unique per experiment (queue names regardless of case); a write that would take a name in use answers
 * `'taken'` and changes nothing. Queue items are soft references to traces (MLflow's): nothing here
 * checks or follows the traces, and human answers are assessments, stored elsewhere.
 */
export interface ReviewStore {
  createLabelSchema(record: LabelSchemaRecord): Promise<'created' | 'taken'>;
  getLabelSchema(schemaId: string): Promise<LabelSchemaRecord | undefined>;
  getLabelSchemaByName(experimentId: string, name: string): Promise<LabelSchemaRecord | undefined>;
  /** Oldest first (the order the questions were written), then by name. */
  listLabelSchemas(experimentId: string, page: PageRequest): Promise<Page<LabelSchemaRecord>>;
  /** Undefined when there is no such schema. */
  updateLabelSchema(schemaId: string, patch: LabelSchemaPatch): Promise<LabelSchemaRecord | 'taken' | undefined>;
  /** Also detaches it from every queue; nothing when there is no such schema. */
  deleteLabelSchema(schemaId: string): Promise<void>;
  /** Those of `schemaIds` that are schemas of the experiment. */
  labelSchemaIdsOf(experimentId: string, schemaIds: readonly string[]): Promise<Set<string>>;

  createReviewQueue(record: ReviewQueueRecord): Promise<'created' | 'taken'>;
  getReviewQueue(queueId: string): Promise<ReviewQueueRecord | undefined>;
  /** By name regardless of case. */
  getReviewQueueByName(experimentId: string, name: string): Promise<ReviewQueueRecord | undefined>;
  /** Newest first; with `user`, only the queues that user is assigned to. */
  listReviewQueues(experimentId: string, user: string | undefined, page: PageRequest): Promise<Page<ReviewQueueRecord>>;
  /** Replaces the sets given; undefined when there is no such queue. */
  updateReviewQueue(queueId: string, change: { users?: string[]; schemaIds?: string[]; now: number }): Promise<ReviewQueueRecord | undefined>;
  /** With its users, schema links and items; nothing when there is no such queue. */
  deleteReviewQueue(queueId: string): Promise<void>;
  /** Attaches items not yet attached (PENDING); returns every requested item, in request order. */
  addReviewItems(queueId: string, itemType: ReviewItemType, itemIds: readonly string[], now: number): Promise<ReviewItemRecord[]>;
  removeReviewItems(queueId: string, itemIds: readonly string[]): Promise<void>;
  /** Newest attached first, optionally of one status. */
  listReviewItems(queueId: string, status: ReviewStatus | undefined, page: PageRequest): Promise<Page<ReviewItemRecord>>;
  /** Undefined when the item is not in the queue. */
  setReviewItemStatus(queueId: string, itemId: string, change: ItemStatusChange): Promise<ReviewItemRecord | undefined>;
  /** Counts of each queue given that exists, in the order given. */
  reviewProgress(queueIds: readonly string[]): Promise<ReviewProgressRecord[]>;
}
