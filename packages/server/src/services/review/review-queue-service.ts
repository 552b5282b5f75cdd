import { ApiError, type ReviewItemType, type ReviewQueueType, type ReviewStatus } from '@loupe/protocol';
import type { Clock, IdGenerator } from '../../clock.js';
import type { ReviewItemRecord, ReviewProgressRecord, ReviewQueueRecord, ReviewStore } from '../../store/review-store.js';
import type { ExperimentService } from '../experiment-service.js';
import { nextPageToken, pageRequest } from '../pagination.js';
import { normalizeItemIds, normalizeSchemaIds, normalizeUser, normalizeUsers, validateQueueForCreate } from './review-queue-rules.js';

/** A new review queue (shapes checked at the edge, MLflow's invariants here). */
export interface CreateReviewQueueCommand {
  experimentId: string;
  name: string;
  queueType: ReviewQueueType;
  createdBy?: string;
  users: string[];
  schemaIds: string[];
}

/** A page of queues or of items. */
export interface ReviewPage<T> {
  items: T[];
  nextPageToken?: string;
}

function queueNotFound(queueId: string): ApiError {
  return ApiError.notFound(`Review queue with ID '${queueId}' not found.`);
}

/**
 * Review queues (MLflow's `review_queues.proto`; spec §8.3): a named set of traces, questions (label
 * schemas) and assigned users in one experiment, with a shared status per item. Status changes only by
 * an explicit set-status (writing a HUMAN assessment on the trace does not move it, as in MLflow); the
 * reviewer's answers are assessments named after the queue's schemas. Items are soft references to
 * traces: they are not checked on attach and stay when a trace is deleted. Queue ids are `rq-` and 32
 * hex digits.
 *
 * @example
 * const queue = await queues.getOrCreateUserQueue('1', 'Alice@example.com'); // name 'alice@example.com'
 * await queues.addItems(queue.queueId, 'TRACE', ['tr-0123']);
 */
