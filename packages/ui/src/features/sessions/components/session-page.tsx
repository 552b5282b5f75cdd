import { useEffect, useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { StatusBadge } from '../../../shared/components/status-badge';
import { formatDuration, formatTimestamp } from '../../../shared/lib/format';
import { useTraceSearch } from '../../traces/hooks/use-traces';
import { conversation, sessionFilter } from '../lib/sessions';

/** A session longer than this many turns shows its first ones and says so. */
const MAX_TURNS = 2000;

/**
 * One session as a conversation: each trace a turn (the user's message, the answer), in order, each
 * linking to its trace.
 *
 * @example
 * { path: 'sessions/:sessionId', element: <SessionPage /> }
 */
export function SessionPage() {
  const { experimentId = '', sessionId = '' } = useParams();
  const search = useTraceSearch(experimentId, sessionFilter(sessionId), 'timestamp_ms ASC');
  const traces = useMemo(() => search.data?.pages.flatMap((p) => p.traces ?? []) ?? [], [search.data]);
  const turns = useMemo(() => conversation(traces), [traces]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = search;
  // A conversation is read whole (up to a limit): its turns are small.
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && traces.length < MAX_TURNS) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, traces.length]);
  const users = [...new Set(turns.map((t) => t.user).filter(Boolean))];
  return (
    <div className="mx-auto flex max-w-4xl flex-col gap-4 p-6">
      <div className="text-xs text-zinc-500">
        <Link to={`/experiments/${experimentId}/sessions`} className="hover:underline">
          ← Sessions
        </Link>
      </div>
      <div>
        <h1 className="text-lg font-semibold tracking-tight">Session {sessionId}</h1>
        <p className="text-sm text-zinc-500">
          {turns.length} turn{turns.length === 1 ? '' : 's'}
          {users.length ? ` · ${users.join(', ')}` : ''}
          {turns.length ? ` · ${formatTimestamp(turns[0]!.timeMs)} to ${formatTimestamp(turns.at(-1)!.timeMs)}` : ''}
        </p>
      </div>
      {search.error ? <ErrorBanner error={search.error} title="Session could not be loaded" /> : null}
      {search.isPending ? <Spinner label="Loading conversation" /> : null}
      {!search.isPending && turns.length === 0 ? <p className="text-sm text-zinc-500">No trace belongs to this session.</p> : null}
      <ol aria-label="Conversation" className="flex flex-col gap-4">
        {turns.map((t, i) => (
          <li key={t.traceId} className="flex flex-col gap-2">
            <div className="flex items-center gap-2 text-xs text-zinc-400">
              <span>Turn {i + 1}</span>
              <span>{formatTimestamp(t.timeMs)}</span>
              <StatusBadge status={t.state} />
              {t.latencyMs !== undefined ? <span>{formatDuration(t.latencyMs)}</span> : null}
              <Link to={`/experiments/${experimentId}/traces/${t.traceId}`} className="ml-auto text-indigo-600 hover:underline dark:text-indigo-400">
                Open trace
              </Link>
            </div>
            <div className="max-w-[80%] self-end rounded-2xl rounded-br-sm bg-indigo-600 px-4 py-2 text-sm whitespace-pre-wrap text-white">
              {t.request || <em className="opacity-70">no request recorded</em>}
            </div>
            <div
              className={`max-w-[80%] self-start rounded-2xl rounded-bl-sm border px-4 py-2 text-sm whitespace-pre-wrap ${t.state === 'ERROR' ? 'border-red-200 bg-red-50 dark:border-red-500/30 dark:bg-red-500/10' : 'border-zinc-200 bg-white dark:border-zinc-700 dark:bg-zinc-900'}`}
            >
              {t.response || <em className="text-zinc-400">{t.state === 'IN_PROGRESS' ? 'still running…' : 'no response recorded'}</em>}
            </div>
          </li>
        ))}
      </ol>
      {traces.length >= MAX_TURNS && hasNextPage ? <p className="text-sm text-zinc-500">Showing the first {MAX_TURNS} turns.</p> : null}
    </div>
  );
}
