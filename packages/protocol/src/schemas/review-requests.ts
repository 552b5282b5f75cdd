import { z } from 'zod';
import {
  CATEGORICAL_POLARITIES,
  LABEL_SCHEMA_TYPES,
  REVIEW_ITEM_TYPES,
  REVIEW_QUEUE_TYPES,
  REVIEW_STATUSES,
  type LabelSchemaInput,
} from '../entities/review.js';
import { bool, double, int64, protoEnum, repeated, required, requiredStr, str, wireCheck, type WireIssue } from './fields.js';

/**
 * Request schemas of MLflow's label-schema and review-queue RPCs (`label_schemas.proto`,
 * `review_queues.proto`; rules from `mlflow/genai/label_schemas/validation.py` and
 * `mlflow/genai/review_queues/validation.py`, messages in their words). Rules that need the database
 * (names taken, schemas of another experiment) and the user/queue invariants are the service's.
 */

/** Limits of MLflow's label-schema validation (the newest: no name pattern, names up to 250). */
export const LABEL_SCHEMA_LIMITS = {
  nameLength: 250,
  titleLength: 256,
  instructionLength: 1000,
  passFailLabelLength: 64,
  categoricalOptions: 10,
  categoricalOptionLength: 64,
} as const;

/** Limits of MLflow's review-queue validation (column widths and the assigned-user cap). */
export const REVIEW_QUEUE_LIMITS = { nameLength: 250, userLength: 250, schemaIdLength: 36, itemIdLength: 50, assignedUsers: 10 } as const;

/** `max_results` of the list RPCs: absent means 100; MLflow's handler refuses 0, negatives and more than 50,000. */
const MAX_RESULTS_CAP = 50_000;
const maxResults = wireCheck(
  int64().optional(),
  (n) => n === undefined || (n >= 1 && n <= MAX_RESULTS_CAP),
  (n) => `Invalid value ${String(n)} for parameter 'max_results' supplied. It must be a positive integer not exceeding ${MAX_RESULTS_CAP}.`,
).transform((n) => n ?? 100);

const invalid = { loupe: 'invalid' } satisfies WireIssue;

