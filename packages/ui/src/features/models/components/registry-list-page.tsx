import type { RegisteredModel } from '@loupe/protocol';
import { Link } from 'react-router';
import { EmptyState } from '../../../shared/components/feedback-states';
import { ListSearchInput } from '../../../shared/components/list-search-input';
import { LIST_ROW, ListTable, type ListColumn } from '../../../shared/components/list-table';
import type { ListSearch } from '../../../shared/hooks/use-list-search';
import { formatRelative, formatTimestamp } from '../../../shared/lib/format';
import type { ModelPage } from '../hooks/use-models';
import { AliasChip } from './alias-chip';

const COLUMNS: readonly ListColumn[] = [{ label: 'Name' }, { label: 'Latest version' }, { label: 'Aliases' }, { label: 'Last updated' }];

/**
 * A registry list page (registered models, or prompts): its title, the name search, and a page of
 * entries, each linking to `basePath/<name>`.
 *
 * @example
 * const list = useListSearch();
 * const prompts = usePrompts(list.search, list.paging.pageToken, 25);
 * <RegistryListPage title="Prompts" noun="prompt" emptyTitle="No prompts yet" hint="…" basePath="/prompts" list={list} query={prompts} />
 */
export function RegistryListPage({
  title,
  tableLabel = title,
  noun,
  emptyTitle,
  hint,
  basePath,
  list,
  query,
}: {
  title: string;
  /** The table's accessible name; the title when not given. */
  tableLabel?: string;
  /** What one entry is called: "model" in "No model matches", "Search models", "Loading models". */
  noun: string;
  emptyTitle: string;
  hint: string;
  basePath: string;
  list: ListSearch;
  query: { isPending: boolean; error: unknown; data?: ModelPage | undefined };
}) {
  return (
    <div className="mx-auto max-w-6xl p-6">
      <div className="mb-4 flex items-center gap-3">
        <h1 className="text-xl font-semibold tracking-tight">{title}</h1>
        <div className="ml-auto">
          <ListSearchInput label={`Search ${noun}s`} list={list} />
        </div>
      </div>
      <ListTable
        label={tableLabel}
        columns={COLUMNS}
        query={query}
        loadingLabel={`Loading ${noun}s`}
        isEmpty={query.data?.models.length === 0}
        empty={<EmptyState title={list.search ? `No ${noun} matches` : emptyTitle} hint={hint} />}
        paging={list.paging}
        nextPageToken={query.data?.nextPageToken}
      >
        {query.data?.models.map((m) => (
          <RegisteredModelRow key={m.name} model={m} href={`${basePath}/${encodeURIComponent(m.name)}`} />
        ))}
      </ListTable>
    </div>
  );
}

/**
 * One registered model (or prompt) in a list: its name linking to `href`, its newest version, its
 * aliases and when it last changed.
 *
 * @example
 * <RegisteredModelRow model={model} href="/models/fraud-detector" />
 */
export function RegisteredModelRow({ model, href }: { model: RegisteredModel; href: string }) {
  const latest = (model.latest_versions ?? []).reduce((max, v) => Math.max(max, Number(v.version)), 0);
  const changed = model.last_updated_timestamp ?? model.creation_timestamp;
  return (
    <tr className={LIST_ROW}>
      <td className="px-4 py-2.5">
        <Link to={href} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          {model.name}
        </Link>
      </td>
      <td className="px-4 py-2.5 text-zinc-600 dark:text-zinc-400">{latest ? `Version ${latest}` : '—'}</td>
      <td className="px-4 py-2.5">
        <span className="flex flex-wrap gap-1">
          {(model.aliases ?? []).map((a) => (
            <AliasChip key={a.alias} alias={a.alias} version={a.version} />
          ))}
        </span>
      </td>
      <td className="px-4 py-2.5 text-zinc-600 dark:text-zinc-400" title={formatTimestamp(changed)}>
        {formatRelative(changed)}
      </td>
    </tr>
  );
}
