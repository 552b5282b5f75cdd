import type { TraceInfoV3 } from '@loupe/protocol';
import { flexRender, getCoreRowModel, useReactTable, type RowSelectionState } from '@tanstack/react-table';
import { useMemo } from 'react';
import { useNavigate } from 'react-router';
import { OrderByButton, orderBySort } from '../../../shared/components/order-by-button';
import { VirtualHeaderRow, VirtualRow, VirtualTable } from '../../../shared/components/virtual-table';
import { measureText } from '../../../shared/lib/text-width';
import { traceColumnWidths } from '../lib/trace-column-widths';
import { summarizeTrace } from '../lib/trace-info';
import { FIT, TRACE_SORT_KEYS as SORTABLE, traceColumns } from './trace-columns';
import { SELECT_COLUMN, SELECT_COLUMN_WIDTH, traceSelectionColumn } from './trace-selection-column';

const ROW_HEIGHT = 40;

/** Rows picked for an action (by trace id), held by the table's owner. */
export interface TraceSelection {
  selected: RowSelectionState;
  onChange: (selected: RowSelectionState) => void;
}

/**
 * The virtualized traces table: time, name, request, status, latency, tokens, cost, tags, session,
 * user, assessments (when any trace in view has one), the last four sized to their content. Sorting
 * is the server's (`order_by`); more pages load as the end scrolls near. Given a `selection`, rows
 * have checkboxes (selected by trace id).
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
  selection?: TraceSelection | undefined;
}) {
  const rows = useMemo(() => traces.map(summarizeTrace), [traces]);
  const navigate = useNavigate();
  const widths = useMemo(() => traceColumnWidths(rows, measureText), [rows]);
  const selectable = selection !== undefined;
  const columns = useMemo(
    () => (selectable ? [traceSelectionColumn(), ...traceColumns(experimentId, widths)] : traceColumns(experimentId, widths)),
    [experimentId, widths, selectable],
  );
  const table = useReactTable({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    getRowId: (r) => r.id,
    enableRowSelection: selectable,
    state: { rowSelection: selection?.selected ?? {} },
    onRowSelectionChange: (updater) => selection?.onChange(typeof updater === 'function' ? updater(selection.selected) : updater),
  });
  const leaves = table.getVisibleLeafColumns();
  const fits = (c: (typeof leaves)[number]) => c.columnDef.meta === FIT;
  // The checkboxes take their width from the request's least, not from the columns sized to their content.
  const least = (c: (typeof leaves)[number]) => (c.id === 'request' && selectable ? c.getSize() - SELECT_COLUMN_WIDTH : c.getSize());
  // Fitted columns grow to their content's width when there is room, then the request takes the rest.
  const template = leaves
    .map((c) => (c.id === 'request' ? `minmax(${least(c)}px, 1fr)` : fits(c) ? `minmax(${c.columnDef.minSize}px, ${c.getSize()}px)` : `${c.getSize()}px`))
    .join(' ');
  // Every row is exactly as wide as the table (or the columns' least sum, if wider), so the tracks
  // resolve the same in the header and in each row: fixed ranges, never sized by a row's own content
  // (max-content), which would push a long request's later cells out of line.
  const minWidth = leaves.reduce((sum, c) => sum + (fits(c) ? (c.columnDef.minSize ?? c.getSize()) : least(c)), 0);
  const tableRows = table.getRowModel().rows;

  return (
    <VirtualTable
      label="Traces"
      rowCount={rows.length}
      rowHeight={ROW_HEIGHT}
      minWidth={minWidth}
      onEndReached={onEndReached}
      header={table.getHeaderGroups().map((g) => (
        <VirtualHeaderRow key={g.id} template={template}>
          {g.headers.map((h) => {
            const key = SORTABLE[h.column.id];
            return (
              <div
                role="columnheader"
                key={h.id}
                aria-sort={orderBySort(orderBy, key)}
                className={`${h.column.id === SELECT_COLUMN ? 'px-1.5' : 'px-3'} py-2 text-left text-xs font-medium text-zinc-500 uppercase dark:text-zinc-400`}
              >
                {key ? (
                  <OrderByButton orderKey={key} orderBy={orderBy} onOrderBy={onOrderBy} className="uppercase">
                    {flexRender(h.column.columnDef.header, h.getContext())}
                  </OrderByButton>
                ) : (
                  flexRender(h.column.columnDef.header, h.getContext())
                )}
              </div>
            );
          })}
        </VirtualHeaderRow>
      ))}
      renderRow={(item) => {
        const row = tableRows[item.index]!;
        return (
          <VirtualRow
            key={row.id}
            item={item}
            template={template}
            height={ROW_HEIGHT}
            // The whole row opens the trace; its links (name, session) and checkbox keep their own targets.
            onClick={(e) => {
              if (!(e.target as HTMLElement).closest('a,button,input')) navigate(`/experiments/${experimentId}/traces/${row.original.id}`);
            }}
            className="cursor-pointer hover:bg-zinc-50 dark:hover:bg-zinc-800/40"
          >
            {row.getVisibleCells().map((cell) => (
              <div
                role="cell"
                key={cell.id}
                className={`flex min-w-0 items-center overflow-hidden ${cell.column.id === SELECT_COLUMN ? 'px-1.5' : 'px-3'} whitespace-nowrap`}
              >
                {flexRender(cell.column.columnDef.cell, cell.getContext())}
              </div>
            ))}
          </VirtualRow>
        );
      }}
      footer={loadingMore ? <div className="p-2 text-center text-xs text-zinc-400">Loading more traces…</div> : null}
    />
  );
}