export class ReviewQueueService {
  constructor(
    private readonly store: ReviewStore,
    private readonly experiments: ExperimentService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async create(command: CreateReviewQueueCommand): Promise<ReviewQueueRecord> {
    const valid = validateQueueForCreate(command.queueType, command.name, command.users, command.schemaIds);
    await this.experiments.get(command.experimentId);
    await this.checkSchemas(command.experimentId, valid.schemaIds);
    const now = this.clock.now();
    const record: ReviewQueueRecord = {
      queueId: `rq-${this.ids.hex32()}`,
      experimentId: command.experimentId,
      name: valid.name,
      queueType: command.queueType,
      creationTime: now,
      lastUpdateTime: now,
      users: valid.users,
      schemaIds: valid.schemaIds,
    };
    if (command.createdBy) record.createdBy = command.createdBy;
    if ((await this.store.createReviewQueue(record)) === 'taken') {
      throw ApiError.alreadyExists(`Review queue with name '${valid.name}' already exists in experiment ${command.experimentId}.`);
    }
    return record;
  }

  /**
   * The user's personal queue, created when missing. Idempotent: concurrent callers get the one
   * queue. A CUSTOM queue holding the user's name (any case) is RESOURCE_ALREADY_EXISTS.
   */
  async getOrCreateUserQueue(experimentId: string, user: string, createdBy?: string): Promise<ReviewQueueRecord> {
    const name = normalizeUser(user);
    for (let attempt = 0; attempt < 2; attempt++) {
      const existing = await this.store.getReviewQueueByName(experimentId, name);
      if (existing) {
        if (existing.queueType === 'USER') return existing;
        throw ApiError.alreadyExists(`A custom review queue named '${existing.name}' already exists in experiment ${experimentId}.`);
      }
      try {
        return await this.create({ experimentId, name, queueType: 'USER', users: [name], schemaIds: [], ...(createdBy ? { createdBy } : {}) });
      } catch (err) {
        // Another caller created it first: read theirs.
        if (!(ApiError.is(err) && err.code === 'RESOURCE_ALREADY_EXISTS')) throw err;
      }
    }
    throw ApiError.alreadyExists(`Review queue with name '${name}' already exists in experiment ${experimentId}.`);
  }

  async get(queueId: string): Promise<ReviewQueueRecord> {
    const queue = await this.store.getReviewQueue(queueId);
    if (!queue) throw queueNotFound(queueId);
    return queue;
  }

  async getByName(experimentId: string, name: string): Promise<ReviewQueueRecord> {
    const queue = await this.store.getReviewQueueByName(experimentId, name.trim());
    if (!queue) throw ApiError.notFound(`Review queue with name '${name}' not found in experiment ${experimentId}.`);
    return queue;
  }

  /** Newest first; with `user`, the queues assigned to that user. */
  async list(experimentId: string, user: string | undefined, maxResults: number, pageToken: string | undefined): Promise<ReviewPage<ReviewQueueRecord>> {
    await this.experiments.get(experimentId);
    const page = pageRequest(pageToken, maxResults);
    const found = await this.store.listReviewQueues(experimentId, user === undefined || user.trim() === '' ? undefined : normalizeUser(user), page);
    const next = nextPageToken(page, found.hasMore);
    return next ? { items: found.items, nextPageToken: next } : { items: found.items };
  }

  /** Replaces a CUSTOM queue's users and/or schemas (each only when its flag is set); USER queues refuse. */
  async update(queueId: string, change: { users?: string[]; schemaIds?: string[] }): Promise<ReviewQueueRecord> {
    const queue = await this.get(queueId);
    if (queue.queueType === 'USER') throw ApiError.invalid(`Review queue '${queue.name}' is a user queue; its users and schemas cannot be updated.`);
    const users = change.users && normalizeUsers(change.users);
    const schemaIds = change.schemaIds && normalizeSchemaIds(change.schemaIds);
    if (schemaIds) await this.checkSchemas(queue.experimentId, schemaIds);
    const updated = await this.store.updateReviewQueue(queueId, { ...(users ? { users } : {}), ...(schemaIds ? { schemaIds } : {}), now: this.clock.now() });
    if (!updated) throw queueNotFound(queueId);
    return updated;
  }

  /** Deleting a queue that is not there succeeds (MLflow's DeleteReviewQueue is idempotent). */
  async delete(queueId: string): Promise<void> {
    await this.store.deleteReviewQueue(queueId);
  }

  /** Attaches items (re-attaching keeps an item's status); answers every requested item, in request order. */
  async addItems(queueId: string, itemType: ReviewItemType, itemIds: readonly string[]): Promise<ReviewItemRecord[]> {
    const ids = normalizeItemIds(itemIds);
    await this.get(queueId);
    return this.store.addReviewItems(queueId, itemType, ids, this.clock.now());
  }

  async removeItems(queueId: string, itemIds: readonly string[]): Promise<void> {
    const ids = normalizeItemIds(itemIds);
    await this.get(queueId);
    await this.store.removeReviewItems(queueId, ids);
  }

  async listItems(queueId: string, status: ReviewStatus | undefined, maxResults: number, pageToken: string | undefined): Promise<ReviewPage<ReviewItemRecord>> {
    await this.get(queueId);
    const page = pageRequest(pageToken, maxResults);
    const found = await this.store.listReviewItems(queueId, status, page);
    const next = nextPageToken(page, found.hasMore);
    return next ? { items: found.items, nextPageToken: next } : { items: found.items };
  }

  /** COMPLETE and DECLINED need `completedBy` (who acted); PENDING (reopen) must not have it and clears it. */
  async setItemStatus(queueId: string, itemId: string, status: ReviewStatus, completedBy: string | undefined): Promise<ReviewItemRecord> {
    const by = completedBy === undefined || completedBy === '' ? undefined : normalizeUser(completedBy);
    if (status === 'PENDING' && by !== undefined) throw ApiError.invalid('`completed_by` must be absent when `status` is PENDING.');
    if (status !== 'PENDING' && by === undefined) throw ApiError.invalid(`\`completed_by\` is required when \`status\` is ${status}.`);
    await this.get(queueId);
    const item = await this.store.setReviewItemStatus(queueId, itemId.trim(), { status, ...(by ? { completedBy: by } : {}), now: this.clock.now() });
    if (!item) throw ApiError.notFound(`Item '${itemId}' is not in review queue '${queueId}'.`);
    return item;
  }

  /** Item counts per status of each queue (Loupe); an unknown queue id is RESOURCE_DOES_NOT_EXIST. */
  async progress(queueIds: readonly string[]): Promise<ReviewProgressRecord[]> {
    const found = await this.store.reviewProgress(queueIds);
    const missing = queueIds.find((id) => !found.some((p) => p.queueId === id));
    if (missing !== undefined) throw queueNotFound(missing);
    return found;
  }

  private async checkSchemas(experimentId: string, schemaIds: readonly string[]): Promise<void> {
    if (schemaIds.length === 0) return;
    const known = await this.store.labelSchemaIdsOf(experimentId, schemaIds);
    const unknown = schemaIds.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw ApiError.notFound(`Label schema(s) not found in experiment ${experimentId}: ${unknown.map((id) => `'${id}'`).join(', ')}.`);
    }
  }
}
