import type { Run } from '@loupe/protocol';
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable, type ColumnDef } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import { Link } from 'react-router';
import { StatusBadge } from '../../../shared/components/status-badge';
import { formatDuration, formatMetric, formatRelative, formatTimestamp } from '../../../shared/lib/format';
import { keyWithName } from '../../search/lib/filter-autocomplete';
import { runDuration, runValue, type RunKeys } from '../lib/run-values';

const ROW_HEIGHT = 36;
const col = createColumnHelper<Run>();

/** Header groups of the table (params, metrics and tags are grouped under their kind). */
type Group = 'Run' | 'Metrics' | 'Params' | 'Tags';

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
  const columns = useMemo(() => {
    const meta = (group: Group, sortKey?: string) => ({ group, sortKey });
    const cols: ColumnDef<Run, unknown>[] = [
      col.display({
        id: 'select',
        size: 36,
        header: () => <span className="sr-only">Select</span>,
        cell: (c) => <input type="checkbox" aria-label={`Select ${c.row.original.info.run_name}`} checked={selected.has(c.row.original.info.run_id)} onChange={() => onToggle(c.row.original.info.run_id)} />,
        meta: meta('Run'),
      }),
      col.accessor((r) => r.info.run_name, {
        id: 'name',
        header: 'Run',
        size: 200,
        cell: (c) => (
          <Link to={`/experiments/${experimentId}/runs/${c.row.original.info.run_id}`} className="truncate font-medium text-indigo-600 hover:underline dark:text-indigo-400">
            {c.getValue()}
          </Link>
        ),
        meta: meta('Run', 'attributes.run_name'),
      }) as ColumnDef<Run, unknown>,
      col.accessor((r) => r.info.status, { id: 'status', header: 'Status', size: 100, cell: (c) => <StatusBadge status={c.getValue()} />, meta: meta('Run', 'attributes.status') }) as ColumnDef<Run, unknown>,
      col.accessor((r) => r.info.start_time, {
        id: 'start',
        header: 'Started',
        size: 110,
        cell: (c) => <span title={formatTimestamp(c.getValue())}>{formatRelative(c.getValue())}</span>,
        meta: meta('Run', 'attributes.start_time'),
      }) as ColumnDef<Run, unknown>,
      col.display({ id: 'duration', header: 'Duration', size: 90, cell: (c) => <span className="tabular-nums">{formatDuration(runDuration(c.row.original, now))}</span>, meta: meta('Run') }),
      col.accessor((r) => r.info.user_id, { id: 'user', header: 'User', size: 100, meta: meta('Run', 'attributes.user_id') }) as ColumnDef<Run, unknown>,
    ];
    for (const k of keys.metrics) cols.push(col.accessor((r) => runValue(r, 'metrics', k), { id: `m:${k}`, header: k, size: 110, cell: (c) => <span className="tabular-nums">{formatMetric(c.getValue() as number | undefined)}</span>, meta: meta('Metrics', keyWithName('metrics', k)) }) as ColumnDef<Run, unknown>);
    for (const k of keys.params) cols.push(col.accessor((r) => runValue(r, 'params', k), { id: `p:${k}`, header: k, size: 110, cell: (c) => <span className="truncate">{(c.getValue() as string | undefined) ?? '—'}</span>, meta: meta('Params', keyWithName('params', k)) }) as ColumnDef<Run, unknown>);
    for (const k of keys.tags) cols.push(col.accessor((r) => runValue(r, 'tags', k), { id: `t:${k}`, header: k, size: 120, cell: (c) => <span className="truncate">{(c.getValue() as string | undefined) ?? '—'}</span>, meta: meta('Tags', keyWithName('tags', k)) }) as ColumnDef<Run, unknown>);
    return cols;
  }, [experimentId, keys, selected, onToggle, now]);
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
  const [sortKey, sortDir] = [orderBy.slice(0, orderBy.lastIndexOf(' ')), orderBy.slice(orderBy.lastIndexOf(' ') + 1)];
  const groups: { group: Group; span: number }[] = [];
  for (const c of leaf) {
    const g = (c.columnDef.meta as { group: Group }).group;
    if (groups.at(-1)?.group === g) groups.at(-1)!.span++;
    else groups.push({ group: g, span: 1 });
  }
  const rows = table.getRowModel().rows;
  return (
    <div ref={scroller} role="table" aria-label="Runs" aria-rowcount={runs.length + 1} className="min-h-0 flex-1 overflow-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <div role="rowgroup" className="sticky top-0 z-10 min-w-max border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900">
        <div className="grid min-w-max text-[10px] font-semibold tracking-wide text-zinc-400 uppercase" style={{ gridTemplateColumns: template }} aria-hidden>
          {groups.map((g, i) => (
            <div key={i} style={{ gridColumn: `span ${g.span}` }} className={`px-3 pt-1.5 ${g.group !== 'Run' ? 'border-l border-zinc-200 dark:border-zinc-800' : ''}`}>
              {g.group !== 'Run' ? g.group : ''}
            </div>
          ))}
        </div>
        <div role="row" className="grid min-w-max" style={{ gridTemplateColumns: template }}>
          {table.getHeaderGroups()[0]!.headers.map((h) => {
            const key = (h.column.columnDef.meta as { sortKey?: string }).sortKey;
            const active = key === sortKey;
            return (
              <div role="columnheader" key={h.id} aria-sort={active ? (sortDir === 'ASC' ? 'ascending' : 'descending') : undefined} className="truncate px-3 py-1.5 text-left text-xs font-medium text-zinc-600 dark:text-zinc-300" title={String(h.column.columnDef.header ?? '')}>
                {key ? (
                  <button type="button" onClick={() => onOrderBy(`${key} ${active && sortDir === 'DESC' ? 'ASC' : 'DESC'}`)} className="inline-flex max-w-full items-center gap-1 hover:text-zinc-900 dark:hover:text-white">
                    <span className="truncate">{flexRender(h.column.columnDef.header, h.getContext())}</span>
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
      </div>
      <div role="rowgroup" className="relative min-w-max" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const row = rows[item.index]!;
          return (
            <div
              role="row"
              key={row.id}
              aria-selected={selected.has(row.id)}
              className={`absolute right-0 left-0 grid min-w-max items-center border-b border-zinc-100 text-[13px] dark:border-zinc-800/70 ${selected.has(row.id) ? 'bg-indigo-50/60 dark:bg-indigo-500/10' : 'hover:bg-zinc-50 dark:hover:bg-zinc-800/40'}`}
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
