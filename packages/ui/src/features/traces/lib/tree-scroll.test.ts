import { describe, expect, it } from 'vitest';
import { ROOT_ID, SpanTree, type SpanSummary } from './span-tree';
import { anchorAt, anchoredOffset, centredOffset } from './tree-scroll';

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

describe('tree scroll geometry', () => {
  it('centres a row in the viewport, as near as the ends of the list allow', () => {
    // Row 100 (top 2800) in a 504px viewport: its middle, 2814, at 252 below the top.
    expect(centredOffset(100, 504, 1000)).toBe(2562);
    expect(centredOffset(2, 504, 1000)).toBe(0);
    expect(centredOffset(999, 504, 1000)).toBe(1000 * 28 - 504);
    expect(centredOffset(0, 504, 5)).toBe(0);
  });

  it('holds the first span row on screen in place when a page comes in above it', () => {
    const tree = new SpanTree();
    tree.addChildrenPage(ROOT_ID, [span('r', undefined, 0, 3)], undefined);
    tree.addChildrenPage('r', [span('a', 'r', 1, 2), span('b', 'r', 5)], 'more-after-b');
    // Rows: r, a, …a (loading), b, …r. Scrolled so the loading row is at the top.
    const before = tree.rows();
    const anchor = anchorAt(before, 2 * 28, 3 * 28)!;
    // A loading row is replaced by what it loads: the span below it holds the place, a row below the top.
    expect(anchor).toEqual({ key: 'span:b', offset: -28 });
    // A span row partly on screen at the top holds it itself.
    expect(anchorAt(before, 28 + 14, 3 * 28)).toEqual({ key: 'span:a', offset: 14 });
    tree.addChildrenPage('a', [span('a1', 'a', 2), span('a2', 'a', 3)], undefined, tree.gapRead('a', 0));
    const after = tree.rows();
    // b moved down one row (two children for one loading row): so does the scroll position.
    expect(anchoredOffset(after, anchor)).toBe(2 * 28 + 28);
    expect(anchoredOffset(after, { key: 'span:gone', offset: 0 })).toBeUndefined();
  });

  it('holds a loading row when no span row is on screen', () => {
    const tree = new SpanTree();
    expect(anchorAt(tree.rows(), 0, 100)).toEqual({ key: 'more::0', offset: 0 });
    expect(anchorAt([], 0, 100)).toBeUndefined();
  });
});
