import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiRequestError, apiRequest } from '../../../shared/api/http-client';
import type { SpanPageResponse, SpansAroundResponse } from '@loupe/protocol';
import { ROOT_ID, SpanTree } from '../lib/span-tree';
import { spansPath } from './use-span-detail';

/**
 * A trace whose spans fit one page is read whole; a bigger one is read by parent, as it is viewed.
 *
 * @example
 * const huge = page.spans.length === WHOLE_TRACE_PAGE && page.next_page_token !== undefined;
 */
export const WHOLE_TRACE_PAGE = 1000;
const CHILD_PAGE = 500;
/** Siblings read around each span on the way to a linked one: several screens of rows around it. */
const AROUND_WINDOW = 200;
/** Span-page requests at once: enough to fill the screen quickly, few enough to share the server. */
const MAX_IN_FLIGHT = 4;

type SpanPage = SpanPageResponse;

/** The first reads of a trace view (see {@link prefetchSpanTreeStart}). */
export interface SpanTreeStart {
  whole: SpanPage;
  /** The roots, when no span was linked (or the linked one is not in the trace). */
  roots?: SpanPage;
  /** The tree around the linked span. */
  around?: SpansAroundResponse;
}

function readAround(traceId: string, spanId: string, window: number): Promise<SpansAroundResponse> {
  return apiRequest<SpansAroundResponse>('GET', `${spansPath(traceId)}/around`, { query: { span_id: spanId, max_results: window } });
}

/**
 * The first reads of a trace view, through the query cache, side by side: the first page of all spans
 * (a small trace needs only that) and, for a huge trace, either its roots or, when the URL names a
 * span, the tree around that span (its ancestors and a window of each level), so a link deep into a
 * 100,000-span trace opens on its span without paging down to it. The router starts it as soon as a
 * trace URL is opened, before the page renders.
 *
 * @example
 * void prefetchSpanTreeStart(queryClient, 'tr-…', new URLSearchParams(location.search).get('span') ?? undefined);
 */
