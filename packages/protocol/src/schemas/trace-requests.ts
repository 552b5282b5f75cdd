import { z } from 'zod';
import { TRACE_STATES } from '../entities/traces.js';
import { ApiError } from '../errors/api-error.js';
import { bool, double, int64, maxChars, protoEnum, repeated, requiredList, requiredStr, str } from './fields.js';
import { boundedList, clientTraceId, durationMs, invalidIssue, missingIssue, pageSize, timestampMs, TRACE_LIMITS, traceMap } from './trace-fields.js';
import { AGGREGATION_TYPES, dimensionsOf, METRIC_VIEW_TYPES, metricsOf, parseMetricFilter, type MetricFilter } from './trace-metric-views.js';

export { AGGREGATION_TYPES, METRIC_VIEW_TYPES } from './trace-metric-views.js';

/**
 * Request schemas of the trace RPCs (spec §4.2), as decoded from GET query strings or JSON bodies.
 * Required fields, formats (trace ids, Timestamps, Durations) and MLflow's limits are checked here with
 * MLflow's wording, so services receive typed commands.
 */

const INFO = 'trace.trace_info';

/** An object that may be absent: checked as `{}` then, so a missing field inside it is named in full. */
function orEmpty<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === undefined ? {} : v), schema);
}

/** TraceInfoV3 as clients send it (spec §4.1, §10.1): times decoded to milliseconds, maps checked; output-only fields ignored. */
export const TraceInfoV3Input = z.object({
  trace_id: clientTraceId(`${INFO}.trace_id`),
  trace_location: orEmpty(z.object({ type: str().optional(), mlflow_experiment: orEmpty(z.object({ experiment_id: requiredStr() })) })),
  request_time: timestampMs(`${INFO}.request_time`),
  execution_duration: durationMs(`${INFO}.execution_duration`).optional(),
  client_request_id: maxChars(str(), TRACE_LIMITS.clientRequestIdLength, `${INFO}.client_request_id`).optional(),
  tags: traceMap(`${INFO}.tags`),
  trace_metadata: traceMap(`${INFO}.trace_metadata`),
  state: protoEnum(TRACE_STATES).default('STATE_UNSPECIFIED'),
  request_preview: str().optional(),
  response_preview: str().optional(),
});

/** StartTraceV3: `POST /api/3.0/mlflow/traces`. */
export const StartTraceV3 = z.object({ trace: orEmpty(z.object({ trace_info: TraceInfoV3Input })) });
/** GetTraceInfoV3: `GET /api/3.0/mlflow/traces/{trace_id}`. */
export const GetTraceInfoV3 = z.object({ trace_id: requiredStr() });
/** GetTrace (OSS): `GET /api/3.0/mlflow/traces/get?trace_id=&allow_partial=`. */
export const GetTrace = z.object({ trace_id: requiredStr(), allow_partial: bool().default(false) });

/** SearchTracesV3: `POST /api/3.0/mlflow/traces/search` (spec §4.2, §9.5); `experiment_ids` holds those of `locations` too. */
export const SearchTracesV3 = z
  .object({
    locations: repeated(z.object({ type: str().optional(), mlflow_experiment: z.object({ experiment_id: str().optional() }).optional() })),
    experiment_ids: repeated(str()),
    filter: str().optional(),
    max_results: pageSize(100, 500),
    order_by: repeated(str()),
    page_token: str().optional(),
  })
  .transform(({ locations, experiment_ids, ...rest }, ctx) => {
    const fromLocations = locations.map((l) => l.mlflow_experiment?.experiment_id).filter((id): id is string => Boolean(id));
    const ids = [...fromLocations, ...experiment_ids];
    if (ids.length === 0) missingIssue(ctx, 'locations');
    return { ...rest, experiment_ids: ids };
  });

/** The trace a tag route names: v2 routes call it `request_id`, v3 routes `trace_id` (both path variables). */
function traceIdOf(req: { trace_id?: string | undefined; request_id?: string | undefined }, ctx: z.RefinementCtx): string {
  const id = req.trace_id || req.request_id;
  if (!id) missingIssue(ctx, 'trace_id');
  return id ?? '';
}

/** SetTraceTag (v2 `request_id`, v3 `trace_id` path variable): `PATCH .../traces/{id}/tags`. */
export const SetTraceTag = z
  .object({
    trace_id: str().optional(),
    request_id: str().optional(),
    key: maxChars(requiredStr(), TRACE_LIMITS.keyLength, 'key'),
    value: maxChars(str().default(''), TRACE_LIMITS.valueLength, 'value'),
  })
  .transform((req, ctx) => ({ trace_id: traceIdOf(req, ctx), key: req.key, value: req.value }));
/** DeleteTraceTag: `DELETE .../traces/{id}/tags` with the key in the JSON body (or the query). */
export const DeleteTraceTag = z
  .object({ trace_id: str().optional(), request_id: str().optional(), key: requiredStr() })
  .transform((req, ctx) => ({ trace_id: traceIdOf(req, ctx), key: req.key }));

/** BatchGetTraces (OSS): `GET /api/3.0/mlflow/traces/batchGet?trace_ids=..`. */
export const BatchGetTraces = z.object({
  trace_ids: boundedList(str(), {
    count: TRACE_LIMITS.batchGetTraces,
    message: (n) => `'trace_ids' may name at most ${TRACE_LIMITS.batchGetTraces} traces, got ${n}.`,
  }),
  experiment_ids: repeated(str()),
});
/** BatchGetTraceInfos: `POST /api/3.0/mlflow/traces/batchGetInfos` (`experiment_ids` narrows the scope). */
export const BatchGetTraceInfos = z.object({
  trace_ids: boundedList(str(), {
    count: TRACE_LIMITS.batchGetTraceInfos,
    message: (n) => `'trace_ids' may name at most ${TRACE_LIMITS.batchGetTraceInfos} traces, got ${n}.`,
  }),
  experiment_ids: repeated(str()),
});

