/**
 * The span tree of one trace, built a page at a time. A 100,000-span trace is never loaded whole: the
 * roots come first, each span's children arrive in pages (Loupe's span-page API) when its row comes
 * into view, and a span found by search is placed in the tree with its ancestors before the pages
 * around it are read. Pure data (no fetching, no React), so it is tested on its own.
 */

import type { SpanSummary } from '@loupe/protocol';

export type { SpanSummary };

/**
 * The id of the tree's virtual top node, whose children are the trace's roots.
 *
 * @example
 * tree.addChildrenPage(ROOT_ID, rootsPage.spans, rootsPage.next_page_token);
 */
export const ROOT_ID = '';

/** One node: the span and what is known of its children. */
export interface SpanTreeNode {
  span: SpanSummary | null;
  /** Children read in order from the first page on (span-page order: start time, then span id). */
  prefix: string[];
  /** Children placed out of order (a search hit revealed) that paging has not reached yet, in order. */
  extras: string[];
  /** All children are in `prefix`. */
  complete: boolean;
  /** Where the next page of children starts; undefined before the first page (or for a complete node). */
  nextToken?: string;
  expanded: boolean;
}

/** One row of the flattened, visible tree. */
export type SpanTreeRow =
  | { kind: 'span'; id: string; depth: number; span: SpanSummary; hasChildren: boolean; expanded: boolean }
  /** Children of `parentId` not read yet; `loaded` of `total` are known. */
  | { kind: 'more'; parentId: string; depth: number; loaded: number; total: number | undefined };

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
    this.nodes.set(ROOT_ID, { span: null, prefix: [], extras: [], complete: false, expanded: true });
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
      tree.nodes.set(s.span_id, { span: s, prefix: [], extras: [], complete: true, expanded: true });
    }
    for (const [id, node] of tree.nodes) {
      node.prefix = children.get(id) ?? [];
      node.complete = true;
    }
    tree.version++;
    return tree;
  }

  /** The span of an id, if known. */
  span(id: string): SpanSummary | undefined {
    return this.nodes.get(id)?.span ?? undefined;
  }

  /** The roots known so far, in order. */
  rootIds(): string[] {
    const root = this.nodes.get(ROOT_ID) as SpanTreeNode;
    return [...root.prefix, ...root.extras];
  }

  /** The tree parent of a known span (ROOT_ID for a root). */
  parentOf(id: string): string | undefined {
    const span = this.span(id);
    if (!span) return undefined;
    const p = span.parent_span_id;
    return p && this.nodes.has(p) && this.childIds(p).includes(id) ? p : ROOT_ID;
  }

  /** Known children of a node, in order (the read prefix, then revealed ones). */
  childIds(id: string): string[] {
    const node = this.nodes.get(id);
    return node ? [...node.prefix, ...node.extras] : [];
  }

  /** Whether more children of this node remain to be read. */
  needsChildren(id: string): boolean {
    const node = this.nodes.get(id);
    if (!node || node.complete) return false;
    // Every child the span counts is known already (read or revealed).
    if (id !== ROOT_ID && node.prefix.length + node.extras.length >= (node.span?.child_count ?? 0)) return false;
    return true;
  }

  private upsert(span: SpanSummary): SpanTreeNode {
    const node = this.nodes.get(span.span_id);
    if (node) {
      const grew = (node.span?.child_count ?? 0) < span.child_count;
      node.span = span;
      // New children arrived (an in-progress trace): read the list again from the start.
      if (grew && node.complete) {
        node.complete = false;
        delete node.nextToken;
      }
      return node;
    }
    const created: SpanTreeNode = { span, prefix: [], extras: [], complete: span.child_count === 0, expanded: true };
    this.nodes.set(span.span_id, created);
    return created;
  }

  /**
   * Adds one page of a node's children (ROOT_ID: of the roots), read in span-page order; `nextToken`
   * absent means the page was the last.
   *
   * @example
   * tree.addChildrenPage(ROOT_ID, page.spans, page.next_page_token);
   */
  addChildrenPage(parentId: string, spans: readonly SpanSummary[], nextToken: string | undefined): void {
    const parent = this.nodes.get(parentId);
    if (!parent) return;
    const present = new Set(parent.prefix);
    const before = parent.prefix.length;
    for (const s of spans) {
      if (s.span_id === parentId) continue;
      this.upsert(s);
      if (!present.has(s.span_id)) {
        parent.prefix.push(s.span_id);
        present.add(s.span_id);
      }
    }
    // A page may re-read children known before (a refresh); keep the prefix in span-page order.
    if (!isSortedFrom(parent.prefix, Math.max(1, before), (id) => this.span(id))) parent.prefix.sort((a, b) => compareSpans(this.span(a)!, this.span(b)!));
    parent.extras = parent.extras.filter((id) => !present.has(id));
    if (nextToken) parent.nextToken = nextToken;
    else {
      delete parent.nextToken;
      parent.complete = true;
      // Revealed children that paging never met are real children all the same.
      if (parent.extras.length) {
        parent.prefix.push(...parent.extras);
        parent.prefix.sort((a, b) => compareSpans(this.span(a)!, this.span(b)!));
        parent.extras = [];
      }
    }
    this.version++;
  }

  /**
   * Places spans found out of order (a search hit and its ancestors, top-down) into the tree, expanding
   * the way to them. Each must be a child of the span before it (the first: of a known span or a root).
   *
   * @example
   * tree.reveal([grandparentSummary, parentSummary, hitSummary]);
   */
  reveal(path: readonly SpanSummary[]): void {
    for (const s of path) {
      const parentId = s.parent_span_id && this.nodes.has(s.parent_span_id) ? s.parent_span_id : ROOT_ID;
      const parent = this.nodes.get(parentId) as SpanTreeNode;
      this.upsert(s);
      parent.expanded = true;
      if (!parent.prefix.includes(s.span_id) && !parent.extras.includes(s.span_id)) {
        parent.extras.push(s.span_id);
        parent.extras.sort((a, b) => compareSpans(this.span(a)!, this.span(b)!));
      }
    }
    this.version++;
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
   * The visible rows: a depth-first walk of expanded spans, with a `more` row where children remain to
   * be read. Each span appears once even if a broken producer made a cycle.
   *
   * @example
   * tree.rows().filter((r) => r.kind === 'span').length;
   */
  rows(): SpanTreeRow[] {
    const out: SpanTreeRow[] = [];
    const seen = new Set<string>();
    // Iterative walk: a deep chain of spans must not overflow the call stack.
    const stack: ({ id: string; depth: number } | { more: string; depth: number })[] = [{ more: ROOT_ID, depth: 0 }];
    const pushChildren = (id: string, depth: number) => {
      const node = this.nodes.get(id) as SpanTreeNode;
      const items: ({ id: string; depth: number } | { more: string; depth: number })[] = node.prefix.map((c) => ({ id: c, depth }));
      if (this.needsChildren(id)) items.push({ more: id, depth });
      for (const c of node.extras) items.push({ id: c, depth });
      for (let i = items.length - 1; i >= 0; i--) stack.push(items[i]!);
    };
    stack.pop();
    pushChildren(ROOT_ID, 0);
    while (stack.length) {
      const item = stack.pop()!;
      if ('more' in item) {
        const node = this.nodes.get(item.more) as SpanTreeNode;
        out.push({
          kind: 'more',
          parentId: item.more,
          depth: item.depth,
          loaded: node.prefix.length,
          total: item.more === ROOT_ID ? undefined : node.span?.child_count,
        });
        continue;
      }
      if (seen.has(item.id)) continue;
      seen.add(item.id);
      const node = this.nodes.get(item.id);
      if (!node?.span) continue;
      const hasChildren = node.span.child_count > 0 || node.prefix.length > 0 || node.extras.length > 0;
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

/** Whether `ids` is in span-page order from index `from` on (the part before is known to be). */
function isSortedFrom(ids: readonly string[], from: number, span: (id: string) => SpanSummary | undefined): boolean {
  for (let i = from; i < ids.length; i++) if (compareSpans(span(ids[i - 1]!)!, span(ids[i]!)!) > 0) return false;
  return true;
}
