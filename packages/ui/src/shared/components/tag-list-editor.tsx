import type { UseMutationResult } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from './button';
import { ErrorBanner } from './feedback-states';
import { TextInput } from './text-input';

/** The two writes a tag list needs: set (add or overwrite) one key, delete one key. */
export interface TagListMutations {
  setTag: Pick<UseMutationResult<unknown, Error, { key: string; value: string }>, 'mutate' | 'isPending' | 'error'>;
  deleteTag: Pick<UseMutationResult<unknown, Error, string>, 'mutate' | 'isPending' | 'error'>;
}

/**
 * An entity's tags as key/value rows, each removable, and a key and value to add or overwrite one;
 * what a write means (which endpoint, what it refreshes) is the caller's `mutations`.
 *
 * @example
 * const { setTag, deleteTag } = useRegistryMutations('fraud-detector');
 * <TagListEditor tags={[['team', 'search']]} mutations={{ setTag, deleteTag }} submitLabel="Add tag" />
 */
export function TagListEditor({
  tags,
  mutations,
  heading: Heading = 'h2',
  submitLabel,
}: {
  tags: readonly (readonly [string, string])[];
  mutations: TagListMutations;
  /** The heading's level, to fit the page's outline. */
  heading?: 'h2' | 'h3';
  submitLabel: string;
}) {
  const { setTag, deleteTag } = mutations;
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const error = setTag.error ?? deleteTag.error;
  return (
    <section aria-label="Tags" className="flex flex-col gap-2">
      <Heading className="text-sm font-semibold">Tags</Heading>
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
          {submitLabel}
        </Button>
      </form>
      {error ? <ErrorBanner error={error} title="Tag not saved" /> : null}
    </section>
  );
}
