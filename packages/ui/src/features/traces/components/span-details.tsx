import { SpanAttributeKey } from '@loupe/protocol';
import { useState } from 'react';
import { ButtonTabs } from '../../../shared/components/tab-links';
import { ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { StatusBadge } from '../../../shared/components/status-badge';
import { CopyButton } from '../../../shared/components/copy-button';
import { formatCost, formatDuration, formatTimestamp, formatTokens, formatTokenSplit } from '../../../shared/lib/format';
import { useSpanDetail } from '../hooks/use-span-detail';
import { extractChat } from '../lib/chat-messages';
import { spanExceptions, type SpanDetail } from '../lib/otel-span';
import { extractDocuments, retrieverQuery } from '../lib/retriever-documents';
import { hasTabContent, shownSpanTab, type SpanContent, type SpanTab } from '../lib/span-tabs';
import { ChatView } from './chat-view';
import { DocumentsView } from './documents-view';
import { JsonView } from './json-view';
import { SpanTypeIcon } from './span-type-icon';

const CHAT_TYPES = new Set(['LLM', 'CHAT_MODEL']);

function Metric({ label, value }: { label: string; value: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-[11px] text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="truncate text-sm font-medium tabular-nums" title={value}>
        {value}
      </dd>
    </div>
  );
}

/** The attributes the Attributes view lists: all but inputs and outputs (which have their own view). */
const attributeEntries = (attributes: Record<string, unknown>) =>
  Object.entries(attributes).filter(([k]) => k !== SpanAttributeKey.INPUTS && k !== SpanAttributeKey.OUTPUTS);

function Attributes({ attributes }: { attributes: Record<string, unknown> }) {
  const entries = attributeEntries(attributes);
  if (!entries.length) return <p className="text-xs text-zinc-400 italic">No attributes</p>;
  return (
    <table className="w-full text-xs">
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k} className="border-b border-zinc-100 align-top dark:border-zinc-800">
            <th scope="row" className="w-2/5 py-1.5 pr-3 text-left font-mono font-normal break-all text-zinc-500 dark:text-zinc-400">
              {k}
            </th>
            <td className="py-1.5 font-mono break-all whitespace-pre-wrap">{typeof v === 'string' ? v : JSON.stringify(v, null, 2)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Events({ span }: { span: SpanDetail }) {
  const exceptions = spanExceptions(span);
  return (
    <div className="flex flex-col gap-3">
      {exceptions.map((e, i) => (
        <div key={`x${i}`} role="alert" className="rounded-md border border-red-200 bg-red-50 p-2.5 text-xs dark:border-red-500/30 dark:bg-red-500/10">
          <div className="font-semibold text-red-700 dark:text-red-300">
            {e.type}: {e.message}
          </div>
          {e.stacktrace ? <pre className="mt-1.5 overflow-auto font-mono whitespace-pre-wrap text-red-900/80 dark:text-red-200/80">{e.stacktrace}</pre> : null}
        </div>
      ))}
      {span.events.length === 0 ? <p className="text-xs text-zinc-400 italic">No events</p> : null}
      {span.events
        .filter((e) => e.name !== 'exception')
        .map((e, i) => (
          <div key={i} className="rounded-md border border-zinc-200 p-2 dark:border-zinc-800">
            <div className="mb-1 flex justify-between text-xs">
              <span className="font-medium">{e.name}</span>
              <span className="text-zinc-400">+{formatDuration((e.timeUs - span.startUs) / 1000)}</span>
            </div>
            <Attributes attributes={e.attributes} />
          </div>
        ))}
    </div>
  );
}

/**
 * The selected span: name, type, status, latency, tokens, cost; then its inputs and outputs as JSON,
 * the conversation of an LLM span, a retriever's documents, its attributes, and its events and
 * exceptions. A picked view stays from span to span while it has something to show (span-tabs.ts).
 *
 * @example
 * <SpanDetails traceId={traceId} spanId={spanId} inProgress={false} />
 */
export function SpanDetails({ traceId, spanId, inProgress }: { traceId: string; spanId: string | undefined; inProgress: boolean }) {
  const detail = useSpanDetail(traceId, spanId, inProgress);
  const [picked, setPicked] = useState<SpanTab | null>(null);
  const [seenSpan, setSeenSpan] = useState<string | undefined>();
  if (!spanId) return <p className="p-4 text-sm text-zinc-500">Select a span to see its details.</p>;
  if (detail.isPending)
    return (
      <div className="p-4">
        <Spinner label="Loading span" />
      </div>
    );
  if (detail.error)
    return (
      <div className="p-4">
        <ErrorBanner error={detail.error} title="Span could not be loaded" />
      </div>
    );
  const span = detail.data;
  if (!span) return <p className="p-4 text-sm text-zinc-500">This span is not in the trace.</p>;
  // The conversation view is for model calls; other spans show their inputs and outputs as JSON.
  const chat = CHAT_TYPES.has(span.type) || span.attributes[SpanAttributeKey.CHAT_MESSAGES] ? extractChat(span.inputs, span.outputs, span.attributes) : null;
  const documents = extractDocuments(span.outputs);
  const exceptions = spanExceptions(span).length;
  const attributeCount = attributeEntries(span.attributes).length;
  const content: SpanContent = {
    chat: chat !== null,
    documents: documents !== null,
    io: (span.inputs !== undefined && span.inputs !== null) || (span.outputs !== undefined && span.outputs !== null),
    attributes: attributeCount,
    events: span.events.length,
  };
  // Another span: a pick with nothing to show here is dropped, so the next spans open on their default.
  if (span.spanId !== seenSpan) {
    setSeenSpan(span.spanId);
    if (picked && !hasTabContent(picked, content)) setPicked(null);
  }
  const tabs: { id: SpanTab; label: string }[] = [
    ...(chat ? [{ id: 'chat' as const, label: 'Chat' }] : []),
    ...(documents ? [{ id: 'documents' as const, label: `Documents (${documents.length})` }] : []),
    { id: 'io', label: 'Inputs / Outputs' },
    { id: 'attributes', label: `Attributes (${attributeCount})` },
    { id: 'events', label: `Events (${span.events.length})${exceptions ? ' ⚠' : ''}` },
  ];
  const shown = shownSpanTab(picked, content);
  const duration = span.endUs !== undefined ? (span.endUs - span.startUs) / 1000 : undefined;
  return (
    <section aria-label="Span details" className="flex h-full min-h-0 flex-col">
      <header className="shrink-0 border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
        <div className="flex items-center gap-2">
          <SpanTypeIcon type={span.type} />
          <h2 className="min-w-0 truncate text-sm font-semibold" title={span.name}>
            {span.name}
          </h2>
          <StatusBadge status={span.status} />
          <span className="ml-auto font-mono text-[11px] text-zinc-400">{span.spanId}</span>
          <CopyButton value={span.spanId} label="Copy span id" />
        </div>
        {span.statusMessage && span.status === 'ERROR' ? <p className="mt-1 text-xs text-red-600 dark:text-red-400">{span.statusMessage}</p> : null}
        <dl className="mt-2.5 grid grid-cols-3 gap-3 sm:grid-cols-5">
          <Metric label="Latency" value={duration === undefined ? 'running' : formatDuration(duration)} />
          <Metric label="Started" value={formatTimestamp(span.startUs / 1000, true).slice(11)} />
          <Metric label="Tokens" value={formatTokens(span.tokens)} />
          <Metric label="Cost" value={formatCost(span.costUsd)} />
          <Metric label="Model" value={span.model ?? '—'} />
        </dl>
        {span.tokens?.inputTokens !== undefined ? <p className="mt-1 text-[11px] text-zinc-500">Tokens: {formatTokenSplit(span.tokens)}</p> : null}
      </header>
      <div className="shrink-0 px-4 pt-2">
        <ButtonTabs label="Span views" tabs={tabs} value={shown} onChange={setPicked} />
      </div>
      <div className="min-h-0 flex-1 overflow-auto px-4 py-3">
        {shown === 'chat' && chat ? <ChatView messages={chat} /> : null}
        {shown === 'documents' && documents ? <DocumentsView query={retrieverQuery(span.inputs)} documents={documents} /> : null}
        {shown === 'io' ? (
          <div className="flex flex-col gap-3">
            <div>
              <h3 className="mb-1 text-xs font-semibold text-zinc-500 uppercase">Inputs</h3>
              <JsonView label="Inputs" value={span.inputs} />
            </div>
            <div>
              <h3 className="mb-1 text-xs font-semibold text-zinc-500 uppercase">Outputs</h3>
              <JsonView label="Outputs" value={span.outputs} />
            </div>
          </div>
        ) : null}
        {shown === 'attributes' ? <Attributes attributes={span.attributes} /> : null}
        {shown === 'events' ? <Events span={span} /> : null}
      </div>
    </section>
  );
}
