import { TraceMetadataKey } from '@loupe/protocol';
import { useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { Button } from '../../../shared/components/button';
import { EmptyState, ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { formatCost, formatCount, formatDuration, formatRelative, formatTimestamp, truncate } from '../../../shared/lib/format';
import { useTraceSearch } from '../../traces/hooks/use-traces';
import { groupSessions } from '../lib/sessions';

/** Traces that belong to a session. */
const IN_A_SESSION = `metadata.\`${TraceMetadataKey.SESSION}\` IS NOT NULL`;

/**
 * An experiment's Sessions tab: the sessions of its most recent traces (more load on demand), each
 * with its turn count, users, tokens, cost and errors.
 *
 * @example
 * { path: 'sessions', element: <SessionsPage /> }
 */
export function SessionsPage() {
  const { experimentId = '' } = useParams();
  const search = useTraceSearch(experimentId, IN_A_SESSION, 'timestamp_ms DESC');
  const traces = useMemo(() => search.data?.pages.flatMap((p) => p.traces ?? []) ?? [], [search.data]);
  const sessions = useMemo(() => groupSessions(traces), [traces]);
  if (search.isPending)
    return (
      <div className="p-6">
        <Spinner label="Loading sessions" />
      </div>
    );
  return (
    <div className="flex flex-col gap-3 p-4">
      {search.error ? <ErrorBanner error={search.error} title="Sessions could not be loaded" /> : null}
      {sessions.length === 0 ? (
        <EmptyState
          title="No sessions yet"
          hint="Traces join a session through the metadata mlflow.trace.session (the span attribute session.id, or gen_ai.conversation.id)."
        />
      ) : (
        <>
          <p className="text-xs text-zinc-500">
            {sessions.length} session{sessions.length === 1 ? '' : 's'} in the {formatCount(traces.length)} most recent traces
            {search.hasNextPage ? '' : ' (all)'}
          </p>
          <div className="overflow-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
            <table aria-label="Sessions" className="w-full text-sm">
              <thead className="border-b border-zinc-200 bg-zinc-50 text-left text-xs font-medium text-zinc-500 uppercase dark:border-zinc-800 dark:bg-zinc-900">
                <tr>
                  <th className="px-3 py-2 font-medium">Session</th>
                  <th className="px-3 py-2 font-medium">First message</th>
                  <th className="px-3 py-2 font-medium">Turns</th>
                  <th className="px-3 py-2 font-medium">Users</th>
                  <th className="px-3 py-2 font-medium">Last active</th>
                  <th className="px-3 py-2 font-medium">Length</th>
                  <th className="px-3 py-2 font-medium">Tokens</th>
                  <th className="px-3 py-2 font-medium">Cost</th>
                  <th className="px-3 py-2 font-medium">Errors</th>
                </tr>
              </thead>
              <tbody>
                {sessions.map((s) => (
                  <tr key={s.id} className="border-b border-zinc-100 hover:bg-zinc-50 dark:border-zinc-800/70 dark:hover:bg-zinc-800/40">
                    <td className="px-3 py-2">
                      <Link to={encodeURIComponent(s.id)} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                        {s.id}
                      </Link>
                    </td>
                    <td className="max-w-md truncate px-3 py-2 text-zinc-600 dark:text-zinc-300">{truncate(s.firstRequest, 120)}</td>
                    <td className="px-3 py-2 tabular-nums">{s.traceCount}</td>
                    <td className="px-3 py-2">{s.users.join(', ') || '—'}</td>
                    <td className="px-3 py-2" title={formatTimestamp(s.lastMs)}>
                      {formatRelative(s.lastMs)}
                    </td>
                    <td className="px-3 py-2 tabular-nums">{formatDuration(s.lastMs - s.firstMs)}</td>
                    <td className="px-3 py-2 tabular-nums">{formatCount(s.totalTokens)}</td>
                    <td className="px-3 py-2 tabular-nums">{formatCost(s.costUsd)}</td>
                    <td className={`px-3 py-2 tabular-nums ${s.errors ? 'text-red-600 dark:text-red-400' : ''}`}>{s.errors}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {search.hasNextPage ? (
            <Button onClick={() => void search.fetchNextPage()} disabled={search.isFetchingNextPage} className="self-center">
              {search.isFetchingNextPage ? 'Loading…' : 'Load older traces'}
            </Button>
          ) : null}
        </>
      )}
    </div>
  );
}
