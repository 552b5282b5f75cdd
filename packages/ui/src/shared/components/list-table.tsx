import type { PageTokenPaging } from '../hooks/use-page-token';
import { ErrorBanner, Spinner } from './feedback-states';
import { Pager } from './pager';

/** A column of a `ListTable`: its header, whether its cells align right (numbers), whether the header is for screen readers only (buttons). */
export interface ListColumn {
  label: string;
  align?: 'right';
  srOnly?: boolean;
}

/**
 * A list as a table: the query's error, a spinner while it loads, `empty` when it found nothing, else
 * the header row, the rows (`children`, one `<tr>` each, styled by `LIST_ROW`) and, for a token-paged
 * list (`paging`), the Pager.
 *
 * @example
 * <ListTable label="Prompts" columns={[{ label: 'Name' }]} query={prompts} loadingLabel="Loading prompts"
 *   isEmpty={prompts.data?.models.length === 0} empty={<EmptyState title="No prompts yet" />}
 *   paging={paging} nextPageToken={prompts.data?.nextPageToken}>
 *   {prompts.data?.models.map((p) => <tr key={p.name} className={LIST_ROW}>…</tr>)}
 * </ListTable>
 */
export function ListTable({
  label,
  columns,
  query,
  loadingLabel,
  isEmpty,
  empty,
  paging,
  nextPageToken,
  children,
}: {
  label: string;
  columns: readonly ListColumn[];
  query: { isPending: boolean; error: unknown };
  loadingLabel: string;
  /** True once the list has loaded with nothing in it. */
  isEmpty: boolean;
  empty: React.ReactNode;
  /** Omitted for a list read whole. */
  paging?: PageTokenPaging;
  nextPageToken?: string | undefined;
  children: React.ReactNode;
}) {
  return (
    <>
      {query.error ? <ErrorBanner error={query.error} /> : null}
      {query.isPending ? (
        <Spinner label={loadingLabel} />
      ) : isEmpty ? (
        empty
      ) : (
        <>
          <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
            <table className="w-full text-sm" aria-label={label}>
              <thead className="border-b border-zinc-200 bg-zinc-50 text-left text-xs font-medium text-zinc-500 uppercase dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400">
                <tr>
                  {columns.map((c) => (
                    <th key={c.label} className={c.align === 'right' ? 'px-4 py-2 text-right font-medium' : 'px-4 py-2 font-medium'}>
                      {c.srOnly ? <span className="sr-only">{c.label}</span> : c.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>{children}</tbody>
            </table>
          </div>
          {paging ? <Pager paging={paging} nextPageToken={nextPageToken} /> : null}
        </>
      )}
    </>
  );
}

/** The class of a `ListTable` row: a divider and a hover tint. */
export const LIST_ROW = 'border-b border-zinc-100 last:border-0 hover:bg-zinc-50 dark:border-zinc-800/60 dark:hover:bg-zinc-800/40';
