import type { ModelVersion } from '@loupe/protocol';
import { Link, useParams } from 'react-router';
import { EmptyState, ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { formatRelative, formatTimestamp } from '../../../shared/lib/format';
import { useLoggedModel, useModelVersions, useRegisteredModel, useRunInfo } from '../hooks/use-models';
import { parseModelSource } from '../lib/model-source';
import { AliasChip } from './models-page';

function RunLink({ runId, label }: { runId: string; label: string }) {
  const run = useRunInfo(runId);
  if (!run.data) return <span className="font-mono text-xs">{label}</span>;
  return (
    <Link
      to={`/experiments/${run.data.experiment_id}/runs/${runId}`}
      className="font-mono text-xs text-indigo-600 hover:underline dark:text-indigo-400"
      title={`Run ${run.data.run_name ?? runId}`}
    >
      {label}
    </Link>
  );
}

function LoggedModelLink({ modelId, label }: { modelId: string; label: string }) {
  const model = useLoggedModel(modelId);
  const info = model.data?.info;
  if (!info) return <span className="font-mono text-xs">{label}</span>;
  // Loupe has no logged-model page: the source run's page holds its artifacts, else the experiment.
  const to = info.source_run_id ? `/experiments/${info.experiment_id}/runs/${info.source_run_id}` : `/experiments/${info.experiment_id}`;
  return (
    <Link to={to} className="font-mono text-xs text-indigo-600 hover:underline dark:text-indigo-400" title={`Logged model ${info.name}`}>
      {label}
    </Link>
  );
}

function SourceCell({ version }: { version: ModelVersion }) {
  const source = version.source ?? '';
  const parsed = parseModelSource(source);
  if (parsed?.kind === 'run') return <RunLink runId={parsed.id} label={source} />;
  if (parsed?.kind === 'logged-model') return <LoggedModelLink modelId={parsed.id} label={source} />;
  if (version.run_id) return <RunLink runId={version.run_id} label={source || version.run_id} />;
  return <span className="font-mono text-xs text-zinc-500">{source || '—'}</span>;
}

/**
 * One registered model: description, tags, aliases and every version with its source.
 *
 * @example
 * { path: '/models/:name', element: <ModelPage /> }
 */
export function ModelPage() {
  const name = useParams().name ?? '';
  const model = useRegisteredModel(name);
  const versions = useModelVersions(name);
  if (model.error)
    return (
      <div className="mx-auto max-w-6xl p-6">
        <ErrorBanner error={model.error} title={`Model ${name}`} />
      </div>
    );
  if (!model.data)
    return (
      <div className="mx-auto max-w-6xl p-6">
        <Spinner label="Loading model" />
      </div>
    );
  const m = model.data;
  const tags = m.tags ?? [];
  return (
    <div className="mx-auto flex max-w-6xl flex-col gap-5 p-6">
      <div>
        <Link to="/models" className="text-sm text-zinc-500 hover:underline">
          Models
        </Link>
        <h1 className="text-xl font-semibold tracking-tight">{m.name}</h1>
        <p className="mt-1 text-sm text-zinc-500">
          Created <span title={formatTimestamp(m.creation_timestamp)}>{formatRelative(m.creation_timestamp)}</span>
          {m.last_updated_timestamp ? (
            <>
              {' '}
              · updated <span title={formatTimestamp(m.last_updated_timestamp)}>{formatRelative(m.last_updated_timestamp)}</span>
            </>
          ) : null}
        </p>
      </div>
      <section aria-label="Description">
        <h2 className="mb-1 text-sm font-semibold">Description</h2>
        <p className="text-sm whitespace-pre-wrap text-zinc-700 dark:text-zinc-300">{m.description || <span className="text-zinc-400">No description</span>}</p>
      </section>
      <div className="grid gap-5 md:grid-cols-2">
        <section aria-label="Aliases">
          <h2 className="mb-1 text-sm font-semibold">Aliases</h2>
          {(m.aliases ?? []).length ? (
            <div className="flex flex-wrap gap-1.5">
              {(m.aliases ?? []).map((a) => (
                <AliasChip key={a.alias} alias={a.alias} version={a.version} />
              ))}
            </div>
          ) : (
            <p className="text-sm text-zinc-400">No aliases</p>
          )}
        </section>
        <section aria-label="Tags">
          <h2 className="mb-1 text-sm font-semibold">Tags</h2>
          {tags.length ? (
            <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-0.5 text-sm">
              {tags.map((t) => (
                <div key={t.key} className="contents">
                  <dt className="font-mono text-xs text-zinc-500">{t.key}</dt>
                  <dd className="font-mono text-xs break-all">{t.value}</dd>
                </div>
              ))}
            </dl>
          ) : (
            <p className="text-sm text-zinc-400">No tags</p>
          )}
        </section>
      </div>
      <section aria-label="Versions">
        <h2 className="mb-2 text-sm font-semibold">Versions</h2>
        {versions.error ? <ErrorBanner error={versions.error} /> : null}
        {versions.isPending ? (
          <Spinner label="Loading versions" />
        ) : versions.data && versions.data.length === 0 ? (
          <EmptyState title="No versions yet" hint="Register a run's model: mlflow.register_model('runs:/<run_id>/model', name)." />
        ) : (
          <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
            <table className="w-full text-sm" aria-label="Model versions">
              <thead className="border-b border-zinc-200 bg-zinc-50 text-left text-xs font-medium text-zinc-500 uppercase dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400">
                <tr>
                  <th className="px-4 py-2 font-medium">Version</th>
                  <th className="px-4 py-2 font-medium">Stage</th>
                  <th className="px-4 py-2 font-medium">Aliases</th>
                  <th className="px-4 py-2 font-medium">Created</th>
                  <th className="px-4 py-2 font-medium">Source</th>
                  <th className="px-4 py-2 font-medium">Status</th>
                </tr>
              </thead>
              <tbody>
                {versions.data?.map((v) => (
                  <tr key={v.version} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800/60">
                    <td className="px-4 py-2.5 font-medium">Version {v.version}</td>
                    <td className="px-4 py-2.5 text-zinc-600 dark:text-zinc-400">{v.current_stage ?? 'None'}</td>
                    <td className="px-4 py-2.5">
                      <span className="flex flex-wrap gap-1">
                        {(v.aliases ?? []).map((a) => (
                          <AliasChip key={a} alias={a} />
                        ))}
                      </span>
                    </td>
                    <td className="px-4 py-2.5 text-zinc-600 dark:text-zinc-400" title={formatTimestamp(v.creation_timestamp)}>
                      {formatRelative(v.creation_timestamp)}
                    </td>
                    <td className="max-w-sm truncate px-4 py-2.5">
                      <SourceCell version={v} />
                    </td>
                    <td className="px-4 py-2.5 text-xs text-zinc-600 dark:text-zinc-400">{v.status ?? 'READY'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
