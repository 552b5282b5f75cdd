import { Link } from 'react-router';
import { CopyButton } from '../../../shared/components/copy-button';
import { Spinner } from '../../../shared/components/feedback-states';
import { StatusBadge } from '../../../shared/components/status-badge';
import { formatCost, formatDuration, formatTimestamp, formatTokens, formatTokenSplit } from '../../../shared/lib/format';
import type { TraceSummary } from '../lib/trace-info';
import { TraceTags } from './trace-tags';

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-[11px] text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="truncate text-[13px] font-medium tabular-nums">{children}</dd>
    </div>
  );
}

/**
 * The top of the trace view: name, status, id, when, latency (running time while in progress), span
 * count, tokens, cost, session (a link to it), user, and the trace's tags.
 *
 * @example
 * <TraceHeader experimentId="1" traceId="tr-…" summary={summary} inProgress={false} now={Date.now()} spanCount="4" />
 */
export function TraceHeader({
  experimentId,
  traceId,
  summary,
  inProgress,
  now,
  spanCount,
}: {
  experimentId: string;
  traceId: string;
  summary: TraceSummary | undefined;
  inProgress: boolean;
  now: number;
  spanCount: string;
}) {
  return (
    <header className="shrink-0 border-b border-zinc-200 bg-white px-6 py-3 dark:border-zinc-800 dark:bg-zinc-900">
      <div className="mb-1 text-xs text-zinc-500">
        <Link to={`/experiments/${experimentId}/traces`} className="hover:underline">
          ← Traces
        </Link>
      </div>
      <div className="flex items-center gap-3">
        <h1 className="truncate text-lg font-semibold tracking-tight">{summary?.name || <span className="text-zinc-400">Unnamed trace</span>}</h1>
        {summary ? <StatusBadge status={summary.state} /> : null}
        <span className="font-mono text-xs text-zinc-400">{traceId}</span>
        <CopyButton value={traceId} label="Copy trace id" />
      </div>
      {summary ? (
        <>
          <dl className="mt-2 grid grid-cols-3 gap-x-6 gap-y-2 md:grid-cols-7">
            <Fact label="Started">{formatTimestamp(summary.requestTimeMs)}</Fact>
            <Fact label="Latency">{inProgress ? `running ${formatDuration(now - summary.requestTimeMs)}` : formatDuration(summary.latencyMs)}</Fact>
            <Fact label="Spans">{spanCount}</Fact>
            <Fact label="Tokens">
              {formatTokens(summary)}
              {summary.inputTokens !== undefined ? (
                <span className="font-normal text-zinc-500" title={formatTokenSplit(summary)}>
                  {' '}
                  ({formatTokenSplit(summary, true)})
                </span>
              ) : null}
            </Fact>
            <Fact label="Cost">{formatCost(summary.costUsd)}</Fact>
            <Fact label="Session">
              {summary.session ? (
                <Link
                  className="text-indigo-600 hover:underline dark:text-indigo-400"
                  to={`/experiments/${experimentId}/sessions/${encodeURIComponent(summary.session)}`}
                >
                  {summary.session}
                </Link>
              ) : (
                '—'
              )}
            </Fact>
            <Fact label="User">{summary.user ?? '—'}</Fact>
          </dl>
          <div className="mt-2">
            <TraceTags traceId={traceId} tags={summary.tags} />
          </div>
        </>
      ) : (
        <Spinner label="Loading trace" />
      )}
    </header>
  );
}
