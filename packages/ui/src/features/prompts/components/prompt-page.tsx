import type { ModelVersion, RegisteredModel } from '@loupe/protocol';
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { Button } from '../../../shared/components/button';
import { EmptyState, ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { INPUT_CLASS, TextInput } from '../../../shared/components/text-input';
import { formatRelative, formatTimestamp } from '../../../shared/lib/format';
import { useSearchParamsPatch } from '../../../shared/hooks/use-search-params-patch';
import { AliasChip } from '../../models/components/alias-chip';
import { useModelVersions, useRegisteredModel } from '../../models/hooks/use-models';
import { usePromptMutations, usePromptVersionTraces } from '../hooks/use-prompts';
import { promptTemplate } from '../lib/prompt-template';
import { ShareButton } from '../../settings/components/share-dialog';
import { TraceLinkList } from '../../traces/components/trace-link-list';
import { NewVersionForm } from './new-version-form';
import { TemplateDiff, TemplateView } from './template-view';

/** Tags MLflow keeps for itself on prompts; the rest are the user's. */
const isUserTag = (key: string) => !key.startsWith('mlflow.') && !key.startsWith('_mlflow_');

function AliasPanel({ prompt, version }: { prompt: RegisteredModel; version: ModelVersion }) {
  const { setAlias } = usePromptMutations(prompt.name);
  const [alias, setAliasName] = useState('');
  const aliases = prompt.aliases ?? [];
  return (
    <section aria-label="Aliases" className="flex flex-col gap-2">
      <h3 className="text-sm font-semibold">Aliases</h3>
      <ul className="flex flex-col gap-1.5">
        {aliases.map((a) => (
          <li key={a.alias} className="flex items-center gap-2 text-sm">
            <AliasChip alias={a.alias} version={a.version} />
            {a.version === version.version ? (
              <span className="text-xs text-zinc-500">on this version</span>
            ) : (
              <Button
                size="sm"
                aria-label={`Move @${a.alias} to version ${version.version}`}
                disabled={setAlias.isPending}
                onClick={() => setAlias.mutate({ alias: a.alias, version: version.version })}
              >
                Move here
              </Button>
            )}
          </li>
        ))}
      </ul>
      <form
        className="flex items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (alias.trim()) setAlias.mutate({ alias: alias.trim(), version: version.version }, { onSuccess: () => setAliasName('') });
        }}
      >
        <TextInput aria-label="New alias" placeholder="alias, e.g. production" value={alias} onChange={(e) => setAliasName(e.target.value)} className="w-48" />
        <Button size="sm" type="submit" disabled={!alias.trim() || setAlias.isPending}>
          Set on version {version.version}
        </Button>
      </form>
      {setAlias.error ? <ErrorBanner error={setAlias.error} title="Alias not set" /> : null}
    </section>
  );
}

function TracesPanel({ name, version }: { name: string; version: string }) {
  const traces = usePromptVersionTraces(name, version);
  return (
    <section aria-label="Traces using this version" className="flex flex-col gap-2">
      <h3 className="text-sm font-semibold">Traces using version {version}</h3>
      {traces.error ? <ErrorBanner error={traces.error} /> : null}
      {traces.isPending ? (
        <Spinner label="Loading traces" />
      ) : traces.data && traces.data.length === 0 ? (
        <p className="text-sm text-zinc-400">No trace has used this version yet.</p>
      ) : (
        <TraceLinkList traces={traces.data ?? []} />
      )}
    </section>
  );
}

function DiffPanel({ versions, pair, onChange }: { versions: ModelVersion[]; pair: [string, string]; onChange: (pair: [string, string] | null) => void }) {
  const left = versions.find((v) => v.version === pair[0]);
  const right = versions.find((v) => v.version === pair[1]);
  const picker = (label: string, value: string, set: (v: string) => void) => (
    <select aria-label={label} className={INPUT_CLASS} value={value} onChange={(e) => set(e.target.value)}>
      {versions.map((v) => (
        <option key={v.version} value={v.version}>
          Version {v.version}
        </option>
      ))}
    </select>
  );
  return (
    <section aria-label="Compare versions" className="flex flex-col gap-2">
      <div className="flex items-center gap-2 text-sm">
        <h3 className="font-semibold">Compare</h3>
        {picker('Left version', pair[0], (v) => onChange([v, pair[1]]))}
        <span className="text-zinc-500">with</span>
        {picker('Right version', pair[1], (v) => onChange([pair[0], v]))}
        <Button size="sm" variant="ghost" className="ml-auto" onClick={() => onChange(null)}>
          Close comparison
        </Button>
      </div>
      {left && right ? (
        <TemplateDiff left={promptTemplate(left)} right={promptTemplate(right)} leftLabel={`Version ${left.version}`} rightLabel={`Version ${right.version}`} />
      ) : (
        <p className="text-sm text-zinc-500">Pick two versions of this prompt.</p>
      )}
    </section>
  );
}

/**
 * One prompt: its versions (commit message, date, aliases), the selected version's template, aliases
 * moved in one click, a side-by-side diff of any two versions, a new version, and the traces that used
 * each version. The selected version (`v`) and the compared pair (`diff=1,3`) live in the URL.
 *
 * @example
 * { path: '/prompts/:name', element: <PromptPage /> }
 */
