import { z } from 'zod';
import { RunTagKey } from '../attributes/mlflow-keys.js';
import { RUN_STATUSES, VIEW_TYPES } from '../entities/tracking.js';
import { int64, keyValueList, maxChars, protoEnum, repeated, requiredList, requiredStr, str, wireCheck, type WireIssue } from './fields.js';
import {
  checkBatchSizes,
  datasetInputs,
  metricList,
  metricRequest,
  modelJson,
  modelInputs,
  modelOutputs,
  paramFields,
  paramList,
  resolveRunId,
  runIdFields,
  runTagFields,
  runTagList,
} from './run-fields.js';
import { artifactLocation, checkRetentionTag, experimentName, experimentTag, experimentTagFields, TRACKING_LIMITS } from './tracking-fields.js';

/**
 * Request schemas of the tracking RPCs (spec §2), as decoded from GET query strings or JSON bodies.
 * Required fields, formats and limits are checked here with MLflow's wording (`requiredStr`: a missing
 * field and an empty string give the same message), so services receive typed commands.
 */

const viewType = protoEnum(VIEW_TYPES, 1);

export const CreateExperiment = z.object({
  name: experimentName(),
  artifact_location: artifactLocation(),
  tags: keyValueList(experimentTag()),
});
export const GetExperiment = z.object({ experiment_id: requiredStr() });
export const GetExperimentByName = z.object({ experiment_name: requiredStr() });
export const SearchExperiments = z.object({
  max_results: int64().optional(),
  page_token: str().optional(),
  filter: str().optional(),
  order_by: repeated(str()),
  view_type: viewType.optional(),
});
export const ExperimentIdOnly = z.object({ experiment_id: requiredStr() });
export const UpdateExperiment = z.object({ experiment_id: requiredStr(), new_name: experimentName('new_name').optional() });
export const SetExperimentTag = z.object({ experiment_id: requiredStr(), ...experimentTagFields }).superRefine(checkRetentionTag);
export const DeleteExperimentTag = z.object({ experiment_id: requiredStr(), key: requiredStr() });

export const CreateRun = z
  .object({
    experiment_id: str().optional(),
    user_id: str().optional(),
    run_name: str().optional(),
    start_time: int64().optional(),
    tags: runTagList(),
  })
  .superRefine((req, ctx) => {
    const nameTag = req.tags.filter((t) => t.key === RunTagKey.RUN_NAME).at(-1)?.value;
    if (req.run_name && nameTag !== undefined && req.run_name !== nameTag) {
      ctx.addIssue({
        code: 'custom',
        message: `Both 'run_name' argument and '${RunTagKey.RUN_NAME}' tag are specified, but with different values (run_name='${req.run_name}', ${RunTagKey.RUN_NAME}='${nameTag}').`,
        params: { loupe: 'invalid' } satisfies WireIssue,
      });
    }
  });
export const UpdateRun = z
  .object({
    ...runIdFields,
    status: protoEnum(RUN_STATUSES, 1).optional(),
    end_time: int64().optional(),
    run_name: maxChars(str(), TRACKING_LIMITS.runTagValueLength, 'run_name').optional(),
  })
  .transform(resolveRunId);
export const RunIdOnly = z.object(runIdFields).transform(resolveRunId);
export const SearchRuns = z.object({
  experiment_ids: repeated(str()),
  filter: str().optional(),
  run_view_type: viewType.optional(),
  max_results: int64().optional(),
  order_by: repeated(str()),
  page_token: str().optional(),
});

export const LogMetric = metricRequest(runIdFields).transform(resolveRunId);
export const LogParam = z.object({ ...runIdFields, ...paramFields() }).transform(resolveRunId);
export const SetTag = z.object({ ...runIdFields, ...runTagFields() }).transform(resolveRunId);
export const DeleteTag = z.object({ ...runIdFields, key: requiredStr() }).transform(resolveRunId);
/** Size limits first, on the request as sent (MLflow's order); then each entry; then the run. */
export const LogBatch = z
  .preprocess(
    checkBatchSizes,
    z.object({
      ...runIdFields,
      metrics: metricList(),
      params: paramList(),
      tags: runTagList(),
    }),
  )
  .transform(resolveRunId);
export const LogModel = z.object({ ...runIdFields, model_json: modelJson() }).transform(resolveRunId);

export const LogInputs = z.object({ ...runIdFields, datasets: datasetInputs(), models: modelInputs() }).transform(resolveRunId);
export const LogOutputs = z.object({ ...runIdFields, models: modelOutputs() }).transform(resolveRunId);

export const GetMetricHistory = z
  .object({
    ...runIdFields,
    metric_key: requiredStr(),
    page_token: str().optional(),
    max_results: int64().optional(),
  })
  .transform(resolveRunId);
export const GetMetricHistoryBulkInterval = z
  .object({
    run_ids: wireCheck(
      requiredList(str()),
      (ids) => ids.length <= 100,
      (ids) => `GetMetricHistoryBulkInterval request must specify at most 100 run_ids. Received ${ids.length} run_ids.`,
    ),
    metric_key: requiredStr(),
    start_step: int64().optional(),
    end_step: int64().optional(),
    max_results: wireCheck(
      int64(),
      (n) => n >= 1 && n <= 2500,
      (n) => `max_results must be between 1 and 2500. Received ${n}.`,
    ).optional(),
  })
  .superRefine((req, ctx) => {
    const invalid = (message: string) => ctx.addIssue({ code: 'custom', message, params: { loupe: 'invalid' } satisfies WireIssue });
    if ((req.start_step === undefined) !== (req.end_step === undefined)) invalid('If either start step or end step are specified, both must be specified.');
    else if (req.start_step !== undefined && req.end_step !== undefined && req.start_step > req.end_step) {
      invalid(`end_step must be greater than start_step. Found start_step=${req.start_step} and end_step=${req.end_step}.`);
    }
  });
export const GetMetricHistoryBulk = z.object({
  run_id: wireCheck(
    requiredList(str()),
    (ids) => ids.length <= 100,
    (ids) => `GetMetricHistoryBulk request cannot specify more than 100 run_ids. Received ${ids.length} run_ids.`,
  ),
  metric_key: requiredStr(),
  max_results: int64().optional(),
});
export const SearchDatasets = z.object({
  experiment_ids: wireCheck(
    requiredList(str()),
    (ids) => ids.length <= 20,
    (ids) => `SearchDatasets request cannot specify more than 20 experiment_ids. Received ${ids.length} experiment_ids.`,
  ),
});

export const ListArtifacts = z.object({ ...runIdFields, path: str().optional(), page_token: str().optional() }).transform(resolveRunId);
/** `GET /get-artifact` (not an RPC: the file is streamed). */
export const GetArtifact = z.object({ ...runIdFields, path: str().optional() }).transform(resolveRunId);
/** The UI's `POST /ajax-api/2.0/mlflow/upload-artifact` query, with MLflow's checks and words (`run_uuid` first). */
export const UploadArtifact = z.object({ ...runIdFields, path: str().optional() }).transform((req, ctx) => {
  const fail = (message: string) => {
    ctx.addIssue({ code: 'custom', message, params: { loupe: 'invalid' } satisfies WireIssue });
    return z.NEVER;
  };
  const runId = req.run_uuid || req.run_id;
  if (!runId) return fail('Request must specify run_uuid.');
  if (!req.path) return fail('Request must specify path.');
  return { run_id: runId, path: req.path };
});

/** Decoded request of an RPC schema. */
export type RequestOf<S extends z.ZodType> = z.output<S>;
