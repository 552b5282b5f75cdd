import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { apiRequest } from '../../../shared/api/http-client';
import type { SpanPageResponse } from '@loupe/protocol';
import { ROOT_ID, SpanTree, type SpanSummary } from '../lib/span-tree';
import { fetchSpanSummary, spansPath } from './use-span-detail';

/**
 * A trace whose spans fit one page is read whole; a bigger one is read by parent, as it is viewed.
 *
 * @example
 * const huge = page.spans.length === WHOLE_TRACE_PAGE && page.next_page_token !== undefined;
 */
export const WHOLE_TRACE_PAGE = 1000;
const CHILD_PAGE = 500;
/** Span-page requests at once: enough to fill the screen quickly, few enough to share the server. */
const MAX_IN_FLIGHT = 4;

type SpanPage = SpanPageResponse;

/**
 * The first reads of a trace view, through the query cache: the first page of all spans and the
 * roots, side by side (a small trace needs only the first, a huge one only the second; asking both
 * at once saves a round trip). The router starts it as soon as a trace URL is opened, before the
 * page renders.
 *
 * @example
 * void prefetchSpanTreeStart(queryClient, 'tr-…');
 */
export function prefetchSpanTreeStart(client: QueryClient, traceId: string): Promise<{ whole: SpanPage; roots: SpanPage }> {
  return client.fetchQuery({
    queryKey: ['span-tree-start', traceId],
    staleTime: 5000,
    gcTime: 30_000,
    queryFn: async () => {
      const [whole, roots] = await Promise.all([
        apiRequest<SpanPage>('GET', spansPath(traceId), { query: { view: 'SUMMARY', max_results: WHOLE_TRACE_PAGE } }),
        apiRequest<SpanPage>('GET', spansPath(traceId), { query: { view: 'SUMMARY', roots_only: true, max_results: WHOLE_TRACE_PAGE } }),
      ]);
      return { whole, roots };
    },
  });
}

/** The state of a trace's span tree in the view. */
export interface SpanTreeState {
  tree: SpanTree;
  /** Bumped on every change of the tree. */
  version: number;
  rows: ReturnType<SpanTree['rows']>;
  status: 'loading' | 'ready' | 'error';
  error: unknown;
  /** `whole`: every span was read at once; `paged`: children are read as their rows come into view. */
  mode: 'whole' | 'paged' | undefined;
  /** How many spans the trace holds in all, as the server counts them (before they are all read). */
  spanCount: number | undefined;
  /** Reads the next page of a span's children (ROOT_ID: of the roots), unless one is on its way or the last attempt failed. */
  loadChildren(parentId: string): void;
  /** Spans whose children could not be read (not asked again until `retry`). */
  failed: ReadonlySet<string>;
  retry(parentId: string): void;
  /** Places a span found by search (and its ancestors) in the tree, expanded to it. */
  reveal(spanId: string): Promise<void>;
  setExpanded(spanId: string, expanded: boolean): void;
}

/**
 * The span tree of a trace, read through Loupe's span-page API: the whole trace in one request when it
 * is small, otherwise its roots, then each span's children a page at a time as their rows are shown
 * (the view calls `loadChildren` for the `more` rows it renders). In-progress traces re-read every few
 * seconds.
 *
 * @example
 * const { rows, loadChildren } = useSpanTree('tr-…', false);
 */
