import { createColumnHelper } from '@tanstack/react-table';
import { useEffect, useRef } from 'react';
import type { TraceSummary } from '../lib/trace-info';

const col = createColumnHelper<TraceSummary>();

function Checkbox({
  checked,
  indeterminate = false,
  label,
  onChange,
}: {
  checked: boolean;
  indeterminate?: boolean;
  label: string;
  onChange: (e: unknown) => void;
}) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = indeterminate;
  }, [indeterminate]);
  return <input ref={ref} type="checkbox" aria-label={label} checked={checked} onChange={onChange} className="size-3.5 cursor-pointer accent-indigo-600" />;
}

/**
 * The traces table's selection column: a checkbox per row and one in the header for every loaded row.
 * The selection itself lives with the table's owner (TracesPage), for the actions on selected traces.
 *
 * @example
 * const columns = [traceSelectionColumn(), ...traceColumns(experimentId, widths)];
 */
export function traceSelectionColumn() {
  return col.display({
    id: 'select',
    size: 36,
    header: ({ table }) => (
      <Checkbox
        label="Select all traces"
        checked={table.getIsAllRowsSelected()}
        indeterminate={table.getIsSomeRowsSelected()}
        onChange={table.getToggleAllRowsSelectedHandler()}
      />
    ),
    cell: ({ row }) => <Checkbox label={`Select trace ${row.original.id}`} checked={row.getIsSelected()} onChange={row.getToggleSelectedHandler()} />,
  });
}
