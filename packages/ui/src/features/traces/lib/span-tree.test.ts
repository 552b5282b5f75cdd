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
    tree.addChildrenPage('r', [span('c1', 'r', 1), span('c2', 'r', 2, 2)], 'token-1');
    expect(shape(tree)).toEqual(['r', '  c1', '  c2', '    …c2', '  …r']);
    const more = tree.rows().at(-1);
    expect(more).toMatchObject({ kind: 'more', parentId: 'r', loaded: 2, total: 3 });
    expect(tree.nodes.get('r')?.nextToken).toBe('token-1');
    tree.addChildrenPage('r', [span('c3', 'r', 3)], undefined);
    expect(tree.needsChildren('r')).toBe(false);
    tree.setExpanded('c2', false);
    expect(shape(tree)).toEqual(['r', '  c1', '  c2', '  c3']);
  });

  it('places a revealed span (and its ancestors) before paging reaches it, then merges it when it does', () => {
    const tree = new SpanTree();
    tree.addChildrenPage(ROOT_ID, [span('r', undefined, 0, 4)], undefined);
    tree.addChildrenPage('r', [span('c1', 'r', 1)], 't1');
    tree.reveal([span('c3', 'r', 3, 1), span('g', 'c3', 4)]);
    expect(shape(tree)).toEqual(['r', '  c1', '  …r', '  c3', '    g']);
    tree.addChildrenPage('r', [span('c2', 'r', 2), span('c3', 'r', 3, 1)], 't2');
    expect(shape(tree)).toEqual(['r', '  c1', '  c2', '  c3', '    g', '  …r']);
    tree.addChildrenPage('r', [span('c4', 'r', 5)], undefined);
    expect(shape(tree)).toEqual(['r', '  c1', '  c2', '  c3', '    g', '  c4']);
  });

  it('re-reads a complete list when a refresh says more children arrived, without duplicates', () => {
    const tree = new SpanTree();
    tree.addChildrenPage(ROOT_ID, [span('r', undefined, 0, 1)], undefined);
    tree.addChildrenPage('r', [span('c1', 'r', 1)], undefined);
    expect(tree.needsChildren('r')).toBe(false);
    tree.updateSpans([span('r', undefined, 0, 2)]);
    expect(tree.needsChildren('r')).toBe(true);
    expect(tree.nodes.get('r')?.nextToken).toBeUndefined();
    tree.addChildrenPage('r', [span('c1', 'r', 1), span('c2', 'r', 2)], undefined);
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
