import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { apiRequest } from '../../../shared/api/http-client';
import { ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { StatusBadge } from '../../../shared/components/status-badge';
import { formatDuration, formatTimestamp } from '../../../shared/lib/format';
import { ChatView } from '../../traces/components/chat-view';
import { JsonView } from '../../traces/components/json-view';
import { SpanTreeView } from '../../traces/components/span-tree-view';
import { spansPath } from '../../traces/hooks/use-span-detail';
import { useSpanTree } from '../../traces/hooks/use-span-tree';
import { useTraceInfo } from '../../traces/hooks/use-traces';
import { requestMessages, responseMessages } from '../../traces/lib/chat-messages';
import { parseOtelSpan, type OtelSpanJson } from '../../traces/lib/otel-span';

/** The trace's root span in full: its inputs and outputs are the request and the response. */
function useRootSpan(traceId: string) {
  return useQuery({
    queryKey: ['review', 'root-span', traceId],
    queryFn: async ({ signal }) => {
      const res = await apiRequest<{ spans?: OtelSpanJson[] }>('GET', spansPath(traceId), { query: { roots_only: true, max_results: 1 }, signal });
      const span = res.spans?.[0];
      return span ? parseOtelSpan(span) : null;
    },
  });
}

function Side({ title, value, messages }: { title: string; value: unknown; messages: ReturnType<typeof responseMessages> | null }) {
  return (
    <div>
      <h3 className="mb-1 text-xs font-semibold text-zinc-500 uppercase">{title}</h3>
      {messages?.length ? <ChatView messages={messages} /> : <JsonView label={title} value={value} />}
    </div>
  );
}

function SpanTreeSection({ traceId }: { traceId: string }) {
  const tree = useSpanTree(traceId, false);
  const [selected, setSelected] = useState<string>();
  const [now] = useState(() => Date.now());
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const range = useMemo(() => tree.tree.timeRange(now * 1000), [tree.tree, tree.version, now]);
  if (tree.status === 'error') return <ErrorBanner error={tree.error} title="Spans could not be loaded" />;
  if (tree.status === 'loading') return <Spinner label="Loading spans" />;
  return (
    <div className="h-72 rounded-md border border-zinc-200 dark:border-zinc-800">
      <SpanTreeView state={tree} selectedId={selected} onSelect={setSelected} range={range} />
    </div>
  );
}

/**
 * The trace under review: name, status, latency, the request and the response (as a conversation when
 * they are chat messages, otherwise JSON), a link to the full trace, and its span tree, collapsed.
 *
 * @example
 * <ReviewItemTrace experimentId="1" traceId="tr-…" />
 */
export function ReviewItemTrace({ experimentId, traceId }: { experimentId: string; traceId: string }) {
  const info = useTraceInfo(traceId);
  const root = useRootSpan(traceId);
  const [treeOpen, setTreeOpen] = useState(false);
  if (info.error) return <ErrorBanner error={info.error} title="Trace not found (it may have been deleted)" />;
  const span = root.data;
  return (
    <section aria-label="Trace under review" className="flex flex-col gap-3">
      <header className="flex flex-wrap items-center gap-2">
        <h2 className="truncate text-sm font-semibold" title={traceId}>
          {span?.name ?? info.data?.trace_metadata?.['mlflow.traceName'] ?? traceId}
        </h2>
        {info.data ? <StatusBadge status={info.data.state} /> : null}
        {info.data?.execution_duration ? (
          <span className="text-xs text-zinc-500">{formatDuration(Number.parseFloat(info.data.execution_duration) * 1000)}</span>
        ) : null}
        {info.data ? <span className="text-xs text-zinc-500">{formatTimestamp(info.data.request_time)}</span> : null}
        <Link
          to={`/experiments/${experimentId}/traces/${encodeURIComponent(traceId)}`}
          target="_blank"
          rel="noreferrer"
          className="ml-auto text-xs font-medium text-indigo-600 hover:underline dark:text-indigo-400"
        >
          Open full trace ↗
        </Link>
      </header>
      {root.error ? <ErrorBanner error={root.error} title="The request and response could not be read" /> : null}
      {root.isPending ? (
        <Spinner label="Loading the request and response" />
      ) : span ? (
        <>
          <Side title="Request" value={span.inputs} messages={requestMessages(span.inputs)} />
          <Side title="Response" value={span.outputs} messages={responseMessages(span.outputs)} />
        </>
      ) : (
        <p className="text-sm text-zinc-500">This trace has no spans yet.</p>
      )}
      <details
        className="rounded-md border border-zinc-200 dark:border-zinc-800"
        open={treeOpen}
        onToggle={(e) => setTreeOpen((e.target as HTMLDetailsElement).open)}
      >
        <summary className="cursor-pointer px-3 py-1.5 text-xs font-medium text-zinc-600 dark:text-zinc-300">Span tree</summary>
        {/* Read only when opened: most reviews never need it. */}
        {treeOpen ? (
          <div className="p-2">
            <SpanTreeSection traceId={traceId} />
          </div>
        ) : null}
      </details>
    </section>
  );
}
