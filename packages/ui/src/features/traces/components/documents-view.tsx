import type { RetrievedDocument } from '../lib/retriever-documents';

const metaText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/**
 * A retriever span's documents as cards: rank, id and source, the content as text (line breaks
 * kept), then the rest of the metadata; the query above them when there is one.
 *
 * @example
 * <DocumentsView query="refund policy" documents={extractDocuments(span.outputs)!} />
 */
export function DocumentsView({ query, documents }: { query?: string | undefined; documents: RetrievedDocument[] }) {
  return (
    <div className="flex flex-col gap-3">
      {query !== undefined ? (
        <section aria-label="Query">
          <h3 className="mb-1 text-xs font-semibold text-zinc-500 uppercase">Query</h3>
          <p className="rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-[13px] whitespace-pre-wrap dark:border-sky-500/30 dark:bg-sky-500/10">
            {query}
          </p>
        </section>
      ) : null}
      <ol aria-label="Retrieved documents" className="flex flex-col gap-2">
        {documents.map((d, i) => {
          const meta = Object.entries(d.metadata);
          return (
            <li key={i} className="rounded-md border border-zinc-200 bg-white dark:border-zinc-700 dark:bg-zinc-900">
              <div className="flex min-w-0 items-center gap-2 border-b border-zinc-100 px-3 py-1.5 text-xs dark:border-zinc-800">
                <span className="font-semibold text-teal-700 dark:text-teal-300">#{i + 1}</span>
                {d.source ? (
                  <span className="min-w-0 truncate font-medium" title={d.source}>
                    {d.source}
                  </span>
                ) : null}
                {d.id !== undefined ? (
                  <span className="ml-auto shrink-0 font-mono text-zinc-400" title="Document id">
                    {d.id}
                  </span>
                ) : null}
              </div>
              <div className="max-h-64 overflow-auto px-3 py-2 text-[13px] leading-relaxed break-words whitespace-pre-wrap">
                {d.content || <em className="text-zinc-400">empty</em>}
              </div>
              {meta.length ? (
                <dl className="flex flex-wrap gap-x-3 gap-y-1 border-t border-zinc-100 px-3 py-1.5 text-[11px] dark:border-zinc-800">
                  {meta.map(([k, v]) => (
                    <div key={k} className="flex min-w-0 gap-1">
                      <dt className="text-zinc-500">{k}</dt>
                      <dd className="truncate font-mono" title={metaText(v)}>
                        {metaText(v)}
                      </dd>
                    </div>
                  ))}
                </dl>
              ) : null}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
