import type { Run } from '@loupe/protocol';
import { flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import { useNavigate } from 'react-router';
import { OrderByButton, orderBySort } from '../../../shared/components/order-by-button';
import type { RunKeys } from '../lib/run-values';
import { runColumns, type RunColumnGroup } from './run-columns';

const ROW_HEIGHT = 36;

/**
 * The virtualized runs table: name, status, start, duration, user, then a column per metric, param
 * and tag. Sorting is the server's `order_by`; selection feeds the comparison.
 *
 * @example
 * <RunsTable experimentId="1" runs={runs} keys={keys} orderBy={o} onOrderBy={setO} selected={sel} onSelect={setSel} onEndReached={next} />
 */
export function RunsTable({
  experimentId,
  runs,
  keys,
  orderBy,
  onOrderBy,
  selected,
  onToggle,
  onEndReached,
}: {
  experimentId: string;
  runs: Run[];
  keys: RunKeys;
  orderBy: string;
  onOrderBy: (o: string) => void;
  selected: ReadonlySet<string>;
  onToggle: (runId: string) => void;
  onEndReached: () => void;
}) {
  const now = Date.now();
  const columns = useMemo(() => runColumns({ experimentId, keys, selected, onToggle, now }), [experimentId, keys, selected, onToggle, now]);
  const table = useReactTable({ data: runs, columns, getCoreRowModel: getCoreRowModel(), manualSorting: true, getRowId: (r) => r.info.run_id });
  const leaf = table.getVisibleLeafColumns();
  const template = leaf.map((c) => `${c.getSize()}px`).join(' ');
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: runs.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (lastIndex >= runs.length - 20) onEndReached();
  }, [lastIndex, runs.length, onEndReached]);
  const groups: { group: RunColumnGroup; span: number }[] = [];
  for (const c of leaf) {
    const g = (c.columnDef.meta as { group: RunColumnGroup }).group;
    if (groups.at(-1)?.group === g) groups.at(-1)!.span++;
    else groups.push({ group: g, span: 1 });
  }
  const rows = table.getRowModel().rows;
  const navigate = useNavigate();
  return (
    <div
      ref={scroller}
      role="table"
      aria-label="Runs"
      aria-rowcount={runs.length + 1}
      className="min-h-0 flex-1 overflow-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900"
    >
      <div role="rowgroup" className="sticky top-0 z-10 min-w-max border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900">
        <div className="grid min-w-max text-[10px] font-semibold tracking-wide text-zinc-400 uppercase" style={{ gridTemplateColumns: template }} aria-hidden>
          {groups.map((g, i) => (
            <div
              key={i}
              style={{ gridColumn: `span ${g.span}` }}
              className={`px-3 pt-1.5 ${g.group !== 'Run' ? 'border-l border-zinc-200 dark:border-zinc-800' : ''}`}
            >
              {g.group !== 'Run' ? g.group : ''}
            </div>
          ))}
        </div>
        <div role="row" className="grid min-w-max" style={{ gridTemplateColumns: template }}>
          {table.getHeaderGroups()[0]!.headers.map((h) => {
            const key = (h.column.columnDef.meta as { sortKey?: string }).sortKey;
            return (
              <div
                role="columnheader"
                key={h.id}
                aria-sort={orderBySort(orderBy, key)}
                className="truncate px-3 py-1.5 text-left text-xs font-medium text-zinc-600 dark:text-zinc-300"
                title={String(h.column.columnDef.header ?? '')}
              >
                {key ? (
                  <OrderByButton orderKey={key} orderBy={orderBy} onOrderBy={onOrderBy} className="max-w-full">
                    <span className="truncate">{flexRender(h.column.columnDef.header, h.getContext())}</span>
                  </OrderByButton>
                ) : (
                  flexRender(h.column.columnDef.header, h.getContext())
                )}
              </div>
            );
          })}
        </div>
      </div>
      <div role="rowgroup" className="relative min-w-max" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const row = rows[item.index]!;
          return (
            <div
              role="row"
              key={row.id}
              aria-selected={selected.has(row.id)}
              // The whole row opens the run; its checkbox and link keep their own behaviour.
              onClick={(e) => {
                if (!(e.target as HTMLElement).closest('a,button,input')) navigate(`/experiments/${experimentId}/runs/${row.id}`);
              }}
              className={`absolute right-0 left-0 grid min-w-max cursor-pointer items-center border-b border-zinc-100 text-[13px] dark:border-zinc-800/70 ${selected.has(row.id) ? 'bg-indigo-50/60 dark:bg-indigo-500/10' : 'hover:bg-zinc-50 dark:hover:bg-zinc-800/40'}`}
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
    </div>
  );
}
