import { useInfiniteQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../shared/api/http-client';
import { ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { formatDuration } from '../../../shared/lib/format';
import { spansPath } from '../hooks/use-span-detail';
import type { SpanSummary } from '../lib/span-tree';
import { SpanTypeIcon } from './span-type-icon';

/** Where a search inside the trace looks. */
export type SpanSearchMode = 'name' | 'content';

/**
 * The span filter of a search inside a trace: names (case-insensitive) or span content (full text).
 *
 * @example
 * spanSearchFilter("o'k", 'name'); // "span.name ILIKE '%o\\'k%'"
 */
export function spanSearchFilter(query: string, mode: SpanSearchMode): string {
  const q = query.trim().replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  return mode === 'name' ? `span.name ILIKE '%${q}%'` : `trace.text LIKE '%${q}%'`;
}

/**
 * Spans of the trace matching a search, read page by page from the server (the trace is never
 * loaded whole to search it). Choosing one opens it in the tree.
 *
 * @example
 * <SpanSearchResults traceId={id} query="search" mode="name" onPick={reveal} />
 */
export function SpanSearchResults({
  traceId,
  query,
  mode,
  onPick,
}: {
  traceId: string;
  query: string;
  mode: SpanSearchMode;
  onPick: (spanId: string) => void;
}) {
  const results = useInfiniteQuery({
    queryKey: ['span-search', traceId, query, mode],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      apiRequest<{ spans?: SpanSummary[]; next_page_token?: string }>('GET', spansPath(traceId), {
        query: { filter: spanSearchFilter(query, mode), view: 'SUMMARY', max_results: 200, ...(pageParam ? { page_token: pageParam } : {}) },
        signal,
      }),
    getNextPageParam: (last) => last.next_page_token,
  });
  const spans = results.data?.pages.flatMap((p) => p.spans ?? []) ?? [];
  return (
    <div className="min-h-0 flex-1 overflow-auto">
      {results.error ? (
        <div className="p-3">
          <ErrorBanner error={results.error} title="Search failed" />
        </div>
      ) : null}
      {results.isPending ? (
        <div className="p-3">
          <Spinner label="Searching spans" />
        </div>
      ) : null}
      {!results.isPending && spans.length === 0 ? <p className="p-3 text-sm text-zinc-500">No span matches.</p> : null}
      {spans.length ? (
        <p className="px-3 pt-2 pb-1 text-xs text-zinc-500">
          {spans.length.toLocaleString('en-US')}
          {results.hasNextPage ? '+' : ''} matching span{spans.length === 1 ? '' : 's'}
        </p>
      ) : null}
      <ul aria-label="Matching spans">
        {spans.map((s) => (
          <li key={s.span_id}>
            <button
              type="button"
              onClick={() => onPick(s.span_id)}
              className="flex w-full items-center gap-2 border-b border-zinc-100 px-3 py-1.5 text-left text-[13px] hover:bg-zinc-50 dark:border-zinc-800 dark:hover:bg-zinc-800/50"
            >
              <SpanTypeIcon type={s.type} />
              <span className={`truncate ${s.status === 'ERROR' ? 'text-red-600 dark:text-red-400' : ''}`}>{s.name}</span>
              <span className="ml-auto shrink-0 text-xs text-zinc-500 tabular-nums">
                {s.end_time_us !== undefined ? formatDuration((s.end_time_us - s.start_time_us) / 1000) : 'running'}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {results.hasNextPage ? (
        <button
          type="button"
          onClick={() => void results.fetchNextPage()}
          disabled={results.isFetchingNextPage}
          className="w-full py-2 text-xs text-indigo-600 hover:underline dark:text-indigo-400"
        >
          {results.isFetchingNextPage ? 'Loading…' : 'More results'}
        </button>
      ) : null}
    </div>
  );
}
