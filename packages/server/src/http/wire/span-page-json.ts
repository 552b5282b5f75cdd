import type { SpanSummary } from '@loupe/protocol';
import type { SpanPage } from '../../services/traces/span-pages.js';
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
