import { useState } from 'react';
import { Button } from '../../../shared/components/button';
import { ErrorBanner } from '../../../shared/components/feedback-states';
import { TextInput } from '../../../shared/components/text-input';
import { useRunMutations } from '../hooks/use-runs';

/**
 * A run's own tags, editable: add, change a value, remove.
 *
 * @example
 * <RunTags runId={run.info.run_id} tags={userTags} />
 */
export function RunTags({ runId, tags }: { runId: string; tags: { key: string; value: string }[] }) {
  const { setTag, deleteTag } = useRunMutations(runId);
  const [editing, setEditing] = useState<string | null>(null);
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const start = (k: string, v: string) => {
    setEditing(k);
    setKey(k);
    setValue(v);
  };
  const save = () => setTag.mutate({ key: key.trim(), value }, { onSuccess: () => setEditing(null) });
  return (
    <div className="flex flex-col gap-2">
      <table className="w-full text-sm">
        <tbody>
          {tags.map((t) => (
            <tr key={t.key} className="border-b border-zinc-100 dark:border-zinc-800">
              <th scope="row" className="w-1/3 py-1.5 pr-3 text-left font-mono text-xs font-normal text-zinc-500">
                {t.key}
              </th>
              <td className="py-1.5">
                {editing === t.key ? (
                  <TextInput
                    aria-label={`Value of tag ${t.key}`}
                    value={value}
                    onChange={(e) => setValue(e.target.value)}
                    onKeyDown={(e) => e.key === 'Enter' && save()}
                    className="h-7 w-full text-xs"
                    autoFocus
                  />
                ) : (
                  <span className="break-all">{t.value}</span>
                )}
              </td>
              <td className="w-32 py-1.5 text-right whitespace-nowrap">
                {editing === t.key ? (
                  <>
                    <Button size="sm" variant="primary" onClick={save} disabled={setTag.isPending}>
                      Save
                    </Button>
                    <Button size="sm" variant="ghost" onClick={() => setEditing(null)}>
                      Cancel
                    </Button>
                  </>
                ) : (
                  <>
                    <Button size="sm" variant="ghost" onClick={() => start(t.key, t.value)} aria-label={`Edit tag ${t.key}`}>
                      Edit
                    </Button>
                    <Button size="sm" variant="ghost" onClick={() => deleteTag.mutate(t.key)} aria-label={`Remove tag ${t.key}`}>
                      Remove
                    </Button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing === '' ? (
        <form
          className="flex gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (key.trim()) save();
          }}
        >
          <TextInput aria-label="New tag key" placeholder="key" value={key} onChange={(e) => setKey(e.target.value)} className="h-7 w-40 text-xs" autoFocus />
          <TextInput aria-label="New tag value" placeholder="value" value={value} onChange={(e) => setValue(e.target.value)} className="h-7 flex-1 text-xs" />
          <Button size="sm" variant="primary" type="submit" disabled={!key.trim() || setTag.isPending}>
            Add
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setEditing(null)}>
            Cancel
          </Button>
        </form>
      ) : (
        <div>
          <Button size="sm" onClick={() => start('', '')}>
            + Add tag
          </Button>
        </div>
      )}
      {(setTag.error ?? deleteTag.error) ? <ErrorBanner error={setTag.error ?? deleteTag.error} title="Tag not saved" /> : null}
    </div>
  );
}
