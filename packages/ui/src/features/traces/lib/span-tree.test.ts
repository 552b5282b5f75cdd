import { describe, expect, it } from 'vitest';
import { ROOT_ID, SpanTree, type SpanSummary } from './span-tree';

const span = (id: string, parent: string | undefined, start: number, childCount = 0, end = start + 10): SpanSummary => ({
  span_id: id,
  ...(parent ? { parent_span_id: parent } : {}),
  name: `span-${id}`,
  type: 'CHAIN',
  status: 'OK',
  start_time_us: start,
  end_time_us: end,
  child_count: childCount,
});

const shape = (tree: SpanTree) =>
  tree.rows().map((r) => (r.kind === 'span' ? `${'  '.repeat(r.depth)}${r.id}` : `${'  '.repeat(r.depth)}…${r.parentId || 'roots'}`));

describe('SpanTree from every span', () => {
  it('nests children under parents in start order, all expanded', () => {
    const tree = SpanTree.fromAllSpans([span('c', 'a', 5), span('a', undefined, 0, 2, 100), span('b', 'a', 1, 1), span('d', 'b', 2)]);
    expect(shape(tree)).toEqual(['a', '  b', '    d', '  c']);
    expect(tree.parentOf('d')).toBe('b');
    expect(tree.parentOf('a')).toBe(ROOT_ID);
    expect(tree.timeRange(0)).toEqual({ startUs: 0, endUs: 100 });
  });

  it('makes spans whose parent never arrived roots, and survives cycles and self-parents', () => {
    const tree = SpanTree.fromAllSpans([span('x', 'missing', 3), span('r', undefined, 0, 1), span('p', 'q', 1, 1), span('q', 'p', 2, 1), span('s', 's', 4)]);
    // p and q point at each other: neither is reachable from a root, and neither loops the walk.
    expect(shape(tree)).toEqual(['r', 'x', 's']);
    const ids = tree.rows().map((r) => (r.kind === 'span' ? r.id : ''));
    expect(ids).toContain('x');
    expect(ids).toContain('s');
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('collapses and expands', () => {
    const tree = SpanTree.fromAllSpans([span('a', undefined, 0, 1), span('b', 'a', 1)]);
    const v = tree.version;
    tree.setExpanded('a', false);
    expect(tree.version).toBeGreaterThan(v);
    expect(shape(tree)).toEqual(['a']);
    expect(tree.collapsedIds()).toEqual(['a']);
    tree.setExpanded('a', true);
    expect(shape(tree)).toEqual(['a', '  b']);
  });

  it('measures running spans up to now', () => {
    const running = { ...span('a', undefined, 100), end_time_us: undefined } as SpanSummary;
    expect(SpanTree.fromAllSpans([running]).timeRange(500)).toEqual({ startUs: 100, endUs: 500 });
    expect(new SpanTree().timeRange(5)).toEqual({ startUs: 0, endUs: 1 });
  });
});

describe('SpanTree filled page by page', () => {
  it('asks for the roots, then each expanded span’s children, with a more row where pages remain', () => {
    const tree = new SpanTree();
    expect(shape(tree)).toEqual(['…roots']);
    tree.addChildrenPage(ROOT_ID, [span('r', undefined, 0, 3, 1000)], undefined);
    expect(shape(tree)).toEqual(['r', '  …r']);
    expect(tree.needsChildren('r')).toBe(true);
    expect(tree.gapRead('r', 0)).toEqual({ from: 'start' });
    tree.addChildrenPage('r', [span('c1', 'r', 1), span('c2', 'r', 2, 2)], 'token-1');
    expect(shape(tree)).toEqual(['r', '  c1', '  c2', '    …c2', '  …r']);
    const more = tree.rows().at(-1);
    expect(more).toMatchObject({ kind: 'more', parentId: 'r', gap: 1, loaded: 2, total: 3 });
    const read = tree.gapRead('r', 1);
    expect(read).toEqual({ from: 'after', token: 'token-1', lastId: 'c2' });
    tree.addChildrenPage('r', [span('c3', 'r', 3)], undefined, read);
    expect(tree.needsChildren('r')).toBe(false);
    tree.setExpanded('c2', false);
    expect(shape(tree)).toEqual(['r', '  c1', '  c2', '  c3']);
  });

  it('re-reads a complete list when a refresh says more children arrived, without duplicates', () => {
    const tree = new SpanTree();
    tree.addChildrenPage(ROOT_ID, [span('r', undefined, 0, 1)], undefined);
    tree.addChildrenPage('r', [span('c1', 'r', 1)], undefined);
    expect(tree.needsChildren('r')).toBe(false);
    tree.updateSpans([span('r', undefined, 0, 2)]);
    expect(tree.needsChildren('r')).toBe(true);
    expect(shape(tree)).toEqual(['r', '  c1', '  …r']);
    const read = tree.gapRead('r', 1);
    expect(read).toEqual({ from: 'start' });
    tree.addChildrenPage('r', [span('c1', 'r', 1), span('c2', 'r', 2)], undefined, read);
    expect(shape(tree)).toEqual(['r', '  c1', '  c2']);
  });

  it('keeps children in span-page order when a page interleaves with what is known', () => {
    const tree = new SpanTree();
    tree.addChildrenPage(ROOT_ID, [span('r', undefined, 0, 3)], undefined);
    tree.addChildrenPage('r', [span('b', 'r', 2)], 't');
    tree.addChildrenPage('r', [span('a', 'r', 1), span('c', 'r', 3)], undefined);
    expect(shape(tree)).toEqual(['r', '  a', '  b', '  c']);
  });

  it('flattens a 100,000-span tree, every span once', () => {
    const tree = new SpanTree();
    tree.addChildrenPage(ROOT_ID, [span('root', undefined, 0, 100)], undefined);
    const level1 = Array.from({ length: 100 }, (_, i) => span(`a${i}`, 'root', i + 1, 999));
    tree.addChildrenPage('root', level1, undefined);
    for (let i = 0; i < 100; i++)
      tree.addChildrenPage(
        `a${i}`,
        Array.from({ length: 999 }, (_, j) => span(`a${i}-${j}`, `a${i}`, 1000 + i * 1000 + j)),
        undefined,
      );
    const rows = tree.rows();
    expect(rows).toHaveLength(1 + 100 + 99_900);
    expect(rows.every((r) => r.kind === 'span')).toBe(true);
  });
});

describe('SpanTree opened on one span (spans/around)', () => {
  // root r ─ c1 … c9 (c5 on the way) ─ g1 … g9 under c5 (g5 linked); windows of three around the way.
  const cs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => span(`c${from + i}`, 'r', from + i, from + i === 5 ? 9 : 1));
  const gs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => span(`g${from + i}`, 'c5', 100 + from + i));
  const opened = () => {
    const tree = new SpanTree();
    tree.addAround(
      [
        { spans: [span('r', undefined, 0, 9)] },
        { parent_span_id: 'r', spans: cs(4, 6), prev_page_token: 'before-c4', next_page_token: 'after-c6' },
        { parent_span_id: 'c5', spans: gs(4, 6), prev_page_token: 'before-g4', next_page_token: 'after-g6' },
      ],
      'g5',
    );
    return tree;
  };

  it('shows the way down to the span with its neighbours, and a more row on each side of each window', () => {
    const tree = opened();
    expect(shape(tree)).toEqual(['r', '  …r', '  c4', '    …c4', '  c5', '    …c5', '    g4', '    g5', '    g6', '    …c5', '  c6', '    …c6', '  …r']);
    expect(tree.parentOf('g5')).toBe('c5');
    expect(tree.rows().find((r) => r.kind === 'span' && r.id === 'g5')).toMatchObject({ depth: 2 });
    // The rows before a window are read backwards from it (nearest first), those after it onwards.
    expect(tree.gapRead('c5', 0)).toEqual({ from: 'before', token: 'before-g4', firstId: 'g4' });
    expect(tree.gapRead('c5', 1)).toEqual({ from: 'after', token: 'after-g6', lastId: 'g6' });
    expect(tree.gapRead('c5', 2)).toBeUndefined();
  });

  it('fills the gaps from both sides until the level is whole, without duplicates', () => {
    const tree = opened();
    const before = tree.gapRead('c5', 0)!;
    tree.addChildrenPage('c5', gs(2, 3), 'before-g2', before);
    expect(tree.childIds('c5')).toEqual(['g2', 'g3', 'g4', 'g5', 'g6']);
    expect(tree.gapRead('c5', 0)).toEqual({ from: 'before', token: 'before-g2', firstId: 'g2' });
    tree.addChildrenPage('c5', gs(1, 1), undefined, tree.gapRead('c5', 0)!);
    expect(shape(tree).slice(5, 12)).toEqual(['    g1', '    g2', '    g3', '    g4', '    g5', '    g6', '    …c5']);
    tree.addChildrenPage('c5', gs(7, 9), undefined, tree.gapRead('c5', 1)!);
    // All nine children the span counts are known: no more rows under it.
    expect(tree.needsChildren('c5')).toBe(false);
    expect(tree.childIds('c5')).toEqual(['g1', 'g2', 'g3', 'g4', 'g5', 'g6', 'g7', 'g8', 'g9']);
  });

  it('joins a window and pages read from the start where they meet or overlap', () => {
    const tree = opened();
    // The roots' level read from the start (a refresh) and r's children from the start, up to past the window.
    tree.addChildrenPage(ROOT_ID, [span('r', undefined, 0, 9)], undefined);
    tree.addChildrenPage('r', cs(1, 5), 'after-c5');
    expect(tree.childIds('r')).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    expect(shape(tree).filter((l) => l.startsWith('  …'))).toEqual(['  …r']);
    // The run keeps the token that reads furthest on: after c6, the window's.
    expect(tree.gapRead('r', 1)).toEqual({ from: 'after', token: 'after-c6', lastId: 'c6' });
  });

  it('places a second span found by search beside what is known, opening the way to it', () => {
    const tree = opened();
    tree.setExpanded('c6', false);
    tree.addAround(
      [
        { spans: [span('r', undefined, 0, 9)] },
        { parent_span_id: 'r', spans: cs(5, 7), prev_page_token: 'before-c5', next_page_token: 'after-c7' },
        { parent_span_id: 'c6', spans: [span('h1', 'c6', 200)] },
      ],
      'h1',
    );
    expect(tree.childIds('r')).toEqual(['c4', 'c5', 'c6', 'c7']);
    expect(shape(tree).slice(-5)).toEqual(['  c6', '    h1', '  c7', '    …c7', '  …r']);
  });

  it('keeps the linked span open or closed as it was, and opens its ancestors', () => {
    const tree = opened();
    tree.setExpanded('c5', false);
    tree.setExpanded('g5', false);
    tree.addAround([{ parent_span_id: 'c5', spans: gs(5, 5), prev_page_token: 'p', next_page_token: 'n' }], 'g5');
    expect(tree.nodes.get('c5')?.expanded).toBe(true);
    expect(tree.nodes.get('g5')?.expanded).toBe(false);
  });
});
