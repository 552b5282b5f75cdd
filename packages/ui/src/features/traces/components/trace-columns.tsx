import { createColumnHelper } from '@tanstack/react-table';
import { Link } from 'react-router';
import { StatusBadge } from '../../../shared/components/status-badge';
import { formatCost, formatDuration, formatRelative, formatTimestamp, formatTokens, formatTokenSplit, truncate } from '../../../shared/lib/format';
import { assessmentChipText, shownAssessments, tagChipText, type TraceColumnWidths } from '../lib/trace-column-widths';
import { requestText } from '../lib/preview-text';
import { assessmentSentiment, assessmentValueText, type TraceSummary } from '../lib/trace-info';

const col = createColumnHelper<TraceSummary>();

/** `meta` of the columns sized to their content: they take their `size` when there is room, down to `minSize` when not. */
export const FIT = { fit: true } as const;

/**
 * Columns the server can sort traces by, and their `order_by` keys.
 *
 * @example
 * TRACE_SORT_KEYS.latency; // 'execution_time_ms'
 */
export const TRACE_SORT_KEYS: Readonly<Record<string, string>> = { time: 'timestamp_ms', name: 'name', status: 'status', latency: 'execution_time_ms' };

/**
 * The traces table's columns: time, name, request, status, latency, tokens, cost, tags, session,
 * user, assessments (links go to the trace and the session). Tags, session, user and assessments
 * take the width ranges given (sized to the traces in view, marked {@link FIT}); assessments is left
 * out when its range is null.
 *
 * @example
 * useReactTable({ data: summaries, columns: traceColumns('1', traceColumnWidths(summaries, measureText)), getCoreRowModel: getCoreRowModel() });
 */
export function traceColumns(experimentId: string, widths: TraceColumnWidths) {
  const columns = [
    col.accessor('requestTimeMs', {
      id: 'time',
      header: 'Time',
      size: 110,
      cell: (c) => <span title={formatTimestamp(c.getValue(), true)}>{formatRelative(c.getValue())}</span>,
    }),
    col.accessor('name', {
      id: 'name',
      header: 'Name',
      size: 160,
      cell: (c) => (
        <Link
          to={`/experiments/${experimentId}/traces/${c.row.original.id}`}
          className="truncate font-medium text-indigo-600 hover:underline dark:text-indigo-400"
          title={c.row.original.id}
        >
          {c.getValue() || c.row.original.id}
        </Link>
      ),
    }),
    col.accessor('requestPreview', {
      id: 'request',
      header: 'Request',
      // The flexible column: at least this, and whatever room the others leave.
      size: 180,
      cell: (c) => (
        <span className="truncate text-zinc-600 dark:text-zinc-300" title={c.getValue()}>
          {truncate(requestText(c.getValue()), 200)}
        </span>
      ),
    }),
    col.accessor('state', { id: 'status', header: 'Status', size: 100, cell: (c) => <StatusBadge status={c.getValue()} /> }),
    col.accessor('latencyMs', {
      id: 'latency',
      header: 'Latency',
      size: 80,
      cell: (c) => <span className="tabular-nums">{c.row.original.state === 'IN_PROGRESS' ? '…' : formatDuration(c.getValue())}</span>,
    }),
    col.accessor('totalTokens', {
      id: 'tokens',
      header: 'Tokens',
      size: 70,
      cell: (c) => (
        <span className="tabular-nums" title={formatTokenSplit(c.row.original)}>
          {formatTokens(c.row.original)}
        </span>
      ),
    }),
    col.accessor('costUsd', { id: 'cost', header: 'Cost', size: 96, cell: (c) => <span className="tabular-nums">{formatCost(c.getValue())}</span> }),
    col.accessor('tags', {
      id: 'tags',
      header: 'Tags',
      size: widths.tags.max,
      minSize: widths.tags.min,
      meta: FIT,
      cell: (c) => (
        <span className="flex min-w-0 gap-1 overflow-hidden">
          {Object.entries(c.getValue()).map(([k, v]) => (
            <span key={k} className="shrink-0 rounded bg-zinc-100 px-1.5 py-0.5 text-[11px] dark:bg-zinc-800" title={`${k}: ${v}`}>
              {tagChipText(k, v)}
            </span>
          ))}
        </span>
      ),
    }),
    col.accessor('session', {
      id: 'session',
      header: 'Session',
      size: widths.session.max,
      minSize: widths.session.min,
      meta: FIT,
      cell: (c) =>
        c.getValue() ? (
          <Link
            to={`/experiments/${experimentId}/sessions/${encodeURIComponent(c.getValue()!)}`}
            className="truncate text-indigo-600 hover:underline dark:text-indigo-400"
            title={c.getValue()}
          >
            {c.getValue()}
          </Link>
        ) : (
          <span className="text-zinc-400">—</span>
        ),
    }),
    col.accessor('user', {
      id: 'user',
      header: 'User',
      size: widths.user.max,
      minSize: widths.user.min,
      meta: FIT,
      cell: (c) => (
        <span className="truncate" title={c.getValue()}>
          {c.getValue() ?? <span className="text-zinc-400">—</span>}
        </span>
      ),
    }),
    col.accessor('assessments', {
      id: 'assessments',
      header: 'Assessments',
      size: widths.assessments?.max ?? 0,
      minSize: widths.assessments?.min ?? 0,
      meta: FIT,
      cell: (c) => (
        <span className="flex min-w-0 gap-1 overflow-hidden">
          {shownAssessments(c.row.original).map((a) => {
            const s = assessmentSentiment(a);
            return (
              <span
                key={a.assessment_id}
                title={`${a.assessment_name}: ${assessmentValueText(a)} (${a.source.source_type})${a.rationale ? `\n${a.rationale}` : ''}`}
                className={`shrink-0 rounded px-1.5 py-0.5 text-[11px] ${s === 'positive' ? 'bg-emerald-50 text-emerald-700 dark:bg-emerald-500/15 dark:text-emerald-300' : s === 'negative' ? 'bg-red-50 text-red-700 dark:bg-red-500/15 dark:text-red-300' : 'bg-zinc-100 dark:bg-zinc-800'}`}
              >
                {assessmentChipText(a)}
              </span>
            );
          })}
        </span>
      ),
    }),
  ];
  return widths.assessments === null ? columns.filter((c) => c.id !== 'assessments') : columns;
}
