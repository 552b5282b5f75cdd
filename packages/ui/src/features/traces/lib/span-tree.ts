/**
 * The span tree of one trace, built a page at a time. A 100,000-span trace is never loaded whole: the
 * roots come first, each span's children arrive in pages (Loupe's span-page API) when their row comes
 * into view, and a span named by a link or found by search arrives with its ancestors and a window of
 * each level around them (`spans/around`), the rest of each level read on both sides as it is
 * scrolled to. Pure data (no fetching, no React), so it is tested on its own.
 */

import type { SpanSummary, SpanWindow } from '@loupe/protocol';

export type { SpanSummary, SpanWindow };

/**
 * The id of the tree's virtual top node, whose children are the trace's roots.
 *
 * @example
 * tree.addChildrenPage(ROOT_ID, rootsPage.spans, rootsPage.next_page_token);
 */
export const ROOT_ID = '';

/**
 * A run of a node's children known to be consecutive in span-page order (start time, then span id),
 * with what lies on either side of it.
 */
export interface ChildRun {
  ids: string[];
  /** `ids[0]` is the first child. */
  atStart: boolean;
  /** The last of `ids` is the last child. */
  atEnd: boolean;
  /** Reads the page just before `ids[0]` (a `spans/around` window's `prev_page_token`). */
  prevToken?: string;
  /** Reads the page after the last of `ids`. */
  nextToken?: string;
}

/** One node: the span and the runs of its children known so far, in order, with gaps between them. */
export interface SpanTreeNode {
  span: SpanSummary | null;
  runs: ChildRun[];
  expanded: boolean;
}

/** One row of the flattened, visible tree. */
export type SpanTreeRow =
  | { kind: 'span'; id: string; depth: number; span: SpanSummary; hasChildren: boolean; expanded: boolean }
  /** Children of `parentId` not read yet, before its run number `gap` (after the last run when `gap` is their count); `loaded` of `total` are known. */
  | { kind: 'more'; parentId: string; gap: number; depth: number; loaded: number; total: number | undefined };

/**
 * How to read the children in one gap: from the first child, after a run (its `nextToken`), or
 * backwards before a run (its `prevToken`, nearest first).
 */
export type GapRead = { from: 'start' } | { from: 'after'; token: string; lastId: string } | { from: 'before'; token: string; firstId: string };

/**
 * A stable key of a row, for keeping the view still while rows are added above it.
 *
 * @example
 * rowKey(rows[0]); // 'span:8b2f0c1d2e3f4a5b'
 */
export function rowKey(row: SpanTreeRow): string {
  return row.kind === 'span' ? `span:${row.id}` : `more:${row.parentId}:${row.gap}`;
}

function compareSpans(a: SpanSummary, b: SpanSummary): number {
  return a.start_time_us - b.start_time_us || (a.span_id < b.span_id ? -1 : a.span_id > b.span_id ? 1 : 0);
}

/**
 * A trace's span tree, filled by pages. Every mutation bumps `version`, so a view can memoize its rows.
 *
 * @example
 * const tree = SpanTree.fromAllSpans(page.spans);
 * const rows = tree.rows();
 */
export class SpanTree {
  readonly nodes = new Map<string, SpanTreeNode>();
  version = 0;

  constructor() {
    this.nodes.set(ROOT_ID, { span: null, runs: [], expanded: true });
  }

  /**
   * The whole tree from every span of the trace (a trace small enough to read in one page). Spans whose
   * parent is not among them are roots, as the server counts them.
   *
   * @example
   * SpanTree.fromAllSpans([{ span_id: 'a', name: 'agent', type: 'AGENT', status: 'OK', start_time_us: 0, child_count: 0 }]).rootIds();
   */
  static fromAllSpans(spans: readonly SpanSummary[]): SpanTree {
    const tree = new SpanTree();
    const sorted = [...spans].sort(compareSpans);
    const ids = new Set(sorted.map((s) => s.span_id));
    const children = new Map<string, string[]>();
    for (const s of sorted) {
      const parent = s.parent_span_id && ids.has(s.parent_span_id) && s.parent_span_id !== s.span_id ? s.parent_span_id : ROOT_ID;
      let list = children.get(parent);
      if (!list) children.set(parent, (list = []));
      list.push(s.span_id);
      tree.nodes.set(s.span_id, { span: s, runs: [], expanded: true });
    }
    for (const [id, node] of tree.nodes) node.runs = [{ ids: children.get(id) ?? [], atStart: true, atEnd: true }];
    tree.version++;
    return tree;
  }

