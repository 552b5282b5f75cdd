import { useEffect, useMemo, useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { ButtonTabs } from '../../../shared/components/tab-links';
import { TextInput } from '../../../shared/components/text-input';
import { formatCount } from '../../../shared/lib/format';
import { WHOLE_TRACE_PAGE, useSpanTree } from '../hooks/use-span-tree';
import { useTraceInfo } from '../hooks/use-traces';
import { summarizeTrace } from '../lib/trace-info';
import { AssessmentsPanel } from './assessments-panel';
import { SpanDetails } from './span-details';
import { SpanSearchResults, type SpanSearchMode } from './span-search';
import { SpanTreeView } from './span-tree-view';
import { SplitHandle, useDetailsWidth } from './split-handle';
import { TraceHeader } from './trace-header';

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/**
 * One trace: header (name, status, latency, tokens, cost, session, user, tags), the span tree and
 * timeline side by side with search inside the trace, and the selected span's details or the
 * trace's assessments. The selected span is in the URL (`?span=`).
 *
 * @example
 * { path: 'traces/:traceId', element: <TracePage /> }
 */
export function TracePage() {
  const { experimentId = '', traceId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const info = useTraceInfo(traceId);
  const inProgress = info.data?.state === 'IN_PROGRESS';
  const panel = params.get('panel') === 'assessments' ? 'assessments' : 'span';
  const spanParam = params.get('span') ?? undefined;
  // A link to a span opens the tree around it (read first, in place of the trace's top).
  const tree = useSpanTree(traceId, inProgress, spanParam);
  const [query, setQuery] = useState('');
  const [mode, setMode] = useState<SpanSearchMode>('name');
  const debounced = useDebounced(query.trim(), 250);
  // The selection answers key presses at once; the URL follows it (and back/forward lead it).
  const [selectedLocal, setSelectedLocal] = useState(spanParam);
  const [lastParam, setLastParam] = useState(spanParam);
  if (spanParam !== lastParam) {
    setLastParam(spanParam);
    setSelectedLocal(spanParam);
  }
  const firstRoot = tree.rows.find((r) => r.kind === 'span')?.id;
  const selected = selectedLocal ?? firstRoot;
  const update = (changes: Record<string, string | null>) =>
    setParams(
      (p) => {
        for (const [k, v] of Object.entries(changes)) {
          if (v === null) p.delete(k);
          else p.set(k, v);
        }
        return p;
      },
      { replace: true },
    );
  const select = (id: string) => {
    setSelectedLocal(id);
    update({ span: id });
  };
  const { status, tree: spanTree, reveal } = tree;
  // A link to a span the tree has not read yet (deep in a huge trace): bring it in.
  useEffect(() => {
    if (status === 'ready' && spanParam && !spanTree.span(spanParam)) void reveal(spanParam);
  }, [status, spanParam, spanTree, reveal]);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!inProgress) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [inProgress]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const range = useMemo(() => spanTree.timeRange(now * 1000), [spanTree, tree.version, now]);
  const summary = info.data ? summarizeTrace(info.data) : undefined;
  const [detailsWidth, setDetailsWidth] = useDetailsWidth();
  const spanCountText =
    summary?.spanCount !== undefined
      ? formatCount(summary.spanCount)
      : tree.spanCount !== undefined
        ? formatCount(tree.spanCount)
        : tree.mode === 'whole'
          ? formatCount(tree.tree.nodes.size - 1)
          : tree.mode === 'paged'
            ? `more than ${formatCount(WHOLE_TRACE_PAGE)}`
            : '—';

  if (info.error) {
    return (
      <div className="p-6">
        <ErrorBanner error={info.error} title="Trace not found" />
      </div>
    );
  }
  return (
    <div className="flex h-full min-h-0 flex-col">
      <TraceHeader experimentId={experimentId} traceId={traceId} summary={summary} inProgress={inProgress} now={now} spanCount={spanCountText} />
      <div className="grid min-h-0 flex-1" style={{ gridTemplateColumns: `minmax(0,1fr) 6px ${detailsWidth}px` }}>
        <section aria-label="Spans" className="flex min-h-0 flex-col bg-white dark:bg-zinc-900">
          <div className="flex shrink-0 items-center gap-2 border-b border-zinc-200 p-2 dark:border-zinc-800">
            <TextInput
              type="search"
              aria-label="Search spans"
              placeholder={mode === 'name' ? 'Search spans by name' : 'Search span inputs, outputs, attributes'}
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              className="h-7 flex-1 text-xs"
            />
            <select
              aria-label="Search in"
              value={mode}
              onChange={(e) => setMode(e.target.value as SpanSearchMode)}
              className="h-7 rounded-md border border-zinc-300 bg-white px-1.5 text-xs dark:border-zinc-700 dark:bg-zinc-900"
            >
              <option value="name">Names</option>
              <option value="content">Content</option>
            </select>
          </div>
          {debounced ? (
            <SpanSearchResults
              traceId={traceId}
              query={debounced}
              mode={mode}
              onPick={(id) => {
                setQuery('');
                select(id);
                void reveal(id);
              }}
            />
          ) : tree.status === 'error' ? (
            <div className="p-3">
              <ErrorBanner error={tree.error} title="Spans could not be loaded" />
            </div>
          ) : tree.status === 'loading' ? (
            <div className="p-3">
              <Spinner label="Loading spans" />
            </div>
          ) : tree.rows.length === 0 ? (
            <p className="p-3 text-sm text-zinc-500">This trace has no spans yet.</p>
          ) : (
            <SpanTreeView state={tree} selectedId={selected} onSelect={select} range={range} />
          )}
        </section>
        <SplitHandle width={detailsWidth} onChange={setDetailsWidth} />
        <aside className="flex min-h-0 flex-col bg-white dark:bg-zinc-900">
          <div className="shrink-0 px-4 pt-2">
            <ButtonTabs
              label="Details"
              value={panel}
              onChange={(p) => update({ panel: p === 'span' ? null : p })}
              tabs={[
                { id: 'span', label: 'Span' },
                { id: 'assessments', label: `Assessments (${summary?.assessments.length ?? 0})` },
              ]}
            />
          </div>
          <div className="min-h-0 flex-1 overflow-auto">
            {panel === 'span' ? (
              <SpanDetails traceId={traceId} spanId={selected} inProgress={inProgress} />
            ) : (
              <AssessmentsPanel traceId={traceId} assessments={summary?.assessments ?? []} spanId={selected} />
            )}
          </div>
        </aside>
      </div>
    </div>
  );
}
