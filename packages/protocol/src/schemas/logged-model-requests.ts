import { z } from 'zod';
import { LOGGED_MODEL_STATUSES } from '../entities/tracking.js';
import { bool, int64, keyValueList, protoEnum, repeated, str } from './fields.js';

/**
 * Request schemas of the logged-model RPCs (spec §3), decoded from JSON bodies, query strings and
 * path variables (`model_id`, `tag_key`). As in the tracking schemas, required fields are optional
 * here and checked with MLflow's wording by the service layer.
 */

const modelId = { model_id: str().optional() };

export const CreateLoggedModel = z.object({
  experiment_id: str().optional(),
  name: str().optional(),
  model_type: str().optional(),
  source_run_id: str().optional(),
  params: keyValueList(),
  tags: keyValueList(),
});
export const FinalizeLoggedModel = z.object({
  ...modelId,
  status: protoEnum(LOGGED_MODEL_STATUSES, 0).optional(),
});
/** `allow_deleted` is a query flag of MLflow's handler, not of the proto. */
export const GetLoggedModel = z.object({ ...modelId, allow_deleted: bool().optional() });
export const LoggedModelIdOnly = z.object(modelId);
export const SearchLoggedModels = z.object({
  experiment_ids: repeated(str()),
  filter: str().optional(),
  datasets: repeated(z.object({ dataset_name: str().optional(), dataset_digest: str().optional() })),
  max_results: int64().optional(),
  order_by: repeated(
    z.object({
      field_name: str().optional(),
      ascending: bool().optional(),
      dataset_name: str().optional(),
      dataset_digest: str().optional(),
    }),
  ),
  page_token: str().optional(),
});
export const SetLoggedModelTags = z.object({ ...modelId, tags: keyValueList() });
export const DeleteLoggedModelTag = z.object({ ...modelId, tag_key: str().optional() });
export const LogLoggedModelParams = z.object({ ...modelId, params: keyValueList() });
export const ListLoggedModelArtifacts = z.object({ ...modelId, artifact_directory_path: str().optional(), page_token: str().optional() });
