import { Link } from 'react-router';
import { EmptyState } from '../../../shared/components/feedback-states';
import { ListSearchInput } from '../../../shared/components/list-search-input';
import { LIST_ROW, ListTable, type ListColumn } from '../../../shared/components/list-table';
import { useListSearch } from '../../../shared/hooks/use-list-search';
import { formatRelative, formatTimestamp } from '../../../shared/lib/format';
import type { RegisteredModel } from '@loupe/protocol';
import { useRegisteredModels } from '../hooks/use-models';

const PAGE_SIZE = 25;

/** The columns of a registry list (models, prompts), as `RegisteredModelRow` fills them. */
export const REGISTRY_COLUMNS: readonly ListColumn[] = [{ label: 'Name' }, { label: 'Latest version' }, { label: 'Aliases' }, { label: 'Last updated' }];

/**
 * The model registry: registered models (prompts left out, as MLflow's UI does), searchable by name, a page at a time.
 *
 * @example
 * { path: '/models', element: <ModelsPage /> }
 */
export function ModelsPage() {
  const list = useListSearch();
  const models = useRegisteredModels(list.search, list.paging.pageToken, PAGE_SIZE);
  return (
    <div className="mx-auto max-w-6xl p-6">
      <div className="mb-4 flex items-center gap-3">
        <h1 className="text-xl font-semibold tracking-tight">Models</h1>
        <div className="ml-auto">
          <ListSearchInput label="Search models" list={list} />
        </div>
      </div>
      <ListTable
        label="Registered models"
        columns={REGISTRY_COLUMNS}
        query={models}
        loadingLabel="Loading models"
        isEmpty={models.data?.models.length === 0}
        empty={
          <EmptyState
            title={list.search ? 'No model matches' : 'No registered models yet'}
            hint="Register one with MLflow's client: mlflow.register_model('runs:/<run_id>/model', 'name')."
          />
        }
        paging={list.paging}
        nextPageToken={models.data?.nextPageToken}
      >
        {models.data?.models.map((m) => (
          <RegisteredModelRow key={m.name} model={m} href={`/models/${encodeURIComponent(m.name)}`} />
        ))}
      </ListTable>
    </div>
  );
}

/**
 * An alias and the version it points at, as a chip.
 *
 * @example
 * <AliasChip alias="champion" version="3" />
 */
export function AliasChip({ alias, version }: { alias: string; version?: string }) {
  return (
    <span className="inline-flex items-center rounded-full border border-indigo-200 bg-indigo-50 px-2 py-0.5 font-mono text-xs text-indigo-700 dark:border-indigo-500/30 dark:bg-indigo-500/10 dark:text-indigo-300">
      @{alias}
      {version ? <span className="ml-1 text-indigo-500/80">→ v{version}</span> : null}
    </span>
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
