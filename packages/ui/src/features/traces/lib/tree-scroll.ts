/**
 * Where the span tree's list of fixed-height rows is scrolled: a span centred in the viewport, or a row
 * kept in place while rows are added above it. Pure geometry, tested without a browser.
 */
import { rowKey, type SpanTreeRow } from './span-tree';

/**
 * Height of one row of the span tree, in CSS pixels.
 *
 * @example
 * const top = index * TREE_ROW_HEIGHT;
 */
export const TREE_ROW_HEIGHT = 28;

/** A row held in place: its key and its top's distance above the viewport's top (negative when below it). */
export interface ScrollAnchor {
  key: string;
  offset: number;
}

/**
 * The scroll offset that puts row `index` in the middle of a viewport `height` tall, as near as the
 * list's ends allow.
 *
 * @example
 * centredOffset(3000, 504, 10_000); // 83762
 */
export function centredOffset(index: number, height: number, count: number, rowHeight = TREE_ROW_HEIGHT): number {
  const max = Math.max(0, count * rowHeight - height);
  return Math.min(max, Math.max(0, Math.round(index * rowHeight + rowHeight / 2 - height / 2)));
}

/**
 * The row to hold in place at a scroll position: the first span row on screen (a loading row is
 * replaced by what it loads, so it cannot hold the place), else the first row on screen.
 *
 * @example
 * const anchor = anchorAt(rows, el.scrollTop, el.clientHeight);
 */
export function anchorAt(rows: readonly SpanTreeRow[], scrollTop: number, height: number, rowHeight = TREE_ROW_HEIGHT): ScrollAnchor | undefined {
  const from = Math.max(0, Math.floor(scrollTop / rowHeight));
  const to = Math.min(rows.length, Math.ceil((scrollTop + height) / rowHeight));
  let index = from;
  while (index < to && rows[index]?.kind !== 'span') index++;
  if (index >= to) index = from;
  const row = rows[index];
  return row ? { key: rowKey(row), offset: scrollTop - index * rowHeight } : undefined;
}

/**
 * The scroll offset that puts an anchored row back where it was, among rows that changed; undefined
 * when the row is gone.
 *
 * @example
 * const top = anchoredOffset(rows, anchor);
 */
export function anchoredOffset(rows: readonly SpanTreeRow[], anchor: ScrollAnchor, rowHeight = TREE_ROW_HEIGHT): number | undefined {
  const index = rows.findIndex((r) => rowKey(r) === anchor.key);
  return index < 0 ? undefined : Math.max(0, index * rowHeight + anchor.offset);
}
