import type { KeyValue } from '@loupe/protocol';
import { useState } from 'react';
import { Button } from '../../../shared/components/button';
import { ErrorBanner } from '../../../shared/components/feedback-states';
import { TextInput } from '../../../shared/components/text-input';
import { useRegistryMutations } from '../hooks/use-registry-mutations';

/**
 * A registered model's tags: each removable, and a key and value to add or overwrite one
 * (`registered-models/set-tag`, `delete-tag`).
 *
 * @example
 * <TagEditor name="fraud-detector" tags={model.tags ?? []} />
 */
export function TagEditor({ name, tags }: { name: string; tags: KeyValue[] }) {
  const { setTag, deleteTag } = useRegistryMutations(name);
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const error = setTag.error ?? deleteTag.error;
  return (
    <section aria-label="Tags" className="flex flex-col gap-2">
      <h2 className="text-sm font-semibold">Tags</h2>
      {tags.length ? (
        <dl className="grid grid-cols-[max-content_minmax(0,max-content)_1fr] items-center gap-x-3 gap-y-0.5 text-sm">
          {tags.map((t) => (
            <div key={t.key} className="contents">
              <dt className="font-mono text-xs text-zinc-500">{t.key}</dt>
              <dd className="font-mono text-xs break-all">{t.value}</dd>
              <dd>
                <Button size="sm" variant="ghost" aria-label={`Remove tag ${t.key}`} disabled={deleteTag.isPending} onClick={() => deleteTag.mutate(t.key)}>
                  ×
                </Button>
              </dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="text-sm text-zinc-400">No tags</p>
      )}
      <form
        className="flex flex-wrap items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          setTag.mutate(
            { key: key.trim(), value },
            {
              onSuccess: () => {
                setKey('');
                setValue('');
              },
            },
          );
        }}
      >
        <TextInput aria-label="Tag key" placeholder="key" value={key} onChange={(e) => setKey(e.target.value)} className="w-36" />
        <TextInput aria-label="Tag value" placeholder="value" value={value} onChange={(e) => setValue(e.target.value)} className="w-44" />
        <Button size="sm" type="submit" disabled={!key.trim() || setTag.isPending}>
          Add tag
        </Button>
      </form>
      {error ? <ErrorBanner error={error} title="Tag not saved" /> : null}
    </section>
  );
}
