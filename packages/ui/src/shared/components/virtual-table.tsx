import { useVirtualizer, type VirtualItem } from '@tanstack/react-virtual';
import { useEffect, useRef, type HTMLAttributes } from 'react';

/** How near the end (in rows) the last rendered row must come before `onEndReached` asks for more. */
const END_REACHED_ROWS = 20;

/**
 * A scrolling ARIA table that renders only the rows in view (TanStack Virtual): a sticky header
 * rowgroup, then `rowCount` rows of `rowHeight` pixels drawn by `renderRow` (a `VirtualRow` each), and
 * `onEndReached` called when the rows in view come within 20 of the end (to load the next page).
 * Header and rows share one CSS grid `template`, and both are at least `minWidth` wide so their
 * tracks line up.
 *
 * @example
 * <VirtualTable label="Rows" rowCount={rows.length} rowHeight={44} minWidth={600}
 *   header={<VirtualHeaderRow template={template}><VirtualHeaderCell>Inputs</VirtualHeaderCell>…</VirtualHeaderRow>}
 *   renderRow={(item) => <VirtualRow key={rows[item.index].id} item={item} template={template} height={44}>…</VirtualRow>} />
 */
export function VirtualTable({
  label,
  rowCount,
  rowHeight,
  minWidth,
  header,
  renderRow,
  onEndReached,
  footer,
}: {
  label: string;
  rowCount: number;
  rowHeight: number;
  minWidth: number;
  /** The header row(s), inside the sticky header rowgroup. */
  header: React.ReactNode;
  renderRow: (item: VirtualItem) => React.ReactNode;
  onEndReached?: () => void;
  /** Shown under the rows, inside the scroller (a "Loading more" line). */
  footer?: React.ReactNode;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rowCount, getScrollElement: () => scroller.current, estimateSize: () => rowHeight, overscan: 10 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (onEndReached && lastIndex >= rowCount - END_REACHED_ROWS) onEndReached();
  }, [lastIndex, rowCount, onEndReached]);
  return (
    <div
      ref={scroller}
      role="table"
      aria-label={label}
      aria-rowcount={rowCount + 1}
      className="min-h-0 flex-1 overflow-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900"
    >
      <div role="rowgroup" style={{ minWidth }} className="sticky top-0 z-10 border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900">
        {header}
      </div>
      <div role="rowgroup" className="relative" style={{ height: virtualizer.getTotalSize(), minWidth }}>
        {items.map(renderRow)}
      </div>
      {footer}
    </div>
  );
}

/**
 * One row of a `VirtualTable`, placed at its virtual item's offset; `className` adds to the row's
 * look (a hover tint, a selection, a pointer), other attributes go to the row element.
 *
 * @example
 * <VirtualRow item={item} template={template} height={44} className="hover:bg-zinc-50">{cells}</VirtualRow>
 */
export function VirtualRow({
  item,
  template,
  height,
  className = '',
  ...props
}: HTMLAttributes<HTMLDivElement> & { item: VirtualItem; template: string; height: number }) {
  return (
    <div
      role="row"
      aria-rowindex={item.index + 2}
      className={`absolute right-0 left-0 grid items-center border-b border-zinc-100 text-[13px] dark:border-zinc-800/70 ${className}`}
      style={{ gridTemplateColumns: template, height, transform: `translateY(${item.start}px)` }}
      {...props}
    />
  );
}

/**
 * The header row of a `VirtualTable`, on the rows' grid `template`.
 *
 * @example
 * <VirtualHeaderRow template="1fr 120px"><VirtualHeaderCell>Inputs</VirtualHeaderCell><VirtualHeaderCell>Change</VirtualHeaderCell></VirtualHeaderRow>
 */
export function VirtualHeaderRow({ template, children }: { template: string; children: React.ReactNode }) {
  return (
    <div role="row" className="grid" style={{ gridTemplateColumns: template }}>
      {children}
    </div>
  );
}

/**
 * A plain column header of a `VirtualHeaderRow` (a sortable one wraps its label in a button and sets `aria-sort`).
 *
 * @example
 * <VirtualHeaderCell title="correctness: baseline → candidate">correctness</VirtualHeaderCell>
 */
export function VirtualHeaderCell(props: HTMLAttributes<HTMLDivElement>) {
  return <div role="columnheader" className="truncate px-3 py-2 text-left text-xs font-medium text-zinc-500 dark:text-zinc-400" {...props} />;
}
