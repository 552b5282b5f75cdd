import type { SpanTreeRow } from './span-tree';

/** What a key press in the span tree does: select a span, open or close one, or nothing. */
export type TreeKeyAction = { select: string } | { expand: string; open: boolean } | null;

/** Keys the span tree handles (the rest go to the page). */
export const TREE_KEYS = new Set(['ArrowDown', 'ArrowUp', 'ArrowRight', 'ArrowLeft', 'Home', 'End']);

function spanFrom(rows: readonly SpanTreeRow[], from: number, step: 1 | -1): TreeKeyAction {
  for (let i = from + step; i >= 0 && i < rows.length; i += step) {
    const r = rows[i];
    if (r?.kind === 'span') return { select: r.id };
  }
  return null;
}

/**
 * The tree-view keyboard pattern (WAI-ARIA): Down/Up move, Right opens a closed span or moves into
 * an open one, Left closes an open span or moves to the parent, Home/End jump to the first/last row.
 * `more` rows (children still to read) are skipped.
 *
 * @example
 * treeKeyAction(rows, 0, 'ArrowDown', parentOf); // { select: '<id of the next span row>' }
 */
export function treeKeyAction(rows: readonly SpanTreeRow[], selectedIndex: number, key: string, parentOf: (id: string) => string | undefined): TreeKeyAction {
  const current = rows[selectedIndex];
  const row = current?.kind === 'span' ? current : undefined;
  switch (key) {
    case 'ArrowDown':
      return spanFrom(rows, selectedIndex, 1);
    case 'ArrowUp':
      return spanFrom(rows, selectedIndex < 0 ? rows.length : selectedIndex, -1);
    case 'Home':
      return spanFrom(rows, -1, 1);
    case 'End':
      return spanFrom(rows, rows.length, -1);
    case 'ArrowRight':
      if (!row?.hasChildren) return null;
      return row.expanded ? spanFrom(rows, selectedIndex, 1) : { expand: row.id, open: true };
    case 'ArrowLeft': {
      if (!row) return null;
      if (row.hasChildren && row.expanded) return { expand: row.id, open: false };
      const parent = parentOf(row.id);
      return parent ? { select: parent } : null;
    }
    default:
      return null;
  }
}
