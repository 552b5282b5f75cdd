import type { TraceInfoV3 } from '@loupe/protocol';
import { LoupeApiError } from './api-error.js';
import { toPage, type Page } from './experiments.js';
import type { RestClient } from './rest-client.js';
import { parseTrace, type Trace, type WireTrace } from './trace-model.js';

/** Options of `searchTraces`. */
export interface SearchTracesOptions {
  experimentIds: string[];
  /** MLflow's trace filter: `trace.status = 'ERROR'`, `tag.env = 'prod'`, `span.type = 'TOOL'`, `feedback.correct = 'true'`, ... */
  filter?: string;
  /** e.g. `['timestamp_ms DESC']` (the default). */
  orderBy?: string[];
  /** Per page, at most 500 (default 100). */
  maxResults?: number;
  pageToken?: string;
  /** Also load every trace's spans (default true); false returns infos with empty span lists. */
  includeSpans?: boolean;
}

/** Trace methods of {@link LoupeClient}. */
export interface TraceMethods {
  /** One page of traces matching a filter, with their spans. */
  searchTraces(options: SearchTracesOptions): Promise<Page<Trace>>;
  /** A trace with its spans, or undefined when there is none with that id. */
  getTrace(traceId: string): Promise<Trace | undefined>;
  /** A trace's info (tags, metadata, assessments) without spans. */
  getTraceInfo(traceId: string): Promise<TraceInfoV3>;
  setTraceTag(traceId: string, key: string, value: string): Promise<void>;
  /** Links traces to a run (MLflow's `link-to-run`, sent in batches of 100): `run_id = '...'` searches then find them. */
  linkTracesToRun(traceIds: string[], runId: string): Promise<void>;
  deleteTraceTag(traceId: string, key: string): Promise<void>;
  /** Deletes traces by id, or those requested at or before a time (oldest first, at most `maxTraces`); returns how many. */
  deleteTraces(
    options: { experimentId: string; traceIds: string[] } | { experimentId: string; maxTimestampMillis: number; maxTraces?: number },
  ): Promise<number>;
}

type Self = { rest: RestClient };
const v3 = (p: string) => `/api/3.0/mlflow/${p}`;
/** `batchGet` answers at most this many traces per request. */
const BATCH_GET_LIMIT = 100;
/** `link-to-run` takes at most this many trace ids per request (MLflow's limit). */
const LINK_BATCH = 100;

/** Implementation of {@link TraceMethods}, mixed into {@link LoupeClient}. */
export const traceMethods: TraceMethods & ThisType<Self> = {
  async searchTraces(options) {
    const res = await this.rest.post<{ traces?: TraceInfoV3[]; next_page_token?: string }>(v3('traces/search'), {
      locations: options.experimentIds.map((id) => ({ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: id } })),
      ...(options.filter ? { filter: options.filter } : {}),
      ...(options.orderBy ? { order_by: options.orderBy } : {}),
      ...(options.maxResults ? { max_results: options.maxResults } : {}),
      ...(options.pageToken ? { page_token: options.pageToken } : {}),
    });
    const infos = res.traces ?? [];
    let items: Trace[];
    if (options.includeSpans === false) items = infos.map((info) => ({ info, spans: [] }));
    else {
      const spansById = new Map<string, Trace>();
      for (let i = 0; i < infos.length; i += BATCH_GET_LIMIT) {
        const ids = infos.slice(i, i + BATCH_GET_LIMIT).map((t) => t.trace_id);
        const batch = await this.rest.get<{ traces?: WireTrace[] }>(v3('traces/batchGet'), { trace_ids: ids });
        for (const t of batch.traces ?? []) spansById.set(t.trace_info.trace_id, parseTrace(t));
      }
      // Keep the search's order and its infos; a trace deleted meanwhile keeps an empty span list.
      items = infos.map((info) => ({ info, spans: spansById.get(info.trace_id)?.spans ?? [] }));
    }
    return toPage(items, res.next_page_token);
  },
  async getTrace(traceId) {
    try {
      const res = await this.rest.get<{ trace: WireTrace }>(v3('traces/get'), { trace_id: traceId, allow_partial: true });
      return parseTrace(res.trace);
    } catch (err) {
      if (err instanceof LoupeApiError && err.isNotFound) return undefined;
      throw err;
    }
  },
  async getTraceInfo(traceId) {
    return (await this.rest.get<{ trace: { trace_info: TraceInfoV3 } }>(v3(`traces/${encodeURIComponent(traceId)}`))).trace.trace_info;
  },
  async setTraceTag(traceId, key, value) {
    await this.rest.patch(v3(`traces/${encodeURIComponent(traceId)}/tags`), { key, value });
  },
  async linkTracesToRun(traceIds, runId) {
    for (let i = 0; i < traceIds.length; i += LINK_BATCH) {
      await this.rest.post('/api/2.0/mlflow/traces/link-to-run', { trace_ids: traceIds.slice(i, i + LINK_BATCH), run_id: runId });
    }
  },
  async deleteTraceTag(traceId, key) {
    await this.rest.delete(v3(`traces/${encodeURIComponent(traceId)}/tags`), { key });
  },
  async deleteTraces(options) {
    const body =
      'traceIds' in options
        ? { experiment_id: options.experimentId, request_ids: options.traceIds }
        : {
            experiment_id: options.experimentId,
            max_timestamp_millis: options.maxTimestampMillis,
            ...(options.maxTraces ? { max_traces: options.maxTraces } : {}),
          };
    return (await this.rest.post<{ traces_deleted?: number }>(v3('traces/delete-traces'), body)).traces_deleted ?? 0;
  },
};
