import {
  ApiError,
  durationToMs,
  timestampToMs,
  TRACE_TAGS,
  type RequestOf,
  type TraceInfoV2,
  type TraceInfoV3,
  type TraceState,
  type TraceStatus,
} from '@loupe/protocol';
import type { LegacyTraceRequests as L } from '@loupe/protocol';
import type { TraceStore } from '../../store/trace-store.js';
import type { Clock, IdGenerator } from '../clock.js';
import type { ExperimentService } from '../experiment-service.js';
import { checkMap, toTraceInfoV3, type TraceService } from '../trace-service.js';
import { appendToUri } from '../validation.js';

/**
 * A TraceInfoV3 in the legacy v2 shape (spec §4.1): `STATE_UNSPECIFIED` becomes
 * `TRACE_STATUS_UNSPECIFIED`, an unknown duration 0 (as MLflow writes it).
 *
 * @example
 * toTraceInfoV2(v3).timestamp_ms; // 1749996461282
 */
export function toTraceInfoV2(info: TraceInfoV3): TraceInfoV2 {
  const duration = info.execution_duration === undefined ? undefined : durationToMs(info.execution_duration);
  return {
    request_id: info.trace_id,
    experiment_id: info.trace_location.mlflow_experiment?.experiment_id ?? '',
    timestamp_ms: timestampToMs(info.request_time) ?? 0,
    execution_time_ms: duration ?? 0,
    status: info.state === 'STATE_UNSPECIFIED' ? 'TRACE_STATUS_UNSPECIFIED' : info.state,
    request_metadata: Object.entries(info.trace_metadata).map(([key, value]) => ({ key, value })),
    tags: Object.entries(info.tags).map(([key, value]) => ({ key, value })),
  };
}

function toState(status: TraceStatus): TraceState {
  return status === 'TRACE_STATUS_UNSPECIFIED' ? 'STATE_UNSPECIFIED' : status;
}

/** A `{key, value}` list as a map, each key required (the 400 names `field`). */
function keyValueMap(field: string, list: { key?: string | undefined; value?: string | undefined }[]): Record<string, string> {
  const out: Record<string, string> = {};
  list.forEach((kv, i) => {
    if (!kv.key) throw ApiError.missing(`${field}[${i}].key`);
    out[kv.key] = kv.value ?? '';
  });
  return checkMap(field, out);
}

/**
 * The legacy v2 trace API that current clients still fall back to (spec §4.2): StartTrace and
 * EndTrace (the server generates the id), GetTraceInfo and SearchTraces answering v2 infos. Stored
 * like any other trace, so v3 reads, search and tags see the same traces.
 *
 * @example
 * const { trace_info } = await legacy.startTrace({ experiment_id: '1', timestamp_ms: 1700000000000, request_metadata: [], tags: [] });
 */
export class LegacyTraceService {
  constructor(
    private readonly store: TraceStore,
    private readonly traces: TraceService,
    private readonly experiments: ExperimentService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async startTrace(req: RequestOf<typeof L.StartTrace>): Promise<{ trace_info: TraceInfoV2 }> {
    if (!req.experiment_id) throw ApiError.missing('experiment_id');
    const experiment = await this.experiments.getActive(req.experiment_id);
    const metadata = keyValueMap('request_metadata', req.request_metadata);
    const tags = keyValueMap('tags', req.tags);
    const traceId = `tr-${this.ids.hex32()}`;
    // Spans of v2 traces arrive as a traces.json artifact (spec §4.3): the client needs its location.
    tags[TRACE_TAGS.artifactLocation] = appendToUri(experiment.artifactLocation, 'traces', traceId, 'artifacts');
    const record = await this.store.upsertTraceInfo({
      traceId,
      experimentId: experiment.experimentId,
      requestTimeMs: req.timestamp_ms ?? this.clock.now(),
      state: 'IN_PROGRESS',
      tags,
      metadata,
    });
    return { trace_info: toTraceInfoV2(toTraceInfoV3(record)) };
  }

  /**
   * Ends a trace: the duration runs from its start to `timestamp_ms` (kept as it was when absent), the
   * status is set when given, and metadata and tags are merged in (newer values win).
   */
  async endTrace(req: RequestOf<typeof L.EndTrace>): Promise<{ trace_info: TraceInfoV2 }> {
    if (!req.request_id) throw ApiError.missing('request_id');
    const record = await this.store.getTrace(req.request_id);
    if (!record) throw ApiError.notFound(`Trace with ID ${req.request_id} is not found.`);
    let executionDurationMs = record.executionDurationMs;
    if (req.timestamp_ms !== undefined) {
      if (req.timestamp_ms < record.requestTimeMs) {
        throw ApiError.invalid(
          `Invalid value ${req.timestamp_ms} for parameter 'timestamp_ms' supplied: the trace started at ${record.requestTimeMs}, after it.`,
        );
      }
      executionDurationMs = req.timestamp_ms - record.requestTimeMs;
    }
    const metadata = keyValueMap('request_metadata', req.request_metadata);
    const tags = keyValueMap('tags', req.tags);
    const updated = await this.store.upsertTraceInfo({
      traceId: record.traceId,
      experimentId: record.experimentId,
      ...(record.clientRequestId !== undefined ? { clientRequestId: record.clientRequestId } : {}),
      requestTimeMs: record.requestTimeMs,
      ...(executionDurationMs !== undefined ? { executionDurationMs } : {}),
      state: req.status !== undefined ? toState(req.status) : record.state,
      tags,
      metadata,
    });
    return { trace_info: toTraceInfoV2(toTraceInfoV3(updated)) };
  }

  async getTraceInfo(requestId: string | undefined): Promise<{ trace_info: TraceInfoV2 }> {
    if (!requestId) throw ApiError.missing('request_id');
    const { trace } = await this.traces.getTraceInfo(requestId);
    return { trace_info: toTraceInfoV2(trace.trace_info) };
  }

  /** SearchTraces (v2): the v3 search over `experiment_ids`, answered as v2 infos. */
  async searchTraces(req: RequestOf<typeof L.SearchTraces>): Promise<{ traces: TraceInfoV2[]; next_page_token?: string }> {
    if (req.experiment_ids.length === 0) throw ApiError.missing('experiment_ids');
    const page = await this.traces.searchTracesV3({ locations: [], ...req });
    const traces = page.traces.map(toTraceInfoV2);
    return page.next_page_token ? { traces, next_page_token: page.next_page_token } : { traces };
  }
}
