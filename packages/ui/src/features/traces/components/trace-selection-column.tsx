import { createColumnHelper } from '@tanstack/react-table';
import { useEffect, useRef } from 'react';
import type { TraceSummary } from '../lib/trace-info';

const col = createColumnHelper<TraceSummary>();

/**
 * The selection column's id: its cells take less padding than the others.
 *
 * @example
 * const pad = column.id === SELECT_COLUMN ? 'px-1.5' : 'px-3';
 */
export const SELECT_COLUMN = 'select';

/**
 * The selection column's width: a 14 px box and 6 px either side.
 *
 * @example
 * const requestLeast = 180 - SELECT_COLUMN_WIDTH;
 */
export const SELECT_COLUMN_WIDTH = 26;

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
    id: SELECT_COLUMN,
    size: SELECT_COLUMN_WIDTH,
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
