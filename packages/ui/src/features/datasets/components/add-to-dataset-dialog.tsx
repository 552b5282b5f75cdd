import { useState } from 'react';
import { Link } from 'react-router';
import { Button } from '../../../shared/components/button';
import { Dialog } from '../../../shared/components/dialog';
import { ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { INPUT_CLASS, TextInput } from '../../../shared/components/text-input';
import { DialogActions } from '../../../shared/components/dialog-actions';
import { useAddTracesToDataset, useDatasetChoices, type AddTracesResult } from '../hooks/use-datasets';
import { upsertSummary } from '../lib/trace-record';

/** What the merge did, and a link to the dataset. */
function AddResult({ experimentId, result, onClose }: { experimentId: string; result: AddTracesResult; onClose: () => void }) {
  return (
    <div className="flex flex-col gap-3 text-sm">
      <p role="status">
        <span className="font-semibold">{upsertSummary(result.counts)}</span> in{' '}
        <Link
          to={`/experiments/${experimentId}/datasets/${result.dataset.id}`}
          className="font-medium text-indigo-600 hover:underline dark:text-indigo-400"
          onClick={onClose}
        >
          {result.dataset.name}
        </Link>
        .
      </p>
      {result.skipped.length ? (
        <div>
          <p className="text-zinc-600 dark:text-zinc-400">
            {result.skipped.length} trace{result.skipped.length === 1 ? '' : 's'} left out:
          </p>
          <ul className="mt-1 list-disc pl-5 text-xs text-zinc-600 dark:text-zinc-400">
            {result.skipped.map((s) => (
              <li key={s.traceId}>
                <span className="font-mono">{s.traceId}</span>: {s.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="flex justify-end">
        <Button variant="primary" onClick={onClose}>
          Done
        </Button>
      </div>
    </div>
  );
}

/**
 * "Add to dataset" for traces selected in the traces table: pick a dataset of the experiment or name a
 * new one; each trace becomes a record as MLflow's `merge_records` makes it (the root span's inputs and
 * outputs, the trace's expectations, the trace as source), then the counts and a link to the dataset.
 *
 * @example
 * <AddToDatasetDialog experimentId="1" traceIds={['tr-1', 'tr-2']} onClose={close} />
 */
export function AddToDatasetDialog({ experimentId, traceIds, onClose }: { experimentId: string; traceIds: readonly string[]; onClose: () => void }) {
  const choices = useDatasetChoices(experimentId);
  const add = useAddTracesToDataset(experimentId);
  const [picked, setPicked] = useState('');
  const [newName, setNewName] = useState('');
  const datasets = choices.data ?? [];
  // With no dataset yet (or "new" picked), a name makes one.
  const creating = choices.isSuccess && (datasets.length === 0 || picked === 'new');
  const datasetId = picked && picked !== 'new' ? picked : datasets[0]?.id;
  const ready = creating ? newName.trim() !== '' : Boolean(datasetId);
  const n = traceIds.length;
  return (
    <Dialog open title={`Add ${n} trace${n === 1 ? '' : 's'} to a dataset`} onClose={onClose}>
      {add.data ? (
        <AddResult experimentId={experimentId} result={add.data} onClose={onClose} />
      ) : (
        <form
          className="flex flex-col gap-3 text-sm"
          onSubmit={(e) => {
            e.preventDefault();
            if (!ready) return;
            add.mutate({ target: creating ? { newName: newName.trim() } : { datasetId: datasetId! }, traceIds });
          }}
        >
          {choices.isPending ? <Spinner label="Loading datasets" /> : null}
          {choices.error ? <ErrorBanner error={choices.error} title="Datasets not read" /> : null}
          {datasets.length ? (
            <label className="flex flex-col gap-1">
              <span className="font-medium">Dataset</span>
              <select aria-label="Dataset" className={INPUT_CLASS} value={picked || datasetId} onChange={(e) => setPicked(e.target.value)}>
                {datasets.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                    {d.recordCount !== undefined ? ` (${d.recordCount} records)` : ''}
                  </option>
                ))}
                <option value="new">New dataset…</option>
              </select>
            </label>
          ) : null}
          {creating ? (
            <label className="flex flex-col gap-1">
              <span className="font-medium">New dataset name</span>
              <TextInput aria-label="New dataset name" autoFocus value={newName} maxLength={255} onChange={(e) => setNewName(e.target.value)} />
            </label>
          ) : null}
          <p className="text-xs text-zinc-500">
            Each trace becomes a record: its root span&apos;s inputs and outputs, its expectations, and the trace as source. A record whose inputs are already
            in the dataset is merged into (expectations added, outputs replaced).
          </p>
          {add.error ? <ErrorBanner error={add.error} title="Traces not added" /> : null}
          <DialogActions onCancel={onClose} submitLabel="Add to dataset" pendingLabel="Adding…" pending={add.isPending} disabled={!ready} />
        </form>
      )}
    </Dialog>
  );
}
