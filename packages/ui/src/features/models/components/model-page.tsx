import type { ModelVersion, ModelVersionStage } from '@loupe/protocol';
import { Link, useParams, useSearchParams } from 'react-router';
import { Button } from '../../../shared/components/button';
import { EmptyState, ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { INPUT_CLASS } from '../../../shared/components/text-input';
import { formatRelative, formatTimestamp } from '../../../shared/lib/format';
import { useLoggedModel, useModelVersions, useRegisteredModel, useRunInfo } from '../hooks/use-models';
import { MODEL_STAGES, useRegistryMutations } from '../hooks/use-registry-mutations';
import { parseModelSource } from '../lib/model-source';
import { ShareButton } from '../../settings/components/share-dialog';
import { AliasEditor } from './alias-editor';
import { DescriptionEditor } from './description-editor';
import { AliasChip } from './alias-chip';
import { TagEditor } from './tag-editor';
import { VersionTracesPanel } from './version-traces-panel';

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

function StageSelect({ version, disabled, onChange }: { version: ModelVersion; disabled: boolean; onChange: (stage: ModelVersionStage) => void }) {
  return (
    <select
      aria-label={`Stage of version ${version.version}`}
      className={`${INPUT_CLASS} h-7 text-xs`}
      value={version.current_stage ?? 'None'}
      disabled={disabled}
      onChange={(e) => onChange(e.target.value as ModelVersionStage)}
    >
      {MODEL_STAGES.map((s) => (
        <option key={s} value={s}>
          {s}
        </option>
      ))}
    </select>
  );
}

function VersionsTable({
  name,
  versions,
  selected,
  onSelect,
}: {
  name: string;
  versions: ModelVersion[];
  selected: string | undefined;
  onSelect: (version: string) => void;
}) {
  const { transitionStage } = useRegistryMutations(name);
  return (
    <>
      {transitionStage.error ? <ErrorBanner error={transitionStage.error} title="Stage not changed" /> : null}
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
              <th className="px-4 py-2 font-medium">Traces</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr
                key={v.version}
                className={`border-b border-zinc-100 last:border-0 dark:border-zinc-800/60 ${v.version === selected ? 'bg-indigo-50/60 dark:bg-indigo-500/10' : ''}`}
              >
                <td className="px-4 py-2.5 font-medium">Version {v.version}</td>
                <td className="px-4 py-1.5">
                  <StageSelect version={v} disabled={transitionStage.isPending} onChange={(stage) => transitionStage.mutate({ version: v.version, stage })} />
                </td>
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
                <td className="px-4 py-1.5">
                  <Button
                    size="sm"
                    variant={v.version === selected ? 'primary' : 'secondary'}
                    aria-label={`Traces of version ${v.version}`}
                    aria-pressed={v.version === selected}
                    onClick={() => onSelect(v.version)}
                  >
                    Traces
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/**
 * One registered model, editable as MLflow's model page: description, tags, aliases (set on a version
 * picked from the list, or removed), each version's legacy stage, and the traces made with the
 * selected version (`v` in the URL, the newest by default).
 *
 * @example
 * { path: '/models/:name', element: <ModelPage /> }
 */
export function ModelPage() {
  const name = useParams().name ?? '';
  const model = useRegisteredModel(name);
  const versions = useModelVersions(name);
  const [params, setParams] = useSearchParams();
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
  const list = versions.data ?? [];
  const selected = (list.find((v) => v.version === params.get('v')) ?? list[0])?.version;
  const select = (version: string) =>
    setParams(
      (p) => {
        p.set('v', version);
        return p;
      },
      { replace: true },
    );
  return (
    <div className="mx-auto flex max-w-6xl flex-col gap-5 p-6">
      <div>
        <Link to="/models" className="text-sm text-zinc-500 hover:underline">
          Models
        </Link>
        <div className="flex items-center gap-3">
          <h1 className="text-xl font-semibold tracking-tight">{m.name}</h1>
          <span className="ml-auto">
            <ShareButton target={{ kind: 'registered-model', name: m.name }} />
          </span>
        </div>
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
      <DescriptionEditor name={m.name} description={m.description} />
      <div className="grid gap-5 md:grid-cols-2">
        <AliasEditor name={m.name} aliases={m.aliases ?? []} versions={list} />
        <TagEditor name={m.name} tags={m.tags ?? []} />
      </div>
      <section aria-label="Versions" className="flex flex-col gap-2">
        <h2 className="text-sm font-semibold">Versions</h2>
        {versions.error ? <ErrorBanner error={versions.error} /> : null}
        {versions.isPending ? (
          <Spinner label="Loading versions" />
        ) : list.length === 0 ? (
          <EmptyState title="No versions yet" hint="Register a run's model: mlflow.register_model('runs:/<run_id>/model', name)." />
        ) : (
          <VersionsTable name={m.name} versions={list} selected={selected} onSelect={select} />
        )}
      </section>
      {selected ? <VersionTracesPanel name={m.name} version={selected} /> : null}
    </div>
  );
}
