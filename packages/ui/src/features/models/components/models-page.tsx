import { Link, useSearchParams } from 'react-router';
import { EmptyState, ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { Pager } from '../../../shared/components/pager';
import { TextInput } from '../../../shared/components/text-input';
import { usePageToken } from '../../../shared/hooks/use-page-token';
import { formatRelative, formatTimestamp } from '../../../shared/lib/format';
import type { RegisteredModel } from '@loupe/protocol';
import { useRegisteredModels } from '../hooks/use-models';

const PAGE_SIZE = 25;

/**
 * The model registry: registered models (prompts left out, as MLflow's UI does), searchable by name, a page at a time.
 *
 * @example
 * { path: '/models', element: <ModelsPage /> }
 */
export function ModelsPage() {
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const paging = usePageToken();
  const models = useRegisteredModels(search, paging.pageToken, PAGE_SIZE);
  return (
    <div className="mx-auto max-w-6xl p-6">
      <div className="mb-4 flex items-center gap-3">
        <h1 className="text-xl font-semibold tracking-tight">Models</h1>
        <div className="ml-auto">
          <TextInput
            type="search"
            placeholder="Search by name"
            aria-label="Search models"
            value={search}
            onChange={(e) => {
              setParams(e.target.value ? { q: e.target.value } : {}, { replace: true });
              paging.reset();
            }}
            className="w-64"
          />
        </div>
      </div>
      {models.error ? <ErrorBanner error={models.error} /> : null}
      {models.isPending ? (
        <Spinner label="Loading models" />
      ) : models.data && models.data.models.length === 0 ? (
        <EmptyState
          title={search ? 'No model matches' : 'No registered models yet'}
          hint="Register one with MLflow's client: mlflow.register_model('runs:/<run_id>/model', 'name')."
        />
      ) : (
        <>
          <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
            <table className="w-full text-sm" aria-label="Registered models">
              <thead className="border-b border-zinc-200 bg-zinc-50 text-left text-xs font-medium text-zinc-500 uppercase dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400">
                <tr>
                  <th className="px-4 py-2 font-medium">Name</th>
                  <th className="px-4 py-2 font-medium">Latest version</th>
                  <th className="px-4 py-2 font-medium">Aliases</th>
                  <th className="px-4 py-2 font-medium">Last updated</th>
                </tr>
              </thead>
              <tbody>
                {models.data?.models.map((m) => (
                  <RegisteredModelRow key={m.name} model={m} href={`/models/${encodeURIComponent(m.name)}`} />
                ))}
              </tbody>
            </table>
          </div>
          <Pager paging={paging} nextPageToken={models.data?.nextPageToken} />
        </>
      )}
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
    <tr className="border-b border-zinc-100 last:border-0 hover:bg-zinc-50 dark:border-zinc-800/60 dark:hover:bg-zinc-800/40">
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
