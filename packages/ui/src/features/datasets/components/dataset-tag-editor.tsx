import { useState } from 'react';
import { Button } from '../../../shared/components/button';
import { ErrorBanner } from '../../../shared/components/feedback-states';
import { TextInput } from '../../../shared/components/text-input';
import { useDatasetMutations } from '../hooks/use-datasets';

/**
 * A dataset's tags (those a person set; `mlflow.*` ones are shown as fields): each removable, and a key
 * and value to add or overwrite one (SetDatasetTags merges, DeleteDatasetTag removes).
 *
 * @example
 * <DatasetTagEditor datasetId="d-…" tags={[['team', 'search']]} />
 */
export function DatasetTagEditor({ datasetId, tags }: { datasetId: string; tags: [string, string][] }) {
  const { setTag, deleteTag } = useDatasetMutations(datasetId);
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const error = setTag.error ?? deleteTag.error;
  return (
    <section aria-label="Tags" className="flex flex-col gap-2">
      <h3 className="text-sm font-semibold">Tags</h3>
      {tags.length ? (
        <dl className="grid grid-cols-[max-content_minmax(0,max-content)_1fr] items-center gap-x-3 gap-y-0.5 text-sm">
          {tags.map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="font-mono text-xs text-zinc-500">{k}</dt>
              <dd className="font-mono text-xs break-all">{v}</dd>
              <dd>
                <Button size="sm" variant="ghost" aria-label={`Remove tag ${k}`} disabled={deleteTag.isPending} onClick={() => deleteTag.mutate(k)}>
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
          Set tag
        </Button>
      </form>
      {error ? <ErrorBanner error={error} title="Tag not saved" /> : null}
    </section>
  );
}
