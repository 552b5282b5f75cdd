import type { SpansAroundResponse, SpanSummary } from '@loupe/protocol';
import type { SpanPage, SpansAround } from '../../services/traces/span-pages.js';
import type { SpanPageItem } from '../../store/trace-store.js';
import { RawJson, toProtoJson } from '../json-response.js';

/**
 * A span in the compact form of the huge-trace API (`view=SUMMARY`).
 *
 * @example
 * spanSummaryJson(item).child_count; // 12
 */
export function spanSummaryJson(s: SpanPageItem): SpanSummary {
  const out: SpanSummary = { span_id: s.spanId, name: s.name, type: s.type, status: s.status, start_time_us: s.startTimeUs, child_count: s.childCount ?? 0 };
  if (s.parentSpanId) out.parent_span_id = s.parentSpanId;
  if (s.endTimeUs !== null) out.end_time_us = s.endTimeUs;
  return out;
}

/**
 * A span page as the huge-trace API answers it: full spans spliced from their stored OTel proto JSON
 * text (never parsed again), or summaries.
 *
 * @example
 * return spanPageJson(page, 'SUMMARY');
 */
export function spanPageJson(page: SpanPage, view: 'FULL' | 'SUMMARY'): RawJson {
  const token = page.nextPageToken !== undefined ? `,"next_page_token":${JSON.stringify(page.nextPageToken)}` : '';
  const spans = view === 'FULL' ? page.spans.map((s) => s.content).join(',') : page.spans.map((s) => toProtoJson(spanSummaryJson(s))).join(',');
  return new RawJson(`{"spans":[${spans}]${token},"trace_span_count":${page.traceSpanCount}}`);
}

/**
 * The tree around one span as `spans/around` answers it: each level's window of summaries.
 *
 * @example
 * return spansAroundJson(await services.traces.spansAround({ traceId, spanId, limit: 100 }));
 */
export function spansAroundJson(around: SpansAround): SpansAroundResponse {
  return {
    levels: around.levels.map((level) => ({
      ...(level.parentSpanId !== undefined ? { parent_span_id: level.parentSpanId } : {}),
      spans: level.spans.map(spanSummaryJson),
      ...(level.prevPageToken !== undefined ? { prev_page_token: level.prevPageToken } : {}),
      ...(level.nextPageToken !== undefined ? { next_page_token: level.nextPageToken } : {}),
    })),
    trace_span_count: around.traceSpanCount,
  };
}