export function prefetchSpanTreeStart(client: QueryClient, traceId: string, spanId?: string): Promise<SpanTreeStart> {
  return client.fetchQuery({
    queryKey: ['span-tree-start', traceId, spanId ?? null],
    staleTime: 5000,
    gcTime: 30_000,
    queryFn: async (): Promise<SpanTreeStart> => {
      const roots = () => apiRequest<SpanPage>('GET', spansPath(traceId), { query: { view: 'SUMMARY', roots_only: true, max_results: WHOLE_TRACE_PAGE } });
      const rest: Promise<Omit<SpanTreeStart, 'whole'>> = spanId
        ? readAround(traceId, spanId, AROUND_WINDOW).then(
            (around) => ({ around }),
            // A link to a span the trace does not hold opens the trace at its top.
            async (e: unknown) => {
              if (e instanceof ApiRequestError && e.status === 404) return { roots: await roots() };
              throw e;
            },
          )
        : roots().then((r) => ({ roots: r }));
      const [whole, other] = await Promise.all([
        apiRequest<SpanPage>('GET', spansPath(traceId), { query: { view: 'SUMMARY', max_results: WHOLE_TRACE_PAGE } }),
        rest,
      ]);
      return { whole, ...other };
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
  /**
   * Reads the next page of a span's children (ROOT_ID: of the roots) in one gap (a `more` row's `gap`),
   * unless one of its pages is on its way or the last attempt failed.
   */
  loadChildren(parentId: string, gap: number): void;
  /** Spans whose children could not be read (not asked again until `retry`). */
  failed: ReadonlySet<string>;
  retry(parentId: string, gap: number): void;
  /** Places a span found by search (with its ancestors and the spans around it) in the tree, opened down to it. */
  reveal(spanId: string): Promise<void>;
  setExpanded(spanId: string, expanded: boolean): void;
}

/**
 * The span tree of a trace, read through Loupe's span-page API: the whole trace in one request when it
 * is small; otherwise its roots, or the tree around the span the URL links to, then each span's
 * children a page at a time as their rows are shown (the view calls `loadChildren` for the `more` rows
 * it renders). In-progress traces re-read every few seconds.
 *
 * @example
 * const { rows, loadChildren } = useSpanTree('tr-…', false, searchParams.get('span') ?? undefined);
 */
export function useSpanTree(traceId: string, inProgress: boolean, linkedSpanId?: string): SpanTreeState {
  const [tree, setTree] = useState(() => new SpanTree());
  const [version, setVersion] = useState(0);
  const [status, setStatus] = useState<SpanTreeState['status']>('loading');
  const [error, setError] = useState<unknown>();
  const [mode, setMode] = useState<SpanTreeState['mode']>();
  const [spanCount, setSpanCount] = useState<number>();
  const inFlight = useRef(new Set<string>());
  // A page that failed is not asked again by scrolling (that would hammer a struggling server); the row offers a retry.
  const [failed, setFailed] = useState<ReadonlySet<string>>(new Set());
  const queued = useRef<{ parentId: string; gap: number }[]>([]);
  const bump = useCallback(() => setVersion((v) => v + 1), []);
  const queryClient = useQueryClient();
  // The span the trace was opened on: later changes of the selection do not read the start again.
  const opensOn = useRef(linkedSpanId);

  const fetchChildren = useCallback(
    async (t: SpanTree, parentId: string, gap: number) => {
      const read = t.gapRead(parentId, gap);
      if (!read) return;
      const page = await apiRequest<SpanPage>('GET', spansPath(traceId), {
        query: {
          view: 'SUMMARY',
          max_results: parentId === ROOT_ID ? WHOLE_TRACE_PAGE : CHILD_PAGE,
          ...(parentId === ROOT_ID ? { roots_only: true } : { parent_span_id: parentId }),
          ...(read.from !== 'start' ? { page_token: read.token } : {}),
        },
      });
      t.addChildrenPage(parentId, page.spans ?? [], page.next_page_token, read);
    },
    [traceId],
  );

  // One read per span at a time (its gaps are read one after another), a few spans at once.
  const pump = useCallback(
    (t: SpanTree) => {
      for (let i = 0; inFlight.current.size < MAX_IN_FLIGHT && i < queued.current.length;) {
        const next = queued.current[i]!;
        if (inFlight.current.has(next.parentId)) {
          i++;
          continue;
        }
        queued.current.splice(i, 1);
        inFlight.current.add(next.parentId);
        fetchChildren(t, next.parentId, next.gap)
          .catch(() => setFailed((f) => new Set([...f, next.parentId])))
          .finally(() => {
            inFlight.current.delete(next.parentId);
            bump();
            pump(t);
          });
      }
    },
    [fetchChildren, bump],
  );

  const loadChildren = useCallback(
    (parentId: string, gap: number) => {
      if (failed.has(parentId) || queued.current.some((q) => q.parentId === parentId && q.gap === gap)) return;
      // A row shown again while its page is on its way is asked for once the page is in (if it still shows).
      if (inFlight.current.has(parentId)) return;
      queued.current.push({ parentId, gap });
      pump(tree);
    },
    [tree, pump, failed],
  );
  const retry = useCallback(
    (parentId: string, gap: number) => {
      setFailed((f) => new Set([...f].filter((id) => id !== parentId)));
      queued.current.push({ parentId, gap });
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
      const linked = opensOn.current;
      const { whole: first, roots, around } = await prefetchSpanTreeStart(queryClient, traceId, linked);
      if (cancelled) return;
      setSpanCount(first.trace_span_count);
      if (!first.next_page_token) {
        setTree(SpanTree.fromAllSpans(first.spans ?? []));
        setMode('whole');
      } else {
        const t = new SpanTree();
        if (around && linked) t.addAround(around.levels, linked);
        if (roots) t.addChildrenPage(ROOT_ID, roots.spans ?? [], roots.next_page_token);
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
      // The first page of roots again: new roots join the tree, known ones get their new child counts.
      const page = await apiRequest<SpanPage>('GET', spansPath(traceId), { query: { view: 'SUMMARY', roots_only: true, max_results: WHOLE_TRACE_PAGE } });
      setSpanCount(page.trace_span_count);
      tree.addChildrenPage(ROOT_ID, page.spans ?? [], page.next_page_token);
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
      if (tree.span(spanId)) {
        // Known already: open every ancestor.
        for (let id = tree.parentOf(spanId); id && id !== ROOT_ID; id = tree.parentOf(id)) tree.setExpanded(id, true);
      } else {
        // A span the trace does not hold (or a failed read) leaves the tree as it is.
        const around = await readAround(traceId, spanId, AROUND_WINDOW).catch(() => undefined);
        if (!around) return;
        tree.addAround(around.levels, spanId);
      }
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
