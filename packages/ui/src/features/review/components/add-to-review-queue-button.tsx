import { useState } from 'react';
import { Link } from 'react-router';
import { Button } from '../../../shared/components/button';
import { Dialog } from '../../../shared/components/dialog';
import { ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { DialogActions } from '../../../shared/components/dialog-actions';
import { useReviewQueueMutations, useReviewQueues } from '../hooks/use-review';

function AddForm({ experimentId, traceIds, onAdded, onClose }: { experimentId: string; traceIds: string[]; onAdded: () => void; onClose: () => void }) {
  const queues = useReviewQueues(experimentId);
  const { addItems } = useReviewQueueMutations(experimentId);
  const [queueId, setQueueId] = useState<string>();
  const [added, setAdded] = useState<{ queueId: string; name: string; count: number }>();
  const chosen = queueId ?? queues.data?.[0]?.queue_id;
  if (added) {
    return (
      <div className="flex flex-col gap-3 text-sm">
        <p role="status">
          Added {added.count} trace{added.count === 1 ? '' : 's'} to “{added.name}”.
        </p>
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Close</Button>
          <Link
            to={`/experiments/${experimentId}/review/${added.queueId}`}
            className="inline-flex h-8 items-center rounded-md bg-indigo-600 px-3 text-sm font-medium text-white hover:bg-indigo-500"
          >
            Start labeling
          </Link>
        </div>
      </div>
    );
  }
  return (
    <form
      aria-label="Add to review queue"
      className="flex flex-col gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        const queue = queues.data?.find((q) => q.queue_id === chosen);
        if (!queue) return;
        addItems.mutate(
          { queueId: queue.queue_id, traceIds },
          {
            onSuccess: () => {
              setAdded({ queueId: queue.queue_id, name: queue.name, count: traceIds.length });
              onAdded();
            },
          },
        );
      }}
    >
      {queues.error ? <ErrorBanner error={queues.error} title="Review queues could not be read" /> : null}
      {queues.isPending ? <Spinner label="Loading review queues" /> : null}
      {queues.data?.length === 0 ? (
        <p className="text-sm text-zinc-500">
          No review queues yet.{' '}
          <Link to={`/experiments/${experimentId}/review`} className="text-indigo-600 hover:underline dark:text-indigo-400">
            Create one in the Review tab
          </Link>
          .
        </p>
      ) : null}
      <fieldset className="flex max-h-64 flex-col gap-1.5 overflow-auto">
        <legend className="sr-only">Queue</legend>
        {queues.data?.map((q) => (
          <label key={q.queue_id} className="flex items-center gap-2 text-sm">
            <input type="radio" name="queue" value={q.queue_id} checked={q.queue_id === chosen} onChange={() => setQueueId(q.queue_id)} />
            {q.name}
          </label>
        ))}
      </fieldset>
      {addItems.error ? <ErrorBanner error={addItems.error} title="Not added" /> : null}
      <DialogActions
        onCancel={onClose}
        submitLabel={`Add ${traceIds.length} trace${traceIds.length === 1 ? '' : 's'}`}
        pendingLabel="Adding…"
        pending={addItems.isPending}
        disabled={!chosen}
      />
    </form>
  );
}

/**
 * "Add to review queue" for the traces selected in the traces table: pick one of the experiment's
 * queues; re-adding a trace keeps its status there. `onAdded` runs when the dialog closes after
 * they are in (to clear the selection).
 *
 * @example
 * <AddToReviewQueueButton experimentId="1" traceIds={selectedIds} onAdded={() => setSelection({})} />
 */
export function AddToReviewQueueButton({ experimentId, traceIds, onAdded }: { experimentId: string; traceIds: string[]; onAdded: () => void }) {
  const [open, setOpen] = useState(false);
  const [added, setAdded] = useState(false);
  // The selection is cleared once the dialog closes, so the confirmation stays until then.
  const close = () => {
    setOpen(false);
    if (added) {
      setAdded(false);
      onAdded();
    }
  };
  return (
    <>
      <Button size="sm" disabled={traceIds.length === 0} onClick={() => setOpen(true)}>
        Add to review queue
      </Button>
      <Dialog open={open} title="Add to review queue" onClose={close}>
        {open ? <AddForm experimentId={experimentId} traceIds={traceIds} onAdded={() => setAdded(true)} onClose={close} /> : null}
      </Dialog>
    </>
  );
}