export function PromptPage() {
  const name = useParams().name ?? '';
  const prompt = useRegisteredModel(name);
  const versions = useModelVersions(name, true);
  const { createVersion } = usePromptMutations(name);
  const [params] = useSearchParams();
  const [creating, setCreating] = useState(false);
  const update = useSearchParamsPatch();

  if (prompt.error)
    return (
      <div className="mx-auto max-w-6xl p-6">
        <ErrorBanner error={prompt.error} title={`Prompt ${name}`} />
      </div>
    );
  if (!prompt.data || versions.isPending)
    return (
      <div className="mx-auto max-w-6xl p-6">
        <Spinner label="Loading prompt" />
      </div>
    );
  const list = versions.data ?? [];
  const selected = list.find((v) => v.version === params.get('v')) ?? list[0];
  const diffParam = params.get('diff')?.split(',');
  const diffPair: [string, string] | null = diffParam?.length === 2 ? [diffParam[0]!, diffParam[1]!] : null;
  const userTags = (prompt.data.tags ?? []).filter((t) => isUserTag(t.key));

  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-5 p-6">
      <div className="flex items-start gap-3">
        <div>
          <Link to="/prompts" className="text-sm text-zinc-500 hover:underline">
            Prompts
          </Link>
          <h1 className="text-xl font-semibold tracking-tight">{prompt.data.name}</h1>
          {prompt.data.description ? <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{prompt.data.description}</p> : null}
          {userTags.length ? (
            <div className="mt-2 flex flex-wrap gap-1">
              {userTags.map((t) => (
                <span key={t.key} className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs dark:bg-zinc-800">
                  {t.key}={t.value}
                </span>
              ))}
            </div>
          ) : null}
        </div>
        <div className="ml-auto flex gap-2">
          <ShareButton target={{ kind: 'registered-model', name: prompt.data.name, label: 'prompt' }} />
          {list.length >= 2 && !diffPair ? <Button onClick={() => update({ diff: `${list[1]!.version},${list[0]!.version}` })}>Compare versions</Button> : null}
          <Button variant="primary" onClick={() => setCreating(true)}>
            New version
          </Button>
        </div>
      </div>
      {versions.error ? <ErrorBanner error={versions.error} /> : null}
      {diffPair ? <DiffPanel versions={list} pair={diffPair} onChange={(pair) => update({ diff: pair ? pair.join(',') : null })} /> : null}
      {!selected ? (
        <EmptyState title="No versions yet" hint="Create the first one with New version." />
      ) : (
        <div className="grid gap-5 lg:grid-cols-[18rem_1fr]">
          <nav aria-label="Versions">
            <ul className="flex flex-col gap-1">
              {list.map((v) => (
                <li key={v.version}>
                  <button
                    type="button"
                    aria-current={v.version === selected.version ? 'true' : undefined}
                    onClick={() => update({ v: v.version })}
                    className={`w-full rounded-md border px-3 py-2 text-left text-sm ${
                      v.version === selected.version
                        ? 'border-indigo-300 bg-indigo-50 dark:border-indigo-500/40 dark:bg-indigo-500/10'
                        : 'border-transparent hover:bg-zinc-100 dark:hover:bg-zinc-800'
                    }`}
                  >
                    <span className="flex items-center gap-2">
                      <span className="font-medium">Version {v.version}</span>
                      <span className="ml-auto text-xs text-zinc-500" title={formatTimestamp(v.creation_timestamp)}>
                        {formatRelative(v.creation_timestamp)}
                      </span>
                    </span>
                    <span className="mt-0.5 block truncate text-xs text-zinc-600 dark:text-zinc-400">{v.description || 'No commit message'}</span>
                    {(v.aliases ?? []).length ? (
                      <span className="mt-1 flex flex-wrap gap-1">
                        {(v.aliases ?? []).map((a) => (
                          <AliasChip key={a} alias={a} />
                        ))}
                      </span>
                    ) : null}
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          <div className="flex min-w-0 flex-col gap-5">
            <section aria-label={`Version ${selected.version}`} className="flex flex-col gap-2">
              <h2 className="text-base font-semibold">
                Version {selected.version}
                <span className="ml-2 text-sm font-normal text-zinc-500">{selected.description}</span>
              </h2>
              <TemplateView template={promptTemplate(selected)} />
            </section>
            <AliasPanel prompt={prompt.data} version={selected} />
            <TracesPanel name={name} version={selected.version} />
          </div>
        </div>
      )}
      {creating ? (
        <NewVersionForm
          initial={selected ? promptTemplate(selected) : { kind: 'text', text: '' }}
          pending={createVersion.isPending}
          error={createVersion.error}
          onClose={() => setCreating(false)}
          onSubmit={(template, commitMessage) =>
            createVersion.mutate(
              { template, commitMessage },
              {
                onSuccess: (res) => {
                  setCreating(false);
                  update({ v: res.model_version.version });
                },
              },
            )
          }
        />
      ) : null}
    </div>
  );
}