/** Python's `repr()` of a string, as MLflow's messages quote values. */
function pyRepr(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const PASS_FAIL = z.object({ positive_label: str().optional(), negative_label: str().optional() });
const CATEGORICAL = z.object({
  options: repeated(str()),
  multi_select: bool().optional(),
  // The older protos' polarity hint: kept when sent, its zero value read as unset.
  semantic_polarity: z.preprocess(
    (v) => (v === 0 || v === '0' || v === 'CATEGORICAL_SEMANTIC_POLARITY_UNSPECIFIED' ? undefined : v),
    protoEnum(CATEGORICAL_POLARITIES, 1).optional(),
  ),
});
const NUMERIC = z.object({ min_value: double().optional(), max_value: double().optional() });
const TEXT = z.object({ max_length: int64().optional() });

type Issue = (message: string) => void;

function checkPassFail(input: z.output<typeof PASS_FAIL>, issue: Issue): void {
  for (const field of ['positive_label', 'negative_label'] as const) {
    const label = input[field];
    if (!label) return issue(`\`InputPassFail.${field}\` must be a non-empty string; got ${label === undefined ? 'None' : pyRepr(label)}.`);
    if (label.length > LABEL_SCHEMA_LIMITS.passFailLabelLength) {
      return issue(`\`InputPassFail.${field}\` must be at most ${LABEL_SCHEMA_LIMITS.passFailLabelLength} characters; got ${label.length}.`);
    }
  }
  if (input.positive_label === input.negative_label) {
    issue(`\`InputPassFail.positive_label\` and \`negative_label\` must be distinct; got ${pyRepr(input.positive_label ?? '')} for both.`);
  }
}

function checkCategorical(input: z.output<typeof CATEGORICAL>, issue: Issue): void {
  const { options } = input;
  if (options.length === 0) return issue('`InputCategorical.options` must be a non-empty list; got [].');
  if (options.length > LABEL_SCHEMA_LIMITS.categoricalOptions) {
    return issue(`\`InputCategorical.options\` must have at most ${LABEL_SCHEMA_LIMITS.categoricalOptions} entries; got ${options.length}.`);
  }
  const seen = new Set<string>();
  for (const option of options) {
    if (option === '') return issue("`InputCategorical.options` entries must be non-empty strings; got ''.");
    if (option.length > LABEL_SCHEMA_LIMITS.categoricalOptionLength) {
      return issue(
        `\`InputCategorical.options\` entries must be at most ${LABEL_SCHEMA_LIMITS.categoricalOptionLength} characters; got ${option.length} for ${pyRepr(option)}.`,
      );
    }
    if (seen.has(option)) return issue(`\`InputCategorical.options\` must be deduplicated; ${pyRepr(option)} appears twice.`);
    seen.add(option);
  }
}

function checkNumeric(input: z.output<typeof NUMERIC>, issue: Issue): void {
  for (const field of ['min_value', 'max_value'] as const) {
    const value = input[field];
    if (value !== undefined && !Number.isFinite(value)) return issue(`\`InputNumeric.${field}\` must be a finite number; got ${value}.`);
  }
  const { min_value: min, max_value: max } = input;
  if (min !== undefined && max !== undefined && min >= max) {
    issue(`\`InputNumeric.min_value\` must be strictly less than \`max_value\`; got min=${min}, max=${max}.`);
  }
}

const VARIANTS = ['pass_fail', 'categorical', 'numeric', 'text'] as const;

/** The `input` wrapper: exactly one variant, each checked by MLflow's rules. */
const labelSchemaInput = z
  .object({ pass_fail: PASS_FAIL.optional(), categorical: CATEGORICAL.optional(), numeric: NUMERIC.optional(), text: TEXT.optional() })
  .superRefine((input, ctx) => {
    const issue: Issue = (message) => ctx.addIssue({ code: 'custom', message, params: invalid });
    const set = VARIANTS.filter((k) => input[k] !== undefined);
    if (set.length !== 1) {
      return issue(`Label schema \`input\` must set exactly one of ${VARIANTS.join(', ')}; got ${set.length === 0 ? 'none' : set.join(', ')}.`);
    }
    if (input.pass_fail) checkPassFail(input.pass_fail, issue);
    else if (input.categorical) checkCategorical(input.categorical, issue);
    else if (input.numeric) checkNumeric(input.numeric, issue);
    else if (input.text?.max_length !== undefined && input.text.max_length < 1) {
      issue(`\`InputText.max_length\` must be at least 1; got ${input.text.max_length}.`);
    }
  })
  .transform((input): LabelSchemaInput => {
    if (input.pass_fail) return { pass_fail: { positive_label: input.pass_fail.positive_label ?? '', negative_label: input.pass_fail.negative_label ?? '' } };
    if (input.categorical) {
      const { options, multi_select, semantic_polarity } = input.categorical;
      return {
        categorical: { options, ...(multi_select !== undefined ? { multi_select } : {}), ...(semantic_polarity !== undefined ? { semantic_polarity } : {}) },
      };
    }
    if (input.numeric) return { numeric: { ...input.numeric } };
    return { text: { ...input.text } };
  });

const schemaName = wireCheck(
  str(),
  (s) => s.length >= 1 && s.length <= LABEL_SCHEMA_LIMITS.nameLength,
  (s) =>
    s.length === 0
      ? "Label schema `name` must be a non-empty string; got ''."
      : `Label schema \`name\` must be at most ${LABEL_SCHEMA_LIMITS.nameLength} characters; got ${s.length}.`,
);
const title = wireCheck(
  str(),
  (s) => s.length <= LABEL_SCHEMA_LIMITS.titleLength,
  (s) => `Label schema \`title\` must be at most ${LABEL_SCHEMA_LIMITS.titleLength} characters; got ${s.length}.`,
);
const instruction = wireCheck(
  str(),
  (s) => s.length <= LABEL_SCHEMA_LIMITS.instructionLength,
  (s) => `Label schema \`instruction\` must be at most ${LABEL_SCHEMA_LIMITS.instructionLength} characters; got ${s.length}.`,
);
const schemaType = protoEnum(LABEL_SCHEMA_TYPES, 1);

export const CreateLabelSchema = z.object({
  experiment_id: requiredStr(),
  name: wireCheck(
    requiredStr(),
    (s) => s.length <= LABEL_SCHEMA_LIMITS.nameLength,
    (s) => `Label schema \`name\` must be at most ${LABEL_SCHEMA_LIMITS.nameLength} characters; got ${s.length}.`,
  ),
  type: required(schemaType),
  input: required(labelSchemaInput),
  instruction: instruction.optional(),
  enable_comment: bool().optional(),
  title: title.optional(),
});

export const SchemaIdOnly = z.object({ schema_id: requiredStr() });

export const GetLabelSchemaByName = z.object({ experiment_id: requiredStr(), name: requiredStr() });

export const ListLabelSchemas = z.object({ experiment_id: requiredStr(), max_results: maxResults, page_token: str().optional() });

/** A sparse update: absent fields stay. `type` is not part of MLflow's message; the service refuses a change of it. */
export const UpdateLabelSchema = z.object({
  schema_id: requiredStr(),
  name: schemaName.optional(),
  title: title.optional(),
  instruction: instruction.optional(),
  enable_comment: bool().optional(),
  input: labelSchemaInput.optional(),
  type: schemaType.optional(),
});

const strings = repeated(str());

export const CreateReviewQueue = z.object({
  experiment_id: requiredStr(),
  name: requiredStr(),
  queue_type: required(protoEnum(REVIEW_QUEUE_TYPES, 1)),
  created_by: str().optional(),
  users: strings,
  schema_ids: strings,
});

export const GetOrCreateUserQueue = z.object({ experiment_id: requiredStr(), user: requiredStr(), created_by: str().optional() });

export const QueueIdOnly = z.object({ queue_id: requiredStr() });

export const GetReviewQueueByName = z.object({ experiment_id: requiredStr(), name: requiredStr() });

export const ListReviewQueues = z.object({ experiment_id: requiredStr(), user: str().optional(), max_results: maxResults, page_token: str().optional() });

/** Each association set changes only when its `update_*` flag is true (a repeated field cannot say "absent"). */
export const UpdateReviewQueue = z.object({
  queue_id: requiredStr(),
  update_users: bool().optional(),
  users: strings,
  update_schema_ids: bool().optional(),
  schema_ids: strings,
});

export const AddItemsToReviewQueue = z.object({
  queue_id: requiredStr(),
  item_type: protoEnum(REVIEW_ITEM_TYPES, 1)
    .optional()
    .transform((t) => t ?? 'TRACE'),
  item_ids: strings,
});

export const RemoveItemsFromReviewQueue = z.object({ queue_id: requiredStr(), item_ids: strings });

/** `status` absent or UNSPECIFIED: every item. */
export const ListReviewQueueItems = z.object({
  queue_id: requiredStr(),
  status: z.preprocess((v) => (v === 0 || v === '0' || v === 'REVIEW_STATUS_UNSPECIFIED' ? undefined : v), protoEnum(REVIEW_STATUSES, 1).optional()),
  max_results: maxResults,
  page_token: str().optional(),
});

export const SetReviewQueueItemStatus = z.object({
  queue_id: requiredStr(),
  item_id: requiredStr(),
  status: required(protoEnum(REVIEW_STATUSES, 1)),
  completed_by: str().optional(),
});

/** Loupe's progress read: one or more queues by id. */
export const GetReviewQueueProgress = z.object({
  queue_ids: repeated(str()).refine((ids) => ids.length > 0, { params: { loupe: 'missing' } satisfies WireIssue }),
});