  /** The span of an id, if known. */
  span(id: string): SpanSummary | undefined {
    return this.nodes.get(id)?.span ?? undefined;
  }

  /** The roots known so far, in order. */
  rootIds(): string[] {
    return this.childIds(ROOT_ID);
  }

  /** The tree parent of a known span (ROOT_ID for a root). */
  parentOf(id: string): string | undefined {
    const span = this.span(id);
    if (!span) return undefined;
    const p = span.parent_span_id;
    return p && this.nodes.has(p) && this.childIds(p).includes(id) ? p : ROOT_ID;
  }

  /** Known children of a node, in order. */
  childIds(id: string): string[] {
    return this.nodes.get(id)?.runs.flatMap((r) => r.ids) ?? [];
  }

  /** Whether children of this node remain to be read. */
  needsChildren(id: string): boolean {
    const node = this.nodes.get(id);
    return !!node && gapsOf(node, id).length > 0;
  }

  /**
   * How to read the children in one gap of a node (see {@link SpanTreeRow}'s `gap`): backwards from the
   * run after it when that run came with a token for it (the rows next to a linked span fill in nearest
   * first), otherwise on from the run before it, otherwise from the first child.
   *
   * @example
   * const read = tree.gapRead('8b2f…', row.gap); // { from: 'before', token: '…', firstId: '…' }
   */
  gapRead(parentId: string, gap: number): GapRead | undefined {
    const node = this.nodes.get(parentId);
    if (!node || !gapsOf(node, parentId).includes(gap)) return undefined;
    const next = node.runs[gap];
    const prev = node.runs[gap - 1];
    if (next?.prevToken) return { from: 'before', token: next.prevToken, firstId: next.ids[0]! };
    if (prev?.nextToken) return { from: 'after', token: prev.nextToken, lastId: prev.ids.at(-1)! };
    return { from: 'start' };
  }

  private upsert(span: SpanSummary): SpanTreeNode {
    const node = this.nodes.get(span.span_id);
    if (node) {
      const grew = (node.span?.child_count ?? 0) < span.child_count;
      node.span = span;
      // New children arrived (an in-progress trace): the list is read again from its last known page.
      const last = node.runs.at(-1);
      if (grew && last?.atEnd) last.atEnd = false;
      return node;
    }
    const created: SpanTreeNode = { span, runs: span.child_count === 0 ? [{ ids: [], atStart: true, atEnd: true }] : [], expanded: true };
    this.nodes.set(span.span_id, created);
    return created;
  }

  private addSpans(parentId: string, spans: readonly SpanSummary[]): string[] {
    const ids: string[] = [];
    for (const s of spans) {
      if (s.span_id === parentId) continue;
      this.upsert(s);
      ids.push(s.span_id);
    }
    return ids;
  }

  /**
   * Adds one page of a node's children (ROOT_ID: of the roots) read as `read` says (`from: 'start'`
   * when omitted); `nextToken` absent means the page was the last in its direction.
   *
   * @example
   * tree.addChildrenPage(ROOT_ID, page.spans, page.next_page_token);
   */
  addChildrenPage(parentId: string, spans: readonly SpanSummary[], nextToken: string | undefined, read: GapRead = { from: 'start' }): void {
    const parent = this.nodes.get(parentId);
    if (!parent) return;
    const ids = this.addSpans(parentId, spans);
    const at =
      read.from === 'after'
        ? parent.runs.find((r) => r.ids.at(-1) === read.lastId)
        : read.from === 'before'
          ? parent.runs.find((r) => r.ids[0] === read.firstId)
          : undefined;
    if (read.from === 'after' && at) {
      at.ids.push(...ids);
      at.atEnd = !nextToken;
      setToken(at, 'nextToken', nextToken);
    } else if (read.from === 'before' && at) {
      at.ids.unshift(...ids);
      at.atStart = !nextToken;
      setToken(at, 'prevToken', nextToken);
    } else {
      // From the first child, or the run the page went on from is gone: a run of its own.
      const backwards = read.from === 'before';
      const run: ChildRun = { ids, atStart: backwards ? !nextToken : read.from === 'start', atEnd: !backwards && !nextToken };
      setToken(run, backwards ? 'prevToken' : 'nextToken', nextToken);
      parent.runs.push(run);
    }
    this.normalize(parentId);
    this.version++;
  }

