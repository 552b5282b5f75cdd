import { z } from 'zod';
import { TRACE_STATUSES } from '../entities/traces.js';
import { int64, keyValueList, protoEnum, repeated, str } from './fields.js';

/** StartTrace (v2): `POST /api/2.0/mlflow/traces`; the server generates the request id (spec §4.2). */
export const StartTrace = z.object({
  experiment_id: str().optional(),
  timestamp_ms: int64().optional(),
  request_metadata: keyValueList(),
  tags: keyValueList(),
});
/** EndTrace (v2): `PATCH /api/2.0/mlflow/traces/{request_id}`; metadata and tags are merged in. */
export const EndTrace = z.object({
  request_id: str().optional(),
  timestamp_ms: int64().optional(),
  status: protoEnum(TRACE_STATUSES).optional(),
  request_metadata: keyValueList(),
  tags: keyValueList(),
});
/** GetTraceInfo (v2): `GET /api/2.0/mlflow/traces/{request_id}/info`. */
export const GetTraceInfo = z.object({ request_id: str().optional() });
/** SearchTraces (v2): `GET /api/2.0/mlflow/traces?experiment_ids=..` (spec §4.4). */
export const SearchTraces = z.object({
  experiment_ids: repeated(str()),
  filter: str().optional(),
  max_results: int64().optional(),
  order_by: repeated(str()),
  page_token: str().optional(),
});
/** LinkTracesToRun: `POST /api/2.0/mlflow/traces/link-to-run` (at most 100 trace ids). */
export const LinkTracesToRun = z.object({ trace_ids: repeated(str()), run_id: str().optional(), run_uuid: str().optional() });
/** LinkPromptsToTrace: `POST /api/2.0/mlflow/traces/link-prompts`. */
export const LinkPromptsToTrace = z.object({
  trace_id: str().optional(),
  prompt_versions: repeated(z.object({ name: str().optional(), version: str().optional() })),
});
/** The UI's `GET /ajax-api/2.0/mlflow/get-trace-artifact?request_id=` (spec §1.8). */
export const GetTraceArtifact = z.object({ request_id: str().optional() });
