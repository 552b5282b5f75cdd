import { z } from 'zod';

/**
 * Human-review entities as they travel on the wire (MLflow's `label_schemas.proto` and
 * `review_queues.proto`; spec §8.3). Enums go by their proto names; the zero value
 * (`..._UNSPECIFIED`) is never valid in a request.
 */

/** `LabelSchemaType` names, in proto order (FEEDBACK = 1). */
export const LABEL_SCHEMA_TYPES = ['FEEDBACK', 'EXPECTATION'] as const;
/** One LabelSchemaType name. */
export type LabelSchemaType = (typeof LABEL_SCHEMA_TYPES)[number];

/** `CategoricalSemanticPolarity` names (older MLflow protos; kept when a client sends it). */
export const CATEGORICAL_POLARITIES = ['ASCENDING', 'DESCENDING'] as const;

/** `ReviewQueueType` names, in proto order (USER = 1). */
export const REVIEW_QUEUE_TYPES = ['USER', 'CUSTOM'] as const;
/** One ReviewQueueType name. */
export type ReviewQueueType = (typeof REVIEW_QUEUE_TYPES)[number];

/** `ReviewItemType` names, in proto order (TRACE = 1). */
export const REVIEW_ITEM_TYPES = ['TRACE'] as const;
/** One ReviewItemType name. */
export type ReviewItemType = (typeof REVIEW_ITEM_TYPES)[number];

/** `ReviewStatus` names, in proto order (PENDING = 1). */
export const REVIEW_STATUSES = ['PENDING', 'COMPLETE', 'DECLINED'] as const;
/** One ReviewStatus name. */
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** Thumbs up / down. */
export const InputPassFailJson = z.strictObject({ positive_label: z.string(), negative_label: z.string() });
/** Single- or multi-select among options. */
export const InputCategoricalJson = z.strictObject({
  options: z.array(z.string()),
  multi_select: z.boolean().optional(),
  semantic_polarity: z.enum(CATEGORICAL_POLARITIES).optional(),
});
/** A number, optionally bounded. */
export const InputNumericJson = z.strictObject({ min_value: z.number().optional(), max_value: z.number().optional() });
/** Free text, optionally limited in length. */
export const InputTextJson = z.strictObject({ max_length: z.number().int().optional() });

/** The schema's input widget: exactly one variant. */
export const LabelSchemaInputJson = z.strictObject({
  pass_fail: InputPassFailJson.optional(),
  categorical: InputCategoricalJson.optional(),
  numeric: InputNumericJson.optional(),
  text: InputTextJson.optional(),
});
/** The schema's input widget: exactly one variant. */
export type LabelSchemaInput = z.infer<typeof LabelSchemaInputJson>;
/** The name of an input variant. */
export type LabelSchemaInputKind = keyof LabelSchemaInput;

/** A label schema: one question reviewers answer, whose answers are assessments named after it. */
export const LabelSchemaJson = z.strictObject({
  schema_id: z.string(),
  experiment_id: z.string(),
  name: z.string(),
  type: z.enum(LABEL_SCHEMA_TYPES),
  title: z.string().optional(),
  instruction: z.string().optional(),
  enable_comment: z.boolean(),
  input: LabelSchemaInputJson,
  created_by: z.string().optional(),
  created_at: z.number().int(),
  last_updated_at: z.number().int(),
});
/** A label schema. */
export type LabelSchema = z.infer<typeof LabelSchemaJson>;

/** A review queue; its items are listed separately. */
export const ReviewQueueJson = z.strictObject({
  queue_id: z.string(),
  experiment_id: z.string(),
  name: z.string(),
  queue_type: z.enum(REVIEW_QUEUE_TYPES),
  created_by: z.string().optional(),
  creation_time_ms: z.number().int(),
  last_update_time_ms: z.number().int(),
  users: z.array(z.string()).optional(),
  schema_ids: z.array(z.string()).optional(),
});
/** A review queue. */
export type ReviewQueue = z.infer<typeof ReviewQueueJson>;

/** One trace in a queue and where its review stands. */
export const ReviewQueueItemJson = z.strictObject({
  queue_id: z.string(),
  item_type: z.enum(REVIEW_ITEM_TYPES),
  item_id: z.string(),
  status: z.enum(REVIEW_STATUSES),
  completed_by: z.string().optional(),
  completed_time_ms: z.number().int().optional(),
  creation_time_ms: z.number().int(),
  last_update_time_ms: z.number().int(),
});
/** One trace in a queue. */
export type ReviewQueueItem = z.infer<typeof ReviewQueueItemJson>;

/** How far a queue's review has come (a Loupe extension): item counts per status. */
export const ReviewQueueProgressJson = z.strictObject({
  queue_id: z.string(),
  total: z.number().int(),
  pending: z.number().int(),
  complete: z.number().int(),
  declined: z.number().int(),
});
/** How far a queue's review has come. */
export type ReviewQueueProgress = z.infer<typeof ReviewQueueProgressJson>;
