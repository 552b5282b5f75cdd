import { z } from 'zod';
import { LabelSchemaJson, ReviewQueueItemJson, ReviewQueueJson, ReviewQueueProgressJson } from '../entities/review.js';

/** Reply schemas of the label-schema and review-queue RPCs (spec §8.3) and Loupe's progress read, as they go on the wire. */

/** Create, Get, GetByName and Update of a label schema. */
export const GetLabelSchema = z.strictObject({ label_schema: LabelSchemaJson });
export const ListLabelSchemas = z.strictObject({ label_schemas: z.array(LabelSchemaJson).optional(), next_page_token: z.string().optional() });
/** Create, GetOrCreateUser, Get, GetByName and Update of a review queue. */
export const GetReviewQueue = z.strictObject({ review_queue: ReviewQueueJson });
export const ListReviewQueues = z.strictObject({ review_queues: z.array(ReviewQueueJson).optional(), next_page_token: z.string().optional() });
export const AddItemsToReviewQueue = z.strictObject({ items: z.array(ReviewQueueItemJson).optional() });
export const ListReviewQueueItems = z.strictObject({ items: z.array(ReviewQueueItemJson).optional(), next_page_token: z.string().optional() });
export const SetReviewQueueItemStatus = z.strictObject({ item: ReviewQueueItemJson });
export const GetReviewQueueProgress = z.strictObject({ progress: z.array(ReviewQueueProgressJson).optional() });