  /**
   * Places the tree around one span (the levels of a `spans/around` answer, roots first): each window
   * joins what is known of its level, and every span on the way down to `spanId` is opened (the span
   * itself keeps its state).
   *
   * @example
   * tree.addAround(answer.levels, '8b2f0c1d2e3f4a5b');
   */
  addAround(levels: readonly SpanWindow[], spanId: string): void {
    for (const level of levels) {
      const parentId = level.parent_span_id ?? ROOT_ID;
      if (!this.nodes.has(parentId)) continue;
      const ids = this.addSpans(parentId, level.spans ?? []);
      const run: ChildRun = { ids, atStart: !level.prev_page_token, atEnd: !level.next_page_token };
      setToken(run, 'prevToken', level.prev_page_token);
      setToken(run, 'nextToken', level.next_page_token);
      const node = this.nodes.get(parentId)!;
      node.runs.push(run);
      this.normalize(parentId);
      if (parentId !== spanId) node.expanded = true;
    }
    this.version++;
  }

  /**
   * Puts a node's runs in order and joins those that meet or overlap; once every child the span counts
   * is known, they are one complete run.
   */
  private normalize(parentId: string): void {
    const node = this.nodes.get(parentId)!;
    const byOrder = (a: string, b: string) => compareSpans(this.span(a)!, this.span(b)!);
    const runs = node.runs.filter((r) => r.ids.length > 0 || r.atStart || r.atEnd);
    // Runs that know an end sort to it; the rest by their first span.
    runs.sort((a, b) =>
      a.atStart !== b.atStart
        ? a.atStart
          ? -1
          : 1
        : a.atEnd !== b.atEnd
          ? a.atEnd
            ? 1
            : -1
          : a.ids.length && b.ids.length
            ? byOrder(a.ids[0]!, b.ids[0]!)
            : 0,
    );
    const out: ChildRun[] = [];
    for (const run of runs) {
      const prev = out.at(-1);
      const meets = prev && (prev.atEnd || run.atStart || !prev.ids.length || !run.ids.length || byOrder(prev.ids.at(-1)!, run.ids[0]!) >= 0);
      if (!prev || !meets) {
        out.push({ ...run, ids: [...run.ids] });
        continue;
      }
      const seen = new Set(prev.ids);
      const merged = [...prev.ids, ...run.ids.filter((id) => !seen.has(id))];
      const prevEndsLater = prev.ids.length && run.ids.length && byOrder(prev.ids.at(-1)!, run.ids.at(-1)!) > 0;
      const later = prevEndsLater ? prev : run;
      prev.ids = isSorted(merged, byOrder) ? merged : merged.sort(byOrder);
      prev.atStart ||= run.atStart;
      prev.atEnd ||= run.atEnd;
      if (prev.atStart) delete prev.prevToken;
      if (prev.atEnd) delete prev.nextToken;
      else setToken(prev, 'nextToken', later.nextToken);
    }
    const count = node.span?.child_count;
    const known = out.reduce((n, r) => n + r.ids.length, 0);
    if (parentId !== ROOT_ID && count !== undefined && known >= count && out.length) {
      // Every child the span counts is known (read or placed): one complete run.
      const ids = [...new Set(out.flatMap((r) => r.ids))].sort(byOrder);
      node.runs = [{ ids, atStart: true, atEnd: true }];
      return;
    }
    node.runs = out;
  }

  /** Updates spans already in the tree (a refresh of an in-progress trace); unknown ones are ignored. */
  updateSpans(spans: readonly SpanSummary[]): void {
    for (const s of spans) if (this.nodes.has(s.span_id)) this.upsert(s);
    this.version++;
  }

  /** Opens or closes a span's children. */
  setExpanded(id: string, expanded: boolean): void {
    const node = this.nodes.get(id);
    if (!node || node.expanded === expanded) return;
    node.expanded = expanded;
    this.version++;
  }

  /** Expanded state of every span that has children and is closed (kept across a rebuild). */
  collapsedIds(): string[] {
    return [...this.nodes.entries()].filter(([id, n]) => id !== ROOT_ID && !n.expanded).map(([id]) => id);
  }

