import type { LabelSchema } from '@loupe/protocol';
import { useState } from 'react';
import { Dialog } from '../../../shared/components/dialog';
import { ErrorBanner } from '../../../shared/components/feedback-states';
import { TextInput } from '../../../shared/components/text-input';
import { DialogActions } from '../../../shared/components/dialog-actions';
import { useReviewQueueMutations } from '../hooks/use-review';
import { useReviewer } from '../hooks/use-reviewer';
import { describeInput } from '../lib/schema-form';

/**
 * Creating a review queue: its name and the questions (label schemas) reviewers answer on each trace.
 *
 * @example
 * <ReviewQueueDialog experimentId="1" schemas={schemas} open={open} onClose={() => setOpen(false)} />
 */
export function ReviewQueueDialog({
  experimentId,
  schemas,
  open,
  onClose,
}: {
  experimentId: string;
  schemas: LabelSchema[];
  open: boolean;
  onClose: () => void;
}) {
  return (
    <Dialog open={open} title="New review queue" onClose={onClose}>
      {open ? <QueueForm experimentId={experimentId} schemas={schemas} onDone={onClose} /> : null}
    </Dialog>
  );
}

function QueueForm({ experimentId, schemas, onDone }: { experimentId: string; schemas: LabelSchema[]; onDone: () => void }) {
  const [name, setName] = useState('');
  const [picked, setPicked] = useState<ReadonlySet<string>>(() => new Set(schemas.map((s) => s.schema_id)));
  const [reviewer] = useReviewer();
  const { create } = useReviewQueueMutations(experimentId);
  const toggle = (id: string) =>
    setPicked((p) => {
      const next = new Set(p);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  return (
    <form
      aria-label="Review queue"
      className="flex flex-col gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate(
          { name: name.trim(), schemaIds: schemas.map((s) => s.schema_id).filter((id) => picked.has(id)), ...(reviewer ? { createdBy: reviewer } : {}) },
          { onSuccess: onDone },
        );
      }}
    >
      <label className="flex flex-col gap-1 text-xs font-medium text-zinc-600 dark:text-zinc-300">
        Name
        <TextInput autoFocus value={name} onChange={(e) => setName(e.target.value)} maxLength={250} placeholder="e.g. Support answers, week 12" />
      </label>
      <fieldset className="flex flex-col gap-1.5">
        <legend className="mb-1 text-xs font-medium text-zinc-600 dark:text-zinc-300">Questions</legend>
        {schemas.length === 0 ? <p className="text-sm text-zinc-500">No label schemas yet: create the questions first.</p> : null}
        {schemas.map((s) => (
          <label key={s.schema_id} className="flex items-baseline gap-2 text-sm">
            <input type="checkbox" checked={picked.has(s.schema_id)} onChange={() => toggle(s.schema_id)} />
            <span className="font-medium">{s.name}</span>
            <span className="truncate text-xs text-zinc-500">{describeInput(s.input)}</span>
          </label>
        ))}
      </fieldset>
      {create.error ? <ErrorBanner error={create.error} title="Queue not created" /> : null}
      <DialogActions
        onCancel={onDone}
        submitLabel="Create queue"
        pendingLabel="Creating…"
        pending={create.isPending}
        disabled={!name.trim() || picked.size === 0}
      />
    </form>
  );
}
