import type { ModelVersion, RegisteredModelAlias } from '@loupe/protocol';
import { useState } from 'react';
import { Button } from '../../../shared/components/button';
import { ErrorBanner } from '../../../shared/components/feedback-states';
import { INPUT_CLASS, TextInput } from '../../../shared/components/text-input';
import { useRegistryMutations } from '../hooks/use-registry-mutations';
import { AliasChip } from './alias-chip';

/**
 * A registered model's aliases: each removable, and a new (or moved) alias set on a version picked
 * from the list (`registered-models/alias` POST and DELETE).
 *
 * @example
 * <AliasEditor name="fraud-detector" aliases={model.aliases ?? []} versions={versions} />
 */
export function AliasEditor({ name, aliases, versions }: { name: string; aliases: RegisteredModelAlias[]; versions: ModelVersion[] }) {
  const { setAlias, deleteAlias } = useRegistryMutations(name);
  const [alias, setAliasName] = useState('');
  const [picked, setPicked] = useState('');
  const version = picked || versions[0]?.version || '';
  const error = setAlias.error ?? deleteAlias.error;
  return (
    <section aria-label="Aliases" className="flex flex-col gap-2">
      <h2 className="text-sm font-semibold">Aliases</h2>
      {aliases.length ? (
        <ul className="flex flex-wrap gap-1.5">
          {aliases.map((a) => (
            <li key={a.alias} className="inline-flex items-center">
              <AliasChip alias={a.alias} version={a.version} />
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Remove alias @${a.alias}`}
                disabled={deleteAlias.isPending}
                onClick={() => deleteAlias.mutate(a.alias)}
              >
                ×
              </Button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-zinc-400">No aliases</p>
      )}
      {versions.length ? (
        <form
          className="flex flex-wrap items-center gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            setAlias.mutate({ alias: alias.trim(), version }, { onSuccess: () => setAliasName('') });
          }}
        >
          <TextInput aria-label="Alias name" placeholder="alias, e.g. champion" value={alias} onChange={(e) => setAliasName(e.target.value)} className="w-44" />
          <select aria-label="Alias version" className={INPUT_CLASS} value={version} onChange={(e) => setPicked(e.target.value)}>
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                Version {v.version}
              </option>
            ))}
          </select>
          <Button size="sm" type="submit" disabled={!alias.trim() || setAlias.isPending}>
            Set alias
          </Button>
        </form>
      ) : null}
      {error ? <ErrorBanner error={error} title="Alias not saved" /> : null}
    </section>
  );
}
