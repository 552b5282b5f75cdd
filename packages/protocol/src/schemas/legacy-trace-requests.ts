import { z } from 'zod';
import { TRACE_STATUSES } from '../entities/traces.js';
import { int64, protoEnum, repeated, requiredList, requiredStr, str } from './fields.js';
import { boundedList, invalidIssue, missingIssue, pageSize, TRACE_LIMITS, traceKeyValueMap } from './trace-fields.js';

/**
 * Request schemas of the legacy v2 trace RPCs and the trace link RPCs (spec §4.2), checked with
 * MLflow's wording: tag and metadata lists arrive as maps, required fields are present.
 */

/** StartTrace (v2): `POST /api/2.0/mlflow/traces`; the server generates the request id (spec §4.2). */
export const StartTrace = z.object({
  experiment_id: requiredStr(),
  timestamp_ms: int64().optional(),
  request_metadata: traceKeyValueMap('request_metadata'),
  tags: traceKeyValueMap('tags'),
});
/** EndTrace (v2): `PATCH /api/2.0/mlflow/traces/{request_id}`; metadata and tags are merged in. */
export const EndTrace = z.object({
  request_id: requiredStr(),
  timestamp_ms: int64().optional(),
  status: protoEnum(TRACE_STATUSES).optional(),
  request_metadata: traceKeyValueMap('request_metadata'),
  tags: traceKeyValueMap('tags'),
});
/** GetTraceInfo (v2): `GET /api/2.0/mlflow/traces/{request_id}/info`. */
export const GetTraceInfo = z.object({ request_id: requiredStr() });
/** SearchTraces (v2): `GET /api/2.0/mlflow/traces?experiment_ids=..` (spec §4.4). */
export const SearchTraces = z.object({
  experiment_ids: requiredList(str()),
  filter: str().optional(),
  max_results: pageSize(100, 500),
  order_by: repeated(str()),
  page_token: str().optional(),
});
/** LinkTracesToRun: `POST /api/2.0/mlflow/traces/link-to-run` (at most 100 trace ids; `run_uuid` is the old name of `run_id`). */
export const LinkTracesToRun = z
  .object({
    trace_ids: boundedList(str(), {
      count: TRACE_LIMITS.linkTracesToRun,
      message: (n) => `Cannot link more than ${TRACE_LIMITS.linkTracesToRun} traces to a run in a single request ('trace_ids' has ${n}).`,
    }),
    run_id: str().optional(),
    run_uuid: str().optional(),
  })
  .transform((req, ctx) => {
    const runId = req.run_id || req.run_uuid;
    if (!runId) missingIssue(ctx, 'run_id');
    return { trace_ids: req.trace_ids, run_id: runId ?? '' };
  });

/** LinkPromptsToTrace: `POST /api/2.0/mlflow/traces/link-prompts`; versions are integers ('02' and '2' name the same version). */
export const LinkPromptsToTrace = z
  .object({
    trace_id: requiredStr(),
    prompt_versions: requiredList(z.object({ name: str().optional(), version: str().optional() })),
  })
  .transform((req, ctx) => {
    const refs: { name: string; version: string }[] = [];
    for (const [i, p] of req.prompt_versions.entries()) {
      if (!p.name) missingIssue(ctx, `prompt_versions[${i}].name`);
      else if (!p.version) missingIssue(ctx, `prompt_versions[${i}].version`);
      // MLflow parses versions as integers.
      else if (!/^\d{1,18}$/.test(p.version)) {
        invalidIssue(ctx, `Invalid value '${p.version.slice(0, 100)}' for parameter 'prompt_versions[${i}].version' supplied: expected an integer.`);
      } else {
        refs.push({ name: p.name, version: String(Number(p.version)) });
        continue;
      }
      return z.NEVER;
    }
    return { trace_id: req.trace_id, prompt_versions: refs };
  });
/** The UI's `GET /ajax-api/2.0/mlflow/get-trace-artifact?request_id=` (spec §1.8). */
export const GetTraceArtifact = z.object({ request_id: str().optional() });
