import type { TraceInfoV3 } from '@loupe/protocol';
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import { useNavigate } from 'react-router';
import { measureText } from '../../../shared/lib/text-width';
import { traceColumnWidths } from '../lib/trace-column-widths';
import { summarizeTrace, type TraceSummary } from '../lib/trace-info';
import { FIT, TRACE_SORT_KEYS as SORTABLE, traceColumns } from './trace-columns';

const ROW_HEIGHT = 40;
const SELECT_WIDTH = 36;

/** Row selection of the traces table: the ids of the selected traces, kept by the page. */
export interface TraceSelection {
  selected: ReadonlySet<string>;
  onChange: (selected: Set<string>) => void;
}

/** The checkbox column: one box per trace, and one in the header for every trace loaded. */
function selectColumn(selection: TraceSelection, rows: TraceSummary[]): ColumnDef<TraceSummary> {
  const { selected, onChange } = selection;
  const all = rows.length > 0 && rows.every((r) => selected.has(r.id));
  return {
    id: 'select',
    size: SELECT_WIDTH,
    header: () => (
      <input type="checkbox" aria-label="Select all loaded traces" checked={all} onChange={() => onChange(all ? new Set() : new Set(rows.map((r) => r.id)))} />
    ),
    cell: (c) => {
      const id = c.row.original.id;
      return (
        <input
          type="checkbox"
          aria-label={`Select trace ${id}`}
          checked={selected.has(id)}
          onChange={() => {
            const next = new Set(selected);
            if (next.has(id)) next.delete(id);
            else next.add(id);
            onChange(next);
          }}
        />
      );
    },
  };
}

/**
 * The virtualized traces table: time, name, request, status, latency, tokens, cost, tags, session,
 * user, assessments (when any trace in view has one), the last four sized to their content. Sorting
 * is the server's (`order_by`); more pages load as the end scrolls near. With `selection`, a first
 * column of checkboxes selects traces (the header's selects every trace loaded).
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
  selection,
}: {
  experimentId: string;
  traces: TraceInfoV3[];
  orderBy: string;
  onOrderBy: (orderBy: string) => void;
  onEndReached: () => void;
  loadingMore: boolean;
  selection?: TraceSelection;
}) {
  const rows = useMemo(() => traces.map(summarizeTrace), [traces]);
  const navigate = useNavigate();
  const widths = useMemo(() => traceColumnWidths(rows, measureText), [rows]);
  const columns = useMemo(() => {
    const base = traceColumns(experimentId, widths) as ColumnDef<TraceSummary>[];
    if (!selection) return base;
    // The checkboxes take their room from the request's least width, so the fitted columns keep theirs.
    const narrower = base.map((c) => (c.id === 'request' ? { ...c, size: (c.size ?? 0) - SELECT_WIDTH } : c));
    return [selectColumn(selection, rows), ...narrower];
  }, [experimentId, widths, selection, rows]);
  const table = useReactTable({ data: rows, columns, getCoreRowModel: getCoreRowModel(), manualSorting: true });
  const leaves = table.getVisibleLeafColumns();
  const fits = (c: (typeof leaves)[number]) => c.columnDef.meta === FIT;
  // Fitted columns grow to their content's width when there is room, then the request takes the rest.
  const template = leaves
    .map((c) => (c.id === 'request' ? `minmax(${c.getSize()}px, 1fr)` : fits(c) ? `minmax(${c.columnDef.minSize}px, ${c.getSize()}px)` : `${c.getSize()}px`))
    .join(' ');
  // Every row is exactly as wide as the table (or the columns' least sum, if wider), so the tracks
  // resolve the same in the header and in each row: fixed ranges, never sized by a row's own content
  // (max-content), which would push a long request's later cells out of line.
  const minWidth = leaves.reduce((sum, c) => sum + (fits(c) ? (c.columnDef.minSize ?? c.getSize()) : c.getSize()), 0);
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
    <div
      ref={scroller}
      role="table"
      aria-label="Traces"
      aria-rowcount={rows.length + 1}
      className="min-h-0 flex-1 overflow-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900"
    >
      <div role="rowgroup" style={{ minWidth }} className="sticky top-0 z-10 border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900">
        {table.getHeaderGroups().map((g) => (
          <div role="row" key={g.id} className="grid" style={{ gridTemplateColumns: template }}>
            {g.headers.map((h) => {
              const key = SORTABLE[h.column.id];
              const active = key === sortKey;
              return (
                <div
                  role="columnheader"
                  key={h.id}
                  aria-sort={active ? (sortDir === 'ASC' ? 'ascending' : 'descending') : undefined}
                  className="px-3 py-2 text-left text-xs font-medium text-zinc-500 uppercase dark:text-zinc-400"
                >
                  {key ? (
                    <button
                      type="button"
                      onClick={() => onOrderBy(`${key} ${active && sortDir === 'DESC' ? 'ASC' : 'DESC'}`)}
                      className="inline-flex items-center gap-1 uppercase hover:text-zinc-900 dark:hover:text-white"
                    >
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
      <div role="rowgroup" className="relative" style={{ height: virtualizer.getTotalSize(), minWidth }}>
        {items.map((item) => {
          const row = tableRows[item.index]!;
          return (
            <div
              role="row"
              key={row.id}
              aria-rowindex={item.index + 2}
              // The whole row opens the trace; its links (name, session) and checkbox keep their own roles.
              onClick={(e) => {
                if (!(e.target as HTMLElement).closest('a,button,input,label')) navigate(`/experiments/${experimentId}/traces/${row.original.id}`);
              }}
              className="absolute right-0 left-0 grid cursor-pointer items-center border-b border-zinc-100 text-[13px] hover:bg-zinc-50 dark:border-zinc-800/70 dark:hover:bg-zinc-800/40"
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
