import { createColumnHelper } from '@tanstack/react-table';
import { Link } from 'react-router';
import { StatusBadge } from '../../../shared/components/status-badge';
import { formatCost, formatDuration, formatRelative, formatTimestamp, formatTokens, formatTokenSplit, truncate } from '../../../shared/lib/format';
import { assessmentSentiment, assessmentValueText, previewText, type TraceSummary } from '../lib/trace-info';

const col = createColumnHelper<TraceSummary>();

/**
 * Columns the server can sort traces by, and their `order_by` keys.
 *
 * @example
 * TRACE_SORT_KEYS.latency; // 'execution_time_ms'
 */
export const TRACE_SORT_KEYS: Readonly<Record<string, string>> = { time: 'timestamp_ms', name: 'name', status: 'status', latency: 'execution_time_ms' };

/**
 * The traces table's columns: time, name, request, status, latency, tokens, cost, tags, session,
 * user, assessments (links go to the trace and the session).
 *
 * @example
 * useReactTable({ data: summaries, columns: traceColumns('1'), getCoreRowModel: getCoreRowModel() });
 */
export function traceColumns(experimentId: string) {
  return [
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
      size: 220,
      cell: (c) => (
        <span className="truncate text-zinc-600 dark:text-zinc-300" title={c.getValue()}>
          {truncate(previewText(c.getValue()), 200)}
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
      size: 150,
      cell: (c) => (
        <span className="flex min-w-0 gap-1 overflow-hidden">
          {Object.entries(c.getValue()).map(([k, v]) => (
            <span key={k} className="shrink-0 rounded bg-zinc-100 px-1.5 py-0.5 text-[11px] dark:bg-zinc-800" title={`${k}: ${v}`}>
              {k}: {truncate(v, 24)}
            </span>
          ))}
        </span>
      ),
    }),
    col.accessor('session', {
      id: 'session',
      header: 'Session',
      size: 110,
      cell: (c) =>
        c.getValue() ? (
          <Link
            to={`/experiments/${experimentId}/sessions/${encodeURIComponent(c.getValue()!)}`}
            className="truncate text-indigo-600 hover:underline dark:text-indigo-400"
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
      size: 90,
      cell: (c) => <span className="truncate">{c.getValue() ?? <span className="text-zinc-400">—</span>}</span>,
    }),
    col.accessor('assessments', {
      id: 'assessments',
      header: 'Assessments',
      size: 170,
      cell: (c) => (
        <span className="flex min-w-0 gap-1 overflow-hidden">
          {c
            .getValue()
            .filter((a) => a.valid)
            .map((a) => {
              const s = assessmentSentiment(a);
              return (
                <span
                  key={a.assessment_id}
                  title={`${a.assessment_name}: ${assessmentValueText(a)} (${a.source.source_type})${a.rationale ? `\n${a.rationale}` : ''}`}
                  className={`shrink-0 rounded px-1.5 py-0.5 text-[11px] ${s === 'positive' ? 'bg-emerald-50 text-emerald-700 dark:bg-emerald-500/15 dark:text-emerald-300' : s === 'negative' ? 'bg-red-50 text-red-700 dark:bg-red-500/15 dark:text-red-300' : 'bg-zinc-100 dark:bg-zinc-800'}`}
                >
                  {a.assessment_name}: {truncate(assessmentValueText(a), 16)}
                </span>
              );
            })}
        </span>
      ),
    }),
  ];
}
