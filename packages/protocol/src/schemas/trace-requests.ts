import { z } from 'zod';
import { TRACE_STATES } from '../entities/traces.js';
import { bool, double, int64, protoEnum, repeated, str } from './fields.js';

/** A `map<string,string>`: values must be strings (numbers are rendered, as protobuf-JSON parsing would refuse others). */
const stringMap = z.record(z.string(), str()).optional();

/** TraceInfoV3 as clients send it (spec §4.1, §10.1). */
export const TraceInfoV3Input = z.object({
  trace_id: str().optional(),
  client_request_id: str().optional(),
  trace_location: z
    .object({
      type: str().optional(),
      mlflow_experiment: z.object({ experiment_id: str().optional() }).optional(),
    })
    .optional(),
  request_preview: str().optional(),
  response_preview: str().optional(),
  request_time: str().optional(),
  execution_duration: str().optional(),
  state: protoEnum(TRACE_STATES).optional(),
  trace_metadata: stringMap,
  tags: stringMap,
});

/** StartTraceV3: `POST /api/3.0/mlflow/traces`. */
export const StartTraceV3 = z.object({ trace: z.object({ trace_info: TraceInfoV3Input.optional() }).optional() });
/** GetTraceInfoV3: `GET /api/3.0/mlflow/traces/{trace_id}`. */
export const GetTraceInfoV3 = z.object({ trace_id: str().optional() });
/** GetTrace (OSS): `GET /api/3.0/mlflow/traces/get?trace_id=&allow_partial=`. */
export const GetTrace = z.object({ trace_id: str().optional(), allow_partial: bool().optional() });
/** SearchTracesV3: `POST /api/3.0/mlflow/traces/search` (spec §4.2, §9.5). */
export const SearchTracesV3 = z.object({
  locations: repeated(z.object({ type: str().optional(), mlflow_experiment: z.object({ experiment_id: str().optional() }).optional() })),
  experiment_ids: repeated(str()),
  filter: str().optional(),
  max_results: int64().optional(),
  order_by: repeated(str()),
  page_token: str().optional(),
});
/** SetTraceTag (v2 `request_id`, v3 `trace_id` path variable): `PATCH .../traces/{id}/tags`. */
export const SetTraceTag = z.object({ trace_id: str().optional(), request_id: str().optional(), key: str().optional(), value: str().optional() });
/** DeleteTraceTag: `DELETE .../traces/{id}/tags` with the key in the JSON body (or the query). */
export const DeleteTraceTag = z.object({ trace_id: str().optional(), request_id: str().optional(), key: str().optional() });
/** BatchGetTraces (OSS): `GET /api/3.0/mlflow/traces/batchGet?trace_ids=..`. */
export const BatchGetTraces = z.object({ trace_ids: repeated(str()), experiment_ids: repeated(str()) });
/** DeleteTraces (v2 and v3 share the body; v3 still calls the ids `request_ids`). */
export const DeleteTraces = z.object({
  experiment_id: str().optional(),
  max_timestamp_millis: int64().optional(),
  max_traces: int64().optional(),
  request_ids: repeated(str()),
});
/** BatchGetTraceInfos: `POST /api/3.0/mlflow/traces/batchGetInfos` (`experiment_ids` narrows the scope). */
export const BatchGetTraceInfos = z.object({ trace_ids: repeated(str()), experiment_ids: repeated(str()) });

/** Views QueryTraceMetrics aggregates over. */
export const METRIC_VIEW_TYPES = ['TRACES', 'SPANS', 'ASSESSMENTS'] as const;
/** Aggregations QueryTraceMetrics computes. */
export const AGGREGATION_TYPES = ['COUNT', 'SUM', 'AVG', 'PERCENTILE', 'MIN', 'MAX'] as const;
/** QueryTraceMetrics: `POST /api/3.0/mlflow/traces/metrics` (spec §4.2). */
export const QueryTraceMetrics = z.object({
  experiment_ids: repeated(str()),
  view_type: z.enum(METRIC_VIEW_TYPES).optional(),
  metric_name: str().optional(),
  aggregations: repeated(z.object({ aggregation_type: z.enum(AGGREGATION_TYPES).optional(), percentile_value: double().optional() })),
  dimensions: repeated(str()),
  filters: repeated(str()),
  time_interval_seconds: int64().optional(),
  start_time_ms: int64().optional(),
  end_time_ms: int64().optional(),
  max_results: int64().optional(),
  page_token: str().optional(),
});