  /**
   * The visible rows: a depth-first walk of expanded spans, with a `more` row in each gap where
   * children remain to be read. Each span appears once even if a broken producer made a cycle.
   *
   * @example
   * tree.rows().filter((r) => r.kind === 'span').length;
   */
  rows(): SpanTreeRow[] {
    type Item = { id: string; depth: number } | { more: string; gap: number; depth: number };
    const out: SpanTreeRow[] = [];
    const seen = new Set<string>();
    // Iterative walk: a deep chain of spans must not overflow the call stack.
    const stack: Item[] = [];
    // Pushed last to first, so they pop in order: the more row before each run where children are missing.
    const pushChildren = (id: string, depth: number) => {
      const node = this.nodes.get(id) as SpanTreeNode;
      const { runs } = node;
      const reads = readsChildren(node, id);
      if (reads && (runs.length === 0 || !runs[runs.length - 1]!.atEnd)) stack.push({ more: id, gap: runs.length, depth });
      for (let i = runs.length - 1; i >= 0; i--) {
        const run = runs[i]!;
        for (let j = run.ids.length - 1; j >= 0; j--) stack.push({ id: run.ids[j]!, depth });
        if (reads && (i > 0 || !run.atStart)) stack.push({ more: id, gap: i, depth });
      }
    };
    pushChildren(ROOT_ID, 0);
    while (stack.length) {
      const item = stack.pop()!;
      if ('more' in item) {
        const node = this.nodes.get(item.more) as SpanTreeNode;
        out.push({
          kind: 'more',
          parentId: item.more,
          gap: item.gap,
          depth: item.depth,
          loaded: node.runs.reduce((n, r) => n + r.ids.length, 0),
          total: item.more === ROOT_ID ? undefined : node.span?.child_count,
        });
        continue;
      }
      if (seen.has(item.id)) continue;
      seen.add(item.id);
      const node = this.nodes.get(item.id);
      if (!node?.span) continue;
      const hasChildren = node.span.child_count > 0 || hasReadChildren(node);
      out.push({ kind: 'span', id: item.id, depth: item.depth, span: node.span, hasChildren, expanded: node.expanded });
      if (hasChildren && node.expanded) pushChildren(item.id, item.depth + 1);
    }
    return out;
  }

  /**
   * The time the known roots cover, in µs: the earliest start to the latest end (`now` for spans still
   * running).
   *
   * @example
   * const { startUs, endUs } = tree.timeRange(Date.now() * 1000);
   */
  timeRange(nowUs: number): { startUs: number; endUs: number } {
    let startUs = Infinity;
    let endUs = -Infinity;
    for (const id of this.rootIds()) {
      const s = this.span(id);
      if (!s) continue;
      startUs = Math.min(startUs, s.start_time_us);
      endUs = Math.max(endUs, s.end_time_us ?? nowUs);
    }
    if (!Number.isFinite(startUs)) return { startUs: 0, endUs: 1 };
    return { startUs, endUs: Math.max(endUs, startUs + 1) };
  }
}

function hasReadChildren(node: SpanTreeNode): boolean {
  for (const run of node.runs) if (run.ids.length) return true;
  return false;
}

/** Whether a node can have children to read: a span that counts none (and none were read) has not. */
function readsChildren(node: SpanTreeNode, id: string): boolean {
  return id === ROOT_ID || (node.span?.child_count ?? 0) > 0 || hasReadChildren(node);
}

/** The gaps of a node where children remain to be read: `i` is the gap before run `i`, `runs.length` the one after the last. */
function gapsOf(node: SpanTreeNode, id: string): number[] {
  const { runs } = node;
  if (!readsChildren(node, id)) return [];
  if (runs.length === 0) return [0];
  const gaps: number[] = [];
  runs.forEach((run, i) => {
    if (i === 0 ? !run.atStart : true) gaps.push(i);
  });
  if (!runs.at(-1)!.atEnd) gaps.push(runs.length);
  return gaps;
}

function setToken(run: ChildRun, key: 'prevToken' | 'nextToken', token: string | undefined): void {
  if (token) run[key] = token;
  else delete run[key];
}

function isSorted(ids: readonly string[], cmp: (a: string, b: string) => number): boolean {
  for (let i = 1; i < ids.length; i++) if (cmp(ids[i - 1]!, ids[i]!) > 0) return false;
  return true;
}
