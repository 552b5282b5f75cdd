import type { Run } from '@loupe/protocol';
import { createColumnHelper, type ColumnDef } from '@tanstack/react-table';
import { Link } from 'react-router';
import { StatusBadge } from '../../../shared/components/status-badge';
import { formatDuration, formatMetric, formatRelative, formatTimestamp } from '../../../shared/lib/format';
import { keyWithName } from '../../search/lib/filter-autocomplete';
import { RUN_USER_SORT_KEY, runDuration, runUser, runValue, type RunKeys } from '../lib/run-values';

const col = createColumnHelper<Run>();

/** Header groups of the runs table: params, metrics and tags sit under their kind. */
export type RunColumnGroup = 'Run' | 'Metrics' | 'Params' | 'Tags';

/**
 * The runs table's columns: selection, name, status, start, duration, user, then one per metric,
 * param and tag; each carries its group and, when sortable, its `order_by` key in `meta`.
 *
 * @example
 * runColumns({ experimentId: '1', keys, selected: new Set(), onToggle: toggle, now: Date.now() });
 */
export function runColumns({
  experimentId,
  keys,
  selected,
  onToggle,
  now,
}: {
  experimentId: string;
  keys: RunKeys;
  selected: ReadonlySet<string>;
  onToggle: (runId: string) => void;
  now: number;
}): ColumnDef<Run, unknown>[] {
  const meta = (group: RunColumnGroup, sortKey?: string) => ({ group, sortKey });
  const cols: ColumnDef<Run, unknown>[] = [
    col.display({
      id: 'select',
      size: 36,
      header: () => <span className="sr-only">Select</span>,
      cell: (c) => (
        <input
          type="checkbox"
          aria-label={`Select ${c.row.original.info.run_name}`}
          checked={selected.has(c.row.original.info.run_id)}
          onChange={() => onToggle(c.row.original.info.run_id)}
        />
      ),
      meta: meta('Run'),
    }),
    col.accessor((r) => r.info.run_name, {
      id: 'name',
      header: 'Run',
      size: 200,
      cell: (c) => (
        <Link
          to={`/experiments/${experimentId}/runs/${c.row.original.info.run_id}`}
          className="truncate font-medium text-indigo-600 hover:underline dark:text-indigo-400"
        >
          {c.getValue()}
        </Link>
      ),
      meta: meta('Run', 'attributes.run_name'),
    }) as ColumnDef<Run, unknown>,
    col.accessor((r) => r.info.status, {
      id: 'status',
      header: 'Status',
      size: 100,
      cell: (c) => <StatusBadge status={c.getValue()} />,
      meta: meta('Run', 'attributes.status'),
    }) as ColumnDef<Run, unknown>,
    col.accessor((r) => r.info.start_time, {
      id: 'start',
      header: 'Started',
      size: 110,
      cell: (c) => <span title={formatTimestamp(c.getValue())}>{formatRelative(c.getValue())}</span>,
      meta: meta('Run', 'attributes.start_time'),
    }) as ColumnDef<Run, unknown>,
    col.display({
      id: 'duration',
      header: 'Duration',
      size: 90,
      cell: (c) => <span className="tabular-nums">{formatDuration(runDuration(c.row.original, now))}</span>,
      meta: meta('Run'),
    }),
    col.accessor((r) => runUser(r), {
      id: 'user',
      header: 'User',
      size: 120,
      cell: (c) => {
        const user = c.getValue() as string | undefined;
        return user ? (
          <span className="truncate" title={user}>
            {user}
          </span>
        ) : (
          <span className="text-zinc-400">—</span>
        );
      },
      meta: meta('Run', RUN_USER_SORT_KEY),
    }) as ColumnDef<Run, unknown>,
  ];
  for (const k of keys.metrics)
    cols.push(
      col.accessor((r) => runValue(r, 'metrics', k), {
        id: `m:${k}`,
        header: k,
        size: 110,
        cell: (c) => <span className="tabular-nums">{formatMetric(c.getValue() as number | undefined)}</span>,
        meta: meta('Metrics', keyWithName('metrics', k)),
      }) as ColumnDef<Run, unknown>,
    );
  for (const k of keys.params)
    cols.push(
      col.accessor((r) => runValue(r, 'params', k), {
        id: `p:${k}`,
        header: k,
        size: 110,
        cell: (c) => <span className="truncate">{(c.getValue() as string | undefined) ?? '—'}</span>,
        meta: meta('Params', keyWithName('params', k)),
      }) as ColumnDef<Run, unknown>,
    );
  for (const k of keys.tags)
    cols.push(
      col.accessor((r) => runValue(r, 'tags', k), {
        id: `t:${k}`,
        header: k,
        size: 120,
        cell: (c) => <span className="truncate">{(c.getValue() as string | undefined) ?? '—'}</span>,
        meta: meta('Tags', keyWithName('tags', k)),
      }) as ColumnDef<Run, unknown>,
    );
  return cols;
}
