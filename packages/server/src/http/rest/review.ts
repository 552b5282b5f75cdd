import { ReviewRequests as R, ReviewResponses as W, TrackingResponses } from '@loupe/protocol';
import { rpc } from '../rpc.js';
import { labelSchemaJson, reviewItemJson, reviewProgressJson, reviewQueueJson } from '../wire/review-json.js';
import { ref } from '../../auth/access.js';
import type { Principal } from '../../auth/principal.js';

/**
 * Who created a queue: with auth on, the signed-in user (a client cannot name someone else, MLflow's
 * queue ownership rests on it); without auth, what the client says (MLflow's `created_by`).
 */
function creator(principal: Principal, claimed: string | undefined): string | undefined {
  return principal.via === 'none' ? claimed : principal.username;
}

const SCHEMAS = '/mlflow/label-schemas';
const QUEUES = '/mlflow/review-queues';

/** Label-schema RPCs (MLflow's `label_schemas.proto`, spec §8.3), under `/api/3.0` and `/ajax-api/3.0`. */
export const labelSchemaRoutes = [
  rpc({
    method: 'POST',
    path: `${SCHEMAS}/create`,
    versions: [3],
    request: R.CreateLabelSchema,
    response: W.GetLabelSchema,
    access: { manage: (req) => ref.experiment(req.experiment_id) },
    handle: async (req, { services }) => ({
      label_schema: labelSchemaJson(
        await services.labelSchemas.create({
          experimentId: req.experiment_id,
          name: req.name,
          type: req.type,
          input: req.input,
          ...(req.title !== undefined ? { title: req.title } : {}),
          ...(req.instruction !== undefined ? { instruction: req.instruction } : {}),
          ...(req.enable_comment !== undefined ? { enableComment: req.enable_comment } : {}),
        }),
      ),
    }),
  }),
  rpc({
    method: 'GET',
    path: `${SCHEMAS}/get`,
    versions: [3],
    request: R.SchemaIdOnly,
    response: W.GetLabelSchema,
    access: { read: (req) => ref.labelSchema(req.schema_id) },
    handle: async (req, { services }) => ({ label_schema: labelSchemaJson(await services.labelSchemas.get(req.schema_id)) }),
  }),
  rpc({
    method: 'GET',
    path: `${SCHEMAS}/get-by-name`,
    versions: [3],
    request: R.GetLabelSchemaByName,
    response: W.GetLabelSchema,
    access: { read: (req) => ref.experiment(req.experiment_id) },
    handle: async (req, { services }) => ({ label_schema: labelSchemaJson(await services.labelSchemas.getByName(req.experiment_id, req.name)) }),
  }),
  rpc({
    method: 'GET',
    path: `${SCHEMAS}/list`,
    versions: [3],
    request: R.ListLabelSchemas,
    response: W.ListLabelSchemas,
    access: { read: (req) => ref.experiment(req.experiment_id) },
    handle: async (req, { services }) => {
      const page = await services.labelSchemas.list(req.experiment_id, req.max_results, req.page_token);
      return { label_schemas: page.schemas.map(labelSchemaJson), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
    },
  }),
  rpc({
    method: 'PATCH',
    path: `${SCHEMAS}/update`,
    versions: [3],
    request: R.UpdateLabelSchema,
    response: W.GetLabelSchema,
    access: { manage: (req) => ref.labelSchema(req.schema_id) },
    handle: async (req, { services }) => ({
      label_schema: labelSchemaJson(
        await services.labelSchemas.update(req.schema_id, {
          ...(req.name !== undefined ? { name: req.name } : {}),
          ...(req.title !== undefined ? { title: req.title } : {}),
          ...(req.instruction !== undefined ? { instruction: req.instruction } : {}),
          ...(req.enable_comment !== undefined ? { enableComment: req.enable_comment } : {}),
          ...(req.input !== undefined ? { input: req.input } : {}),
          ...(req.type !== undefined ? { type: req.type } : {}),
        }),
      ),
    }),
  }),
  rpc({
    method: 'DELETE',
    path: `${SCHEMAS}/delete`,
    versions: [3],
    request: R.SchemaIdOnly,
    response: TrackingResponses.Empty,
    access: { manage: (req) => ref.labelSchema(req.schema_id) },
    handle: (req, { services }) => services.labelSchemas.delete(req.schema_id),
  }),
];

/**
 * Review-queue RPCs (MLflow's `review_queues.proto`, spec §8.3) and Loupe's progress read
 * (`/loupe/review-queues/progress`, documented in docs/api.md).
 */
export const reviewQueueRoutes = [
  rpc({
    method: 'POST',
    path: `${QUEUES}/create`,
    versions: [3],
    request: R.CreateReviewQueue,
    response: W.GetReviewQueue,
    access: { edit: (req) => ref.experiment(req.experiment_id) },
    handle: async (req, { services, principal }) => {
      const createdBy = creator(principal, req.created_by);
      return {
        review_queue: reviewQueueJson(
          await services.reviewQueues.create({
            experimentId: req.experiment_id,
            name: req.name,
            queueType: req.queue_type,
            users: req.users,
            schemaIds: req.schema_ids,
            ...(createdBy ? { createdBy } : {}),
          }),
        ),
      };
    },
  }),
  rpc({
    method: 'POST',
    path: `${QUEUES}/get-or-create-user`,
    versions: [3],
    request: R.GetOrCreateUserQueue,
    response: W.GetReviewQueue,
    access: { edit: (req) => ref.experiment(req.experiment_id) },
    handle: async (req, { services, principal }) => ({
      review_queue: reviewQueueJson(await services.reviewQueues.getOrCreateUserQueue(req.experiment_id, req.user, creator(principal, req.created_by))),
    }),
  }),
  rpc({
    method: 'GET',
    path: `${QUEUES}/get`,
    versions: [3],
    request: R.QueueIdOnly,
    response: W.GetReviewQueue,
    access: { read: (req) => ref.reviewQueue(req.queue_id) },
    handle: async (req, { services }) => ({ review_queue: reviewQueueJson(await services.reviewQueues.get(req.queue_id)) }),
  }),
  rpc({
    method: 'GET',
    path: `${QUEUES}/get-by-name`,
    versions: [3],
    request: R.GetReviewQueueByName,
    response: W.GetReviewQueue,
    access: { read: (req) => ref.experiment(req.experiment_id) },
    handle: async (req, { services }) => ({ review_queue: reviewQueueJson(await services.reviewQueues.getByName(req.experiment_id, req.name)) }),
  }),
  rpc({
    method: 'GET',
    path: `${QUEUES}/list`,
    versions: [3],
    request: R.ListReviewQueues,
    response: W.ListReviewQueues,
    access: { read: (req) => ref.experiment(req.experiment_id) },
    handle: async (req, { services }) => {
      const page = await services.reviewQueues.list(req.experiment_id, req.user, req.max_results, req.page_token);
      return { review_queues: page.items.map(reviewQueueJson), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
    },
  }),
  rpc({
    method: 'POST',
    path: `${QUEUES}/update`,
    versions: [3],
    request: R.UpdateReviewQueue,
    response: W.GetReviewQueue,
    access: { edit: (req) => ref.reviewQueue(req.queue_id) },
    handle: async (req, { services }) => ({
      review_queue: reviewQueueJson(
        await services.reviewQueues.update(req.queue_id, {
          ...(req.update_users ? { users: req.users } : {}),
          ...(req.update_schema_ids ? { schemaIds: req.schema_ids } : {}),
        }),
      ),
    }),
  }),
  rpc({
    method: 'POST',
    path: `${QUEUES}/delete`,
    versions: [3],
    request: R.QueueIdOnly,
    response: TrackingResponses.Empty,
    access: { manage: (req) => ref.reviewQueue(req.queue_id) },
    handle: (req, { services }) => services.reviewQueues.delete(req.queue_id),
  }),
  rpc({
    method: 'POST',
    path: `${QUEUES}/items/add`,
    versions: [3],
    request: R.AddItemsToReviewQueue,
    response: W.AddItemsToReviewQueue,
    access: { edit: (req) => ref.reviewQueue(req.queue_id) },
    handle: async (req, { services }) => ({ items: (await services.reviewQueues.addItems(req.queue_id, req.item_type, req.item_ids)).map(reviewItemJson) }),
  }),
  rpc({
    method: 'POST',
    path: `${QUEUES}/items/remove`,
    versions: [3],
    request: R.RemoveItemsFromReviewQueue,
    response: TrackingResponses.Empty,
    access: { edit: (req) => ref.reviewQueue(req.queue_id) },
    handle: (req, { services }) => services.reviewQueues.removeItems(req.queue_id, req.item_ids),
  }),
  rpc({
    method: 'GET',
    path: `${QUEUES}/items/list`,
    versions: [3],
    request: R.ListReviewQueueItems,
    response: W.ListReviewQueueItems,
    access: { read: (req) => ref.reviewQueue(req.queue_id) },
    handle: async (req, { services }) => {
      const page = await services.reviewQueues.listItems(req.queue_id, req.status, req.max_results, req.page_token);
      return { items: page.items.map(reviewItemJson), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
    },
  }),
  rpc({
    method: 'POST',
    path: `${QUEUES}/items/set-status`,
    versions: [3],
    request: R.SetReviewQueueItemStatus,
    response: W.SetReviewQueueItemStatus,
    access: { edit: (req) => ref.reviewQueue(req.queue_id) },
    handle: async (req, { services }) => ({
      item: reviewItemJson(await services.reviewQueues.setItemStatus(req.queue_id, req.item_id, req.status, req.completed_by)),
    }),
  }),
  rpc({
    method: 'GET',
    path: '/loupe/review-queues/progress',
    versions: [3],
    request: R.GetReviewQueueProgress,
    response: W.GetReviewQueueProgress,
    access: { read: (req) => req.queue_ids.map((id) => ref.reviewQueue(id)) },
    handle: async (req, { services }) => ({ progress: (await services.reviewQueues.progress(req.queue_ids)).map(reviewProgressJson) }),
  }),
];
