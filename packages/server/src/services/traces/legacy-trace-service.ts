import { ApiError, TraceTagKey, type TraceState } from '@loupe/protocol';
import type { TraceRecord, TraceStore } from '../../store/trace-store.js';
import type { Clock, IdGenerator } from '../../clock.js';
import type { ExperimentService } from '../experiment-service.js';
import type { TraceSearchRequest, TraceService } from '../trace-service.js';
import { appendToUri } from '../validation.js';

/** A v2 StartTrace, checked at the edge. */
export interface LegacyTraceStart {
  experimentId: string;
  /** The trace's start; now when absent. */
  timestampMs?: number;
  metadata: Record<string, string>;
  tags: Record<string, string>;
}

/** A v2 EndTrace, checked at the edge: the end time, the final state, metadata and tags to merge in. */
export interface LegacyTraceEnd {
  traceId: string;
  timestampMs?: number;
  state?: TraceState;
  metadata: Record<string, string>;
  tags: Record<string, string>;
}

/**
 * The legacy v2 trace API that current clients still fall back to (spec §4.2): StartTrace and
 * EndTrace (the server generates the id), GetTraceInfo and SearchTraces. Stored like any other trace,
 * so v3 reads, search and tags see the same traces; the edge answers v2 infos.
 *
 * @example
 * const record = await legacy.startTrace({ experimentId: '1', timestampMs: 1700000000000, metadata: {}, tags: {} });
 */
export class LegacyTraceService {
  constructor(
    private readonly store: TraceStore,
    private readonly traces: TraceService,
    private readonly experiments: ExperimentService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async startTrace(start: LegacyTraceStart): Promise<TraceRecord> {
    const experiment = await this.experiments.getActive(start.experimentId);
    const traceId = `tr-${this.ids.hex32()}`;
    // Spans of v2 traces arrive as a traces.json artifact (spec §4.3): the client needs its location.
    const tags = { ...start.tags, [TraceTagKey.ARTIFACT_LOCATION]: appendToUri(experiment.artifactLocation, 'traces', traceId, 'artifacts') };
    return this.store.upsertTraceInfo({
      traceId,
      experimentId: experiment.experimentId,
      requestTimeMs: start.timestampMs ?? this.clock.now(),
      state: 'IN_PROGRESS',
      tags,
      metadata: start.metadata,
    });
  }

  /**
   * Ends a trace: the duration runs from its start to `timestampMs` (kept as it was when absent), the
   * state is set when given, and metadata and tags are merged in (newer values win).
   */
  async endTrace(end: LegacyTraceEnd): Promise<TraceRecord> {
    const record = await this.store.getTrace(end.traceId);
    if (!record) throw ApiError.notFound(`Trace with ID ${end.traceId} is not found.`);
    let executionDurationMs = record.executionDurationMs;
    if (end.timestampMs !== undefined) {
      if (end.timestampMs < record.requestTimeMs) {
        throw ApiError.invalid(
          `Invalid value ${end.timestampMs} for parameter 'timestamp_ms' supplied: the trace started at ${record.requestTimeMs}, after it.`,
        );
      }
      executionDurationMs = end.timestampMs - record.requestTimeMs;
    }
    return this.store.upsertTraceInfo({
      traceId: record.traceId,
      experimentId: record.experimentId,
      ...(record.clientRequestId !== undefined ? { clientRequestId: record.clientRequestId } : {}),
      requestTimeMs: record.requestTimeMs,
      ...(executionDurationMs !== undefined ? { executionDurationMs } : {}),
      state: end.state ?? record.state,
      tags: end.tags,
      metadata: end.metadata,
    });
  }

  getTraceInfo(traceId: string): Promise<TraceRecord> {
    return this.traces.getTraceInfo(traceId);
  }

  /** SearchTraces (v2): the v3 search over `experimentIds`. */
  searchTraces(req: TraceSearchRequest): Promise<{ traces: TraceRecord[]; nextPageToken?: string }> {
    return this.traces.searchTraces(req);
  }
}
