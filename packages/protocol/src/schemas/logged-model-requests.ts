import { z } from 'zod';
import { LOGGED_MODEL_STATUSES } from '../entities/tracking.js';
import { bool, int64, protoEnum, repeated, required, requiredList, requiredStr, str, wireCheck, type WireIssue } from './fields.js';
import { paramList, runTagList } from './run-fields.js';
import { TRACKING_LIMITS } from './tracking-fields.js';

/**
 * Request schemas of the logged-model RPCs (spec §3), decoded from JSON bodies, query strings and
 * path variables (`model_id`, `tag_key`). Required fields, formats and limits are checked here with
 * MLflow's wording, so the service receives typed commands.
 */

const modelId = { model_id: requiredStr() };

/** Characters MLflow refuses in a logged model's name (they would break `models:/` URIs and paths). */
const FORBIDDEN_NAME_CHARS = ['/', ':', '.', '%', '"', "'"];

/**
 * What is wrong with a client-given logged model name, in MLflow's words, or undefined: non-blank,
 * none of MLflow's forbidden characters, at most 500 characters (the logged_models.name column).
 *
 * @example
 * loggedModelNameProblem('classifier-v2'); // undefined
 * loggedModelNameProblem('a/b'); // "Invalid model name 'a/b' provided. ..."
 */
export function loggedModelNameProblem(name: string): string | undefined {
  if (name.trim() === '' || FORBIDDEN_NAME_CHARS.some((c) => name.includes(c))) {
    return `Invalid model name '${name}' provided. Model name must be a non-empty string and cannot contain the following characters: ${FORBIDDEN_NAME_CHARS.map((c) => `'${c}'`).join(', ')}.`;
  }
  const max = TRACKING_LIMITS.experimentNameLength;
  return name.length > max ? `'name' exceeds the maximum length of ${max} characters (got ${name.length}).` : undefined;
}

/** A string MLflow requires, refused with its own message (not the "Missing value" one) when absent or empty. */
function requiredWithMessage(message: string) {
  return wireCheck(
    z.preprocess((v) => (v === undefined || v === null ? '' : v), str()),
    (s) => s !== '',
    message,
  );
}

/** Statuses FinalizeLoggedModel accepts (spec §3). */
const FINAL_STATUSES: ReadonlySet<string> = new Set(['LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED']);

export const CreateLoggedModel = z.object({
  experiment_id: requiredStr(),
  // MLflow's handler treats an empty name as absent and generates one.
  name: wireCheck(
    str().optional(),
    (name) => !name || loggedModelNameProblem(name) === undefined,
    (name) => loggedModelNameProblem(name ?? '') ?? '',
  ),
  model_type: str().optional(),
  source_run_id: str().optional(),
  params: paramList(),
  tags: runTagList(),
});
export const FinalizeLoggedModel = z.object({
  ...modelId,
  status: required(
    wireCheck(
      protoEnum(LOGGED_MODEL_STATUSES, 0),
      (status) => FINAL_STATUSES.has(status),
      (status) => `Invalid value "${status}" for parameter 'status' supplied: a logged model is finalized as LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED.`,
    ),
  ),
});
/** `allow_deleted` is a query flag of MLflow's handler, not of the proto. */
export const GetLoggedModel = z.object({ ...modelId, allow_deleted: bool().optional() });
export const LoggedModelIdOnly = z.object(modelId);
export const SearchLoggedModels = z.object({
  experiment_ids: requiredList(str()),
  filter: str().optional(),
  datasets: repeated(
    z.object({ dataset_name: requiredWithMessage('`dataset_name` in the `datasets` clause must be specified.'), dataset_digest: str().optional() }),
  ),
  max_results: int64().optional(),
  order_by: repeated(
    z
      .object({
        field_name: requiredWithMessage('`field_name` in the `order_by` clause must be specified.'),
        ascending: bool().optional(),
        dataset_name: str().optional(),
        dataset_digest: str().optional(),
      })
      .superRefine((o, ctx) => {
        if (o.dataset_digest && !o.dataset_name) {
          ctx.addIssue({
            code: 'custom',
            message: '`dataset_digest` can only be specified if `dataset_name` is also specified.',
            params: { loupe: 'invalid' } satisfies WireIssue,
          });
        }
      }),
  ),
  page_token: str().optional(),
});
export const SetLoggedModelTags = z.object({ ...modelId, tags: runTagList() });
export const DeleteLoggedModelTag = z.object({ ...modelId, tag_key: requiredStr() });
export const LogLoggedModelParams = z.object({ ...modelId, params: paramList() });
export const ListLoggedModelArtifacts = z.object({ ...modelId, artifact_directory_path: str().optional(), page_token: str().optional() });
