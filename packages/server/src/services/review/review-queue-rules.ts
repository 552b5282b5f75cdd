import { ApiError, REVIEW_QUEUE_LIMITS, type ReviewQueueType } from '@loupe/protocol';

/**
 * The review-queue rules of MLflow's `mlflow/genai/review_queues/validation.py`, in its words: user
 * identifiers are compared regardless of case and surrounding space (they must match assessment
 * `source_id`s), item and schema ids only lose surrounding space, lists are de-duplicated in order.
 */

/** The name reserved for the no-auth catch-all user queue; custom queues may not take it (any case). */
export const RESERVED_QUEUE_NAME = 'default';

function nonEmpty(value: string, field: string, max: number): string {
  if (value.length === 0) throw ApiError.invalid(`\`${field}\` must be a non-empty string; got ''.`);
  if (value.length > max) throw ApiError.invalid(`\`${field}\` must be at most ${max} characters; got ${value.length}.`);
  return value;
}

const distinct = (values: string[]) => [...new Set(values)];

/** A user identifier as stored: trimmed, lowercase, 1 to 250 characters. */
export function normalizeUser(user: string): string {
  return nonEmpty(user.trim().toLowerCase(), 'user', REVIEW_QUEUE_LIMITS.userLength);
}

/** Assigned users: normalized, de-duplicated, at most 10. */
export function normalizeUsers(users: readonly string[]): string[] {
  const out = distinct(users.map(normalizeUser));
  if (out.length > REVIEW_QUEUE_LIMITS.assignedUsers) {
    throw ApiError.invalid(`A review queue can have at most ${REVIEW_QUEUE_LIMITS.assignedUsers} assigned users; got ${out.length}.`);
  }
  return out;
}

/** Attached schema ids: trimmed, de-duplicated. */
export function normalizeSchemaIds(schemaIds: readonly string[]): string[] {
  return distinct(schemaIds.map((id) => nonEmpty(id.trim(), 'schema_id', REVIEW_QUEUE_LIMITS.schemaIdLength)));
}

/** Item ids of an attach or detach: a non-empty list, trimmed, de-duplicated; one bad id fails the call. */
export function normalizeItemIds(itemIds: readonly string[]): string[] {
  if (itemIds.length === 0) throw ApiError.invalid('`item_ids` must be a non-empty list; got [].');
  return distinct(itemIds.map((id) => nonEmpty(id.trim(), 'item_id', REVIEW_QUEUE_LIMITS.itemIdLength)));
}

/** A queue about to be created, normalized, with the user-vs-custom invariants checked. */
export interface ValidatedQueue {
  name: string;
  users: string[];
  schemaIds: string[];
}

/**
 * A USER queue is named after its one user (`users` empty or exactly that user) and attaches no
 * schemas (it asks every schema of the experiment); a CUSTOM queue has a trimmed, case-kept name other
 * than `default`, 0 to 10 users and its chosen schemas.
 */
export function validateQueueForCreate(queueType: ReviewQueueType, name: string, users: readonly string[], schemaIds: readonly string[]): ValidatedQueue {
  const normalizedUsers = normalizeUsers(users);
  const normalizedSchemaIds = normalizeSchemaIds(schemaIds);
  if (queueType === 'USER') {
    const user = nonEmpty(name.trim().toLowerCase(), 'name', REVIEW_QUEUE_LIMITS.nameLength);
    if (normalizedUsers.length > 0 && (normalizedUsers.length !== 1 || normalizedUsers[0] !== user)) {
      throw ApiError.invalid(
        `A user queue must have exactly one assigned user equal to its name; got name='${user}' and users=[${normalizedUsers.map((u) => `'${u}'`).join(', ')}].`,
      );
    }
    if (normalizedSchemaIds.length > 0) {
      throw ApiError.invalid("A user queue cannot have explicitly-attached schemas; it resolves to all of the experiment's label schemas.");
    }
    return { name: user, users: [user], schemaIds: [] };
  }
  const custom = nonEmpty(name.trim(), 'name', REVIEW_QUEUE_LIMITS.nameLength);
  if (custom.toLowerCase() === RESERVED_QUEUE_NAME) throw ApiError.invalid(`\`${custom}\` is a reserved queue name and cannot be used for a custom queue.`);
  return { name: custom, users: normalizedUsers, schemaIds: normalizedSchemaIds };
}
