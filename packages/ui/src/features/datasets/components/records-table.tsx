import type { DatasetRecordWire } from '@loupe/protocol';
import { Link } from 'react-router';
import { Button } from '../../../shared/components/button';
import { formatRelative, formatTimestamp, truncate } from '../../../shared/lib/format';
import { compactJson } from '../lib/dataset-wire';

/** A JSON value in one cell: compact, cut short, whole on hover. */
function JsonCell({ value, width = 'max-w-[13rem]' }: { value: unknown; width?: string }) {
  const text = compactJson(value);
  const empty = !text || text === '{}' || text === 'null';
  return empty ? (
    <span className="text-zinc-400">—</span>
  ) : (
    <span className={`block ${width} truncate font-mono text-xs`} title={typeof value === 'string' ? value : JSON.stringify(value, null, 2)}>
      {truncate(text, 300)}
    </span>
  );
}

/** Where a record came from; a trace links to its page. */
function SourceCell({ record, experimentId }: { record: DatasetRecordWire; experimentId: string }) {
  const type = record.source_type ?? record.source?.source_type;
  const traceId = record.source_id ?? (typeof record.source?.source_data.trace_id === 'string' ? record.source.source_data.trace_id : undefined);
  if (!type) return <span className="text-zinc-400">—</span>;
  if (type === 'TRACE' && traceId)
    return (
      <Link
        to={`/experiments/${experimentId}/traces/${encodeURIComponent(traceId)}`}
        className="font-mono text-xs text-indigo-600 hover:underline dark:text-indigo-400"
        title={traceId}
      >
        Trace {truncate(traceId, 14)}
      </Link>
    );
  return (
    <span className="text-xs" title={record.source_id}>
      {type}
    </span>
  );
}

/**
 * A page of a dataset's records: inputs, expectations, outputs, source (a trace links to it), tags and
 * last update, each row selectable (for deleting) and editable.
 *
 * @example
 * <RecordsTable experimentId="1" records={page.records} selected={ids} onSelect={setIds} onEdit={setEditing} />
 */
export function RecordsTable({
  experimentId,
  records,
  selected,
  onSelect,
  onEdit,
}: {
  experimentId: string;
  records: DatasetRecordWire[];
  selected: ReadonlySet<string>;
  onSelect: (ids: Set<string>) => void;
  onEdit: (record: DatasetRecordWire) => void;
}) {
  const allSelected = records.length > 0 && records.every((r) => selected.has(r.dataset_record_id));
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    onSelect(next);
  };
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <table className="w-full text-sm" aria-label="Records">
        <thead className="border-b border-zinc-200 bg-zinc-50 text-left text-xs font-medium text-zinc-500 uppercase dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400">
          <tr>
            <th className="w-8 px-3 py-2">
              <input
                type="checkbox"
                aria-label="Select all records on this page"
                checked={allSelected}
                onChange={() => onSelect(allSelected ? new Set() : new Set(records.map((r) => r.dataset_record_id)))}
              />
            </th>
            <th className="px-3 py-2 font-medium">Inputs</th>
            <th className="px-3 py-2 font-medium">Expectations</th>
            <th className="px-3 py-2 font-medium">Outputs</th>
            <th className="px-3 py-2 font-medium">Source</th>
            <th className="px-3 py-2 font-medium">Tags</th>
            <th className="px-3 py-2 font-medium whitespace-nowrap">Last updated</th>
            <th className="w-px px-3 py-2">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {records.map((r, i) => (
            <tr
              key={r.dataset_record_id}
              aria-label={`Record ${i + 1}`}
              className="border-b border-zinc-100 align-top last:border-0 hover:bg-zinc-50 dark:border-zinc-800/60 dark:hover:bg-zinc-800/40"
            >
              <td className="px-3 py-2.5">
                <input
                  type="checkbox"
                  aria-label={`Select record ${i + 1}`}
                  checked={selected.has(r.dataset_record_id)}
                  onChange={() => toggle(r.dataset_record_id)}
                />
              </td>
              <td className="px-3 py-2.5">
                <JsonCell value={r.inputs} />
              </td>
              <td className="px-3 py-2.5">
                <JsonCell value={r.expectations} />
              </td>
              <td className="px-3 py-2.5">
                <JsonCell value={r.outputs} />
              </td>
              <td className="px-3 py-2.5 whitespace-nowrap">
                <SourceCell record={r} experimentId={experimentId} />
              </td>
              <td className="px-3 py-2.5">
                <JsonCell value={r.tags} width="max-w-[9rem]" />
              </td>
              <td className="px-3 py-2.5 text-xs whitespace-nowrap text-zinc-600 dark:text-zinc-400" title={formatTimestamp(r.last_update_time)}>
                {formatRelative(r.last_update_time)}
              </td>
              <td className="px-3 py-2.5 text-right">
                <Button size="sm" variant="ghost" aria-label={`Edit record ${i + 1}`} onClick={() => onEdit(r)}>
                  Edit
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