export function useSpanTree(traceId: string, inProgress: boolean): SpanTreeState {
  const [tree, setTree] = useState(() => new SpanTree());
  const [version, setVersion] = useState(0);
  const [status, setStatus] = useState<SpanTreeState['status']>('loading');
  const [error, setError] = useState<unknown>();
  const [mode, setMode] = useState<SpanTreeState['mode']>();
  const [spanCount, setSpanCount] = useState<number>();
  const inFlight = useRef(new Set<string>());
  // A page that failed is not asked again by scrolling (that would hammer a struggling server); the row offers a retry.
  const [failed, setFailed] = useState<ReadonlySet<string>>(new Set());
  const queued = useRef<string[]>([]);
  const bump = useCallback(() => setVersion((v) => v + 1), []);
  const queryClient = useQueryClient();

  const fetchChildren = useCallback(
    async (t: SpanTree, parentId: string) => {
      const node = t.nodes.get(parentId);
      if (!node || !t.needsChildren(parentId)) return;
      const page = await apiRequest<SpanPage>('GET', spansPath(traceId), {
        query: {
          view: 'SUMMARY',
          max_results: parentId === ROOT_ID ? WHOLE_TRACE_PAGE : CHILD_PAGE,
          ...(parentId === ROOT_ID ? { roots_only: true } : { parent_span_id: parentId }),
          ...(node.nextToken ? { page_token: node.nextToken } : {}),
        },
      });
      t.addChildrenPage(parentId, page.spans ?? [], page.next_page_token);
    },
    [traceId],
  );

  const pump = useCallback(
    (t: SpanTree) => {
      while (inFlight.current.size < MAX_IN_FLIGHT && queued.current.length) {
        const id = queued.current.shift()!;
        if (inFlight.current.has(id)) continue;
        inFlight.current.add(id);
        fetchChildren(t, id)
          .catch(() => setFailed((f) => new Set([...f, id])))
          .finally(() => {
            inFlight.current.delete(id);
            bump();
            pump(t);
          });
      }
    },
    [fetchChildren, bump],
  );

  const loadChildren = useCallback(
    (parentId: string) => {
      if (inFlight.current.has(parentId) || queued.current.includes(parentId) || failed.has(parentId)) return;
      queued.current.push(parentId);
      pump(tree);
    },
    [tree, pump, failed],
  );
  const retry = useCallback(
    (parentId: string) => {
      setFailed((f) => new Set([...f].filter((id) => id !== parentId)));
      queued.current.push(parentId);
      pump(tree);
    },
    [tree, pump],
  );

  useEffect(() => {
    let cancelled = false;
    inFlight.current = new Set();
    queued.current = [];
    setFailed(new Set());
    setStatus('loading');
    setError(undefined);
    (async () => {
      const { whole: first, roots: page } = await prefetchSpanTreeStart(queryClient, traceId);
      if (cancelled) return;
      setSpanCount(first.trace_span_count);
      if (!first.next_page_token) {
        setTree(SpanTree.fromAllSpans(first.spans ?? []));
        setMode('whole');
      } else {
        const t = new SpanTree();
        t.addChildrenPage(ROOT_ID, page.spans ?? [], page.next_page_token);
        setTree(t);
        setMode('paged');
      }
      setStatus('ready');
      bump();
    })().catch((e: unknown) => {
      if (cancelled) return;
      setError(e);
      setStatus('error');
    });
    return () => {
      cancelled = true;
    };
  }, [traceId, bump, queryClient]);

  const refresh = useCallback(async () => {
    if (mode === 'whole') {
      const page = await apiRequest<SpanPage>('GET', spansPath(traceId), { query: { view: 'SUMMARY', max_results: WHOLE_TRACE_PAGE } });
      setSpanCount(page.trace_span_count);
      if (page.next_page_token) return;
      const next = SpanTree.fromAllSpans(page.spans ?? []);
      for (const id of tree.collapsedIds()) next.setExpanded(id, false);
      setTree(next);
    } else {
      const page = await apiRequest<SpanPage>('GET', spansPath(traceId), { query: { view: 'SUMMARY', roots_only: true, max_results: WHOLE_TRACE_PAGE } });
      setSpanCount(page.trace_span_count);
      const spans = page.spans ?? [];
      tree.updateSpans(spans);
      const fresh = spans.filter((s) => !tree.span(s.span_id));
      if (fresh.length) tree.reveal(fresh);
    }
    bump();
  }, [mode, traceId, tree, bump]);

  // An in-progress trace: read it again every few seconds (keeping what the user collapsed), and once
  // more when it finishes, so its last spans show.
  const wasInProgress = useRef(inProgress);
  useEffect(() => {
    if (status !== 'ready') return;
    const finished = wasInProgress.current && !inProgress;
    wasInProgress.current = inProgress;
    // A failed refresh keeps what is shown; the next one tries again.
    if (finished) void refresh().catch(() => {});
    if (!inProgress) return;
    const timer = setInterval(() => void refresh().catch(() => {}), 3000);
    return () => clearInterval(timer);
  }, [inProgress, status, refresh]);

  const reveal = useCallback(
    async (spanId: string) => {
      const path: SpanSummary[] = [];
      let cur: string | undefined = spanId;
      while (cur && !tree.span(cur) && path.length < 256) {
        const s = await fetchSpanSummary(traceId, cur);
        if (!s) break;
        path.unshift(s);
        cur = s.parent_span_id;
      }
      if (path.length) tree.reveal(path);
      // Open every ancestor already in the tree.
      for (let id = tree.parentOf(path[0]?.span_id ?? spanId); id && id !== ROOT_ID; id = tree.parentOf(id)) tree.setExpanded(id, true);
      bump();
    },
    [traceId, tree, bump],
  );

  const setExpanded = useCallback(
    (spanId: string, expanded: boolean) => {
      tree.setExpanded(spanId, expanded);
      bump();
    },
    [tree, bump],
  );

  // The tree mutates in place; `version` says when its rows changed.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const rows = useMemo(() => tree.rows(), [tree, version]);
  return { tree, version, rows, status, error, mode, spanCount, loadChildren, failed, retry, reveal, setExpanded };
}