/** DeleteTraces (v2 and v3 share the body; v3 still calls the ids `request_ids`), with MLflow's rules. */
export const DeleteTraces = z
  .object({
    experiment_id: requiredStr(),
    max_timestamp_millis: int64().optional(),
    max_traces: int64().optional(),
    request_ids: repeated(str()),
  })
  .transform((req, ctx) => {
    const byTime = req.max_timestamp_millis !== undefined;
    const byIds = req.request_ids.length > 0;
    if (byTime === byIds) invalidIssue(ctx, "Exactly one of 'max_timestamp_millis' and 'request_ids' must be specified.");
    else if (req.max_traces !== undefined && !byTime) invalidIssue(ctx, "'max_traces' can only be specified with 'max_timestamp_millis'.");
    else if (req.max_traces !== undefined && req.max_traces <= 0) invalidIssue(ctx, `'max_traces' must be a positive integer, got ${req.max_traces}.`);
    return req;
  });

const AggregationInput = z.object({ aggregation_type: z.enum(AGGREGATION_TYPES).optional(), percentile_value: double().optional() });

/** An aggregation of a QueryTraceMetrics request, checked. */
export interface MetricAggregation {
  aggregation_type: (typeof AGGREGATION_TYPES)[number];
  /** 0 to 100, for PERCENTILE only. */
  percentile_value?: number;
}

/** Checks one aggregation against MLflow's rules for `metric` (a `count` metric only takes COUNT). */
function checkAggregation(
  a: z.output<typeof AggregationInput>,
  i: number,
  metric: { name: string; kind: 'count' | 'value' },
  ctx: z.RefinementCtx,
): MetricAggregation {
  const type = a.aggregation_type;
  if (!type) {
    missingIssue(ctx, `aggregations[${i}].aggregation_type`);
    return z.NEVER;
  }
  const p = a.percentile_value;
  if (type === 'PERCENTILE') {
    if (p === undefined) invalidIssue(ctx, `'aggregations[${i}].percentile_value' is required for PERCENTILE.`);
    else if (!(p >= 0 && p <= 100)) invalidIssue(ctx, `'aggregations[${i}].percentile_value' must be between 0 and 100, got ${p}.`);
    return { aggregation_type: type, percentile_value: p as number };
  }
  if (p !== undefined) invalidIssue(ctx, `'aggregations[${i}].percentile_value' is only allowed for PERCENTILE.`);
  else if (metric.kind === 'count' && type !== 'COUNT') invalidIssue(ctx, `Metric '${metric.name}' can only be aggregated with COUNT, got ${type}.`);
  return { aggregation_type: type };
}

/** Reads `filters` with the metrics filter grammar, a bad one becoming the request's issue. */
function metricFilters(filters: string[], ctx: z.RefinementCtx): MetricFilter[] {
  const out: MetricFilter[] = [];
  for (const f of filters) {
    try {
      out.push(parseMetricFilter(f));
    } catch (err) {
      if (!ApiError.is(err)) throw err;
      invalidIssue(ctx, err.message);
      return out;
    }
  }
  return out;
}

/**
 * QueryTraceMetrics: `POST /api/3.0/mlflow/traces/metrics` (spec §4.2). The metric, its aggregations
 * and the dimensions are checked against the view (`TRACE_METRIC_VIEWS`), `filters` read with the
 * metrics filter grammar, the time range and buckets checked; duplicate dimensions count once.
 */
export const QueryTraceMetrics = z
  .object({
    experiment_ids: requiredList(str()),
    view_type: z.enum(METRIC_VIEW_TYPES),
    metric_name: requiredStr(),
    aggregations: requiredList(AggregationInput),
    dimensions: repeated(str()),
    filters: repeated(str()),
    time_interval_seconds: int64().optional(),
    start_time_ms: int64().optional(),
    end_time_ms: int64().optional(),
    max_results: pageSize(1000, 1000),
    page_token: str().optional(),
  })
  .transform((req, ctx) => {
    const view = req.view_type;
    const metrics = metricsOf(view);
    const kind = metrics[req.metric_name];
    if (!kind) {
      invalidIssue(ctx, `Invalid metric_name '${req.metric_name}' for view_type ${view}: expected one of ${Object.keys(metrics).join(', ')}.`);
      return z.NEVER;
    }
    const aggregations = req.aggregations.map((a, i) => checkAggregation(a, i, { name: req.metric_name, kind }, ctx));
    const dimensions = [...new Set(req.dimensions)];
    const known = dimensionsOf(view);
    const unknown = dimensions.find((d) => !known.includes(d));
    if (unknown !== undefined) invalidIssue(ctx, `Invalid dimension '${unknown}' for view_type ${view}: expected one of ${known.join(', ')}.`);
    const { time_interval_seconds: interval, start_time_ms: start, end_time_ms: end } = req;
    if (interval !== undefined && interval <= 0) invalidIssue(ctx, `'time_interval_seconds' must be positive, got ${interval}.`);
    else if (interval !== undefined && (start === undefined || end === undefined)) {
      invalidIssue(ctx, "'start_time_ms' and 'end_time_ms' are required with 'time_interval_seconds'.");
    }
    if (start !== undefined && end !== undefined && start > end) invalidIssue(ctx, `'start_time_ms' (${start}) is after 'end_time_ms' (${end}).`);
    return { ...req, aggregations, dimensions, filters: metricFilters(req.filters, ctx) };
  });
