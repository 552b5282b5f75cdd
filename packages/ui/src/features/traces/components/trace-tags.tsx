import { useState } from 'react';
import { Button } from '../../../shared/components/button';
import { ErrorBanner } from '../../../shared/components/feedback-states';
import { TextInput } from '../../../shared/components/text-input';
import { useTraceMutations } from '../hooks/use-traces';

function TagEditor({
  initialKey,
  initialValue,
  keyLocked,
  onSave,
  onCancel,
  pending,
}: {
  initialKey: string;
  initialValue: string;
  keyLocked: boolean;
  onSave: (k: string, v: string) => void;
  onCancel: () => void;
  pending: boolean;
}) {
  const [key, setKey] = useState(initialKey);
  const [value, setValue] = useState(initialValue);
  return (
    <form
      className="flex items-center gap-1.5"
      onSubmit={(e) => {
        e.preventDefault();
        if (key.trim()) onSave(key.trim(), value);
      }}
    >
      <TextInput
        aria-label="Tag key"
        placeholder="key"
        value={key}
        disabled={keyLocked}
        onChange={(e) => setKey(e.target.value)}
        className="h-7 w-32 text-xs"
        autoFocus={!keyLocked}
      />
      <TextInput
        aria-label="Tag value"
        placeholder="value"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        className="h-7 w-40 text-xs"
        autoFocus={keyLocked}
      />
      <Button size="sm" variant="primary" type="submit" disabled={pending || !key.trim()}>
        Save
      </Button>
      <Button size="sm" variant="ghost" onClick={onCancel}>
        Cancel
      </Button>
    </form>
  );
}

/**
 * A trace's own tags (MLflow's `mlflow.*` ones left out) as chips: add, edit a value, remove.
 *
 * @example
 * <TraceTags traceId={info.trace_id} tags={summary.tags} />
 */
export function TraceTags({ traceId, tags }: { traceId: string; tags: Record<string, string> }) {
  const { setTag, deleteTag } = useTraceMutations(traceId);
  const [editing, setEditing] = useState<string | null>(null);
  const entries = Object.entries(tags).sort(([a], [b]) => a.localeCompare(b));
  const save = (k: string, v: string) => setTag.mutate({ key: k, value: v }, { onSuccess: () => setEditing(null) });
  return (
    <div className="flex flex-wrap items-center gap-1.5" aria-label="Trace tags" role="group">
      {entries.map(([k, v]) =>
        editing === k ? (
          <TagEditor key={k} initialKey={k} initialValue={v} keyLocked onSave={save} onCancel={() => setEditing(null)} pending={setTag.isPending} />
        ) : (
          <span key={k} className="inline-flex items-center rounded-md border border-zinc-200 bg-zinc-50 text-xs dark:border-zinc-700 dark:bg-zinc-800">
            <button
              type="button"
              onClick={() => setEditing(k)}
              className="px-1.5 py-0.5 hover:text-indigo-600 dark:hover:text-indigo-300"
              aria-label={`Edit tag ${k}`}
            >
              <span className="text-zinc-500 dark:text-zinc-400">{k}:</span> <span className="font-medium">{v}</span>
            </button>
            <button
              type="button"
              onClick={() => deleteTag.mutate(k)}
              className="border-l border-zinc-200 px-1 text-zinc-400 hover:text-red-600 dark:border-zinc-700"
              aria-label={`Remove tag ${k}`}
            >
              ×
            </button>
          </span>
        ),
      )}
      {editing === '' ? (
        <TagEditor initialKey="" initialValue="" keyLocked={false} onSave={save} onCancel={() => setEditing(null)} pending={setTag.isPending} />
      ) : (
        <Button size="sm" variant="ghost" onClick={() => setEditing('')}>
          + Add tag
        </Button>
      )}
      {(setTag.error ?? deleteTag.error) ? <ErrorBanner error={setTag.error ?? deleteTag.error} title="Tag not saved" /> : null}
    </div>
  );
}
