import { describe, expect, it } from 'vitest';
import { ROOT_ID, SpanTree, type SpanSummary } from './span-tree';
import { treeKeyAction } from './tree-keys';

const span = (id: string, parent: string | undefined, start: number, childCount = 0): SpanSummary => ({
  span_id: id,
  ...(parent ? { parent_span_id: parent } : {}),
  name: id,
  type: 'CHAIN',
  status: 'OK',
  start_time_us: start,
  end_time_us: start + 1,
  child_count: childCount,
});

describe('treeKeyAction', () => {
  const tree = SpanTree.fromAllSpans([span('r', undefined, 0, 2), span('a', 'r', 1, 1), span('a1', 'a', 2), span('b', 'r', 3)]);
  const parentOf = (id: string) => {
    const p = tree.parentOf(id);
    return p === ROOT_ID ? undefined : p;
  };
  const rows = tree.rows();
  const at = (id: string) => rows.findIndex((r) => r.kind === 'span' && r.id === id);

  it('moves down, up, home and end', () => {
    expect(treeKeyAction(rows, at('r'), 'ArrowDown', parentOf)).toEqual({ select: 'a' });
    expect(treeKeyAction(rows, at('b'), 'ArrowDown', parentOf)).toBeNull();
    expect(treeKeyAction(rows, at('a1'), 'ArrowUp', parentOf)).toEqual({ select: 'a' });
    expect(treeKeyAction(rows, -1, 'ArrowUp', parentOf)).toEqual({ select: 'b' });
    expect(treeKeyAction(rows, at('b'), 'Home', parentOf)).toEqual({ select: 'r' });
    expect(treeKeyAction(rows, at('r'), 'End', parentOf)).toEqual({ select: 'b' });
  });

  it('opens, enters, closes and leaves with Right and Left', () => {
    expect(treeKeyAction(rows, at('a'), 'ArrowRight', parentOf)).toEqual({ select: 'a1' });
    expect(treeKeyAction(rows, at('a'), 'ArrowLeft', parentOf)).toEqual({ expand: 'a', open: false });
    expect(treeKeyAction(rows, at('a1'), 'ArrowLeft', parentOf)).toEqual({ select: 'a' });
    expect(treeKeyAction(rows, at('r'), 'ArrowLeft', parentOf)).toEqual({ expand: 'r', open: false });
    expect(treeKeyAction(rows, at('b'), 'ArrowRight', parentOf)).toBeNull();
    tree.setExpanded('a', false);
    const closed = tree.rows();
    expect(
      treeKeyAction(
        closed,
        closed.findIndex((r) => r.kind === 'span' && r.id === 'a'),
        'ArrowRight',
        parentOf,
      ),
    ).toEqual({ expand: 'a', open: true });
    expect(treeKeyAction(closed, 0, 'Tab', parentOf)).toBeNull();
  });

  it('skips rows of children still to read', () => {
    const paged = new SpanTree();
    paged.addChildrenPage(ROOT_ID, [span('r', undefined, 0, 3)], undefined);
    paged.addChildrenPage('r', [span('c1', 'r', 1)], 'next');
    paged.addAround([{ parent_span_id: 'r', spans: [span('c3', 'r', 5)], prev_page_token: 'before-c3' }], 'c3');
    const pagedRows = paged.rows();
    expect(pagedRows.map((r) => r.kind)).toEqual(['span', 'span', 'more', 'span']);
    expect(treeKeyAction(pagedRows, 1, 'ArrowDown', () => undefined)).toEqual({ select: 'c3' });
  });
});
