import type { TraceInfoV3 } from '@loupe/protocol';
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import { Link, useNavigate } from 'react-router';
import { StatusBadge } from '../../../shared/components/status-badge';
import { formatCost, formatCount, formatDuration, formatRelative, formatTimestamp, truncate } from '../../../shared/lib/format';
import { assessmentSentiment, assessmentValueText, previewText, summarizeTrace, type TraceSummary } from '../lib/trace-info';

const ROW_HEIGHT = 40;
const col = createColumnHelper<TraceSummary>();

/** Columns the server can sort traces by, and their `order_by` keys. */
const SORTABLE: Record<string, string> = { time: 'timestamp_ms', name: 'name', status: 'status', latency: 'execution_time_ms' };

/**
 * The virtualized traces table: time, name, request, status, latency, tokens, cost, tags, session,
 * user, assessments. Sorting is the server's (`order_by`); more pages load as the end scrolls near.
 *
 * @example
 * <TracesTable experimentId="1" traces={infos} orderBy="timestamp_ms DESC" onOrderBy={setOrder} onEndReached={next} />
 */
export function TracesTable({
  experimentId,
  traces,
  orderBy,
  onOrderBy,
  onEndReached,
  loadingMore,
}: {
  experimentId: string;
  traces: TraceInfoV3[];
  orderBy: string;
  onOrderBy: (orderBy: string) => void;
  onEndReached: () => void;
  loadingMore: boolean;
}) {
  const rows = useMemo(() => traces.map(summarizeTrace), [traces]);
  const navigate = useNavigate();
  const columns = useMemo(
    () => [
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
          <Link to={`/experiments/${experimentId}/traces/${c.row.original.id}`} className="truncate font-medium text-indigo-600 hover:underline dark:text-indigo-400" title={c.row.original.id}>
            {c.getValue() || c.row.original.id}
          </Link>
        ),
      }),
      col.accessor('requestPreview', {
        id: 'request',
        header: 'Request',
        size: 220,
        cell: (c) => <span className="truncate text-zinc-600 dark:text-zinc-300" title={c.getValue()}>{truncate(previewText(c.getValue()), 200)}</span>,
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
        cell: (c) => <span className="tabular-nums" title={`${formatCount(c.row.original.inputTokens)} in / ${formatCount(c.row.original.outputTokens)} out`}>{formatCount(c.getValue())}</span>,
      }),
      col.accessor('costUsd', { id: 'cost', header: 'Cost', size: 80, cell: (c) => <span className="tabular-nums">{formatCost(c.getValue())}</span> }),
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
            <Link to={`/experiments/${experimentId}/sessions/${encodeURIComponent(c.getValue()!)}`} className="truncate text-indigo-600 hover:underline dark:text-indigo-400">
              {c.getValue()}
            </Link>
          ) : (
            <span className="text-zinc-400">—</span>
          ),
      }),
      col.accessor('user', { id: 'user', header: 'User', size: 90, cell: (c) => <span className="truncate">{c.getValue() ?? <span className="text-zinc-400">—</span>}</span> }),
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
    ],
    [experimentId],
  );
  const table = useReactTable({ data: rows, columns, getCoreRowModel: getCoreRowModel(), manualSorting: true });
  const template = table
    .getVisibleLeafColumns()
    .map((c) => (c.id === 'request' ? `minmax(${c.getSize()}px, 1fr)` : `${c.getSize()}px`))
    .join(' ');
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (lastIndex >= rows.length - 20) onEndReached();
  }, [lastIndex, rows.length, onEndReached]);
  const [sortKey, sortDir] = orderBy.split(' ');
  const tableRows = table.getRowModel().rows;

  return (
    <div ref={scroller} role="table" aria-label="Traces" aria-rowcount={rows.length + 1} className="min-h-0 flex-1 overflow-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <div role="rowgroup" className="sticky top-0 z-10 min-w-max border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900">
        {table.getHeaderGroups().map((g) => (
          <div role="row" key={g.id} className="grid min-w-max" style={{ gridTemplateColumns: template }}>
            {g.headers.map((h) => {
              const key = SORTABLE[h.column.id];
              const active = key === sortKey;
              return (
                <div role="columnheader" key={h.id} aria-sort={active ? (sortDir === 'ASC' ? 'ascending' : 'descending') : undefined} className="px-3 py-2 text-left text-xs font-medium text-zinc-500 uppercase dark:text-zinc-400">
                  {key ? (
                    <button type="button" onClick={() => onOrderBy(`${key} ${active && sortDir === 'DESC' ? 'ASC' : 'DESC'}`)} className="inline-flex items-center gap-1 uppercase hover:text-zinc-900 dark:hover:text-white">
                      {flexRender(h.column.columnDef.header, h.getContext())}
                      <span aria-hidden className={active ? '' : 'opacity-30'}>
                        {active && sortDir === 'ASC' ? '▲' : '▼'}
                      </span>
                    </button>
                  ) : (
                    flexRender(h.column.columnDef.header, h.getContext())
                  )}
                </div>
              );
            })}
          </div>
        ))}
      </div>
      <div role="rowgroup" className="relative min-w-max" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const row = tableRows[item.index]!;
          return (
            <div
              role="row"
              key={row.id}
              aria-rowindex={item.index + 2}
              // The whole row opens the trace; its links (name, session) keep their own targets.
              onClick={(e) => {
                if (!(e.target as HTMLElement).closest('a,button')) navigate(`/experiments/${experimentId}/traces/${row.original.id}`);
              }}
              className="absolute right-0 left-0 grid min-w-max cursor-pointer items-center border-b border-zinc-100 text-[13px] hover:bg-zinc-50 dark:border-zinc-800/70 dark:hover:bg-zinc-800/40"
              style={{ gridTemplateColumns: template, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
            >
              {row.getVisibleCells().map((cell) => (
                <div role="cell" key={cell.id} className="flex min-w-0 items-center overflow-hidden px-3 whitespace-nowrap">
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </div>
              ))}
            </div>
          );
        })}
      </div>
      {loadingMore ? <div className="p-2 text-center text-xs text-zinc-400">Loading more traces…</div> : null}
    </div>
  );
}
