import type { DatasetRecordWire } from '@loupe/protocol';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Button } from '../../../shared/components/button';
import { CopyButton } from '../../../shared/components/copy-button';
import { ConfirmDeleteDialog } from '../../../shared/components/confirm-delete-dialog';
import { EmptyState, ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { Pager } from '../../../shared/components/pager';
import { usePageToken } from '../../../shared/hooks/use-page-token';
import { formatRelative, formatTimestamp } from '../../../shared/lib/format';
import { useDataset, useDatasetLifecycle, useDatasetMutations, useDatasetRecords } from '../hooks/use-datasets';
import { userTags, type DatasetSummary } from '../lib/dataset-wire';
import { DatasetTagEditor } from './dataset-tag-editor';
import { RecordDialog } from './record-dialog';
import { RecordsTable } from './records-table';

const PAGE_SIZE = 25;

/** "Delete dataset?", then back to the experiment's datasets. */
function DeleteDatasetDialog({ experimentId, dataset, onClose }: { experimentId: string; dataset: DatasetSummary; onClose: () => void }) {
  const { remove } = useDatasetLifecycle(experimentId);
  const navigate = useNavigate();
  return (
    <ConfirmDeleteDialog
      title="Delete dataset"
      confirmLabel="Delete dataset"
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() => remove.mutate(dataset.id, { onSuccess: () => navigate(`/experiments/${experimentId}/datasets`, { replace: true }) })}
      onClose={onClose}
    >
      Delete <span className="font-semibold">{dataset.name}</span>? Its {dataset.recordCount ?? 0} record{dataset.recordCount === 1 ? '' : 's'} and tags go with
      it, from every experiment it belongs to. This cannot be undone.
    </ConfirmDeleteDialog>
  );
}

/** The dataset's fields: id, digest, record count, who made it and when. */
function DatasetFields({ dataset }: { dataset: DatasetSummary }) {
  return (
    <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
      <dt className="text-zinc-500">ID</dt>
      <dd className="flex items-center gap-1 font-mono text-xs">
        {dataset.id} <CopyButton value={dataset.id} label="Copy dataset ID" />
      </dd>
      <dt className="text-zinc-500">Digest</dt>
      <dd className="font-mono text-xs">{dataset.digest ?? '—'}</dd>
      <dt className="text-zinc-500">Records</dt>
      <dd className="tabular-nums">{dataset.recordCount?.toLocaleString('en-US') ?? '—'}</dd>
      <dt className="text-zinc-500">Created</dt>
      <dd>
        {formatTimestamp(dataset.createdTime)}
        {dataset.createdBy ? <span className="text-zinc-500"> by {dataset.createdBy}</span> : null}
      </dd>
      <dt className="text-zinc-500">Last updated</dt>
      <dd title={formatTimestamp(dataset.lastUpdateTime)}>
        {formatRelative(dataset.lastUpdateTime)}
        {dataset.lastUpdatedBy ? <span className="text-zinc-500"> by {dataset.lastUpdatedBy}</span> : null}
      </dd>
    </dl>
  );
}

/** The records, a page at a time, with add, edit and delete of the selected ones. */
function DatasetRecords({ experimentId, datasetId }: { experimentId: string; datasetId: string }) {
  const paging = usePageToken();
  const records = useDatasetRecords(datasetId, paging.pageToken, PAGE_SIZE);
  const { deleteRecords } = useDatasetMutations(datasetId);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [dialog, setDialog] = useState<{ kind: 'add' } | { kind: 'edit'; record: DatasetRecordWire } | undefined>();
  const [note, setNote] = useState<string | undefined>();
  return (
    <section aria-label="Records" className="flex flex-col gap-2">
      <div className="flex items-center gap-2">
        <h3 className="mr-auto text-sm font-semibold">Records</h3>
        {note ? (
          <span role="status" className="text-xs text-zinc-500">
            {note}
          </span>
        ) : null}
        <Button
          size="sm"
          variant="danger"
          disabled={selected.size === 0 || deleteRecords.isPending}
          onClick={() =>
            deleteRecords.mutate([...selected], {
              onSuccess: (res) => {
                setSelected(new Set());
                setNote(`${res.deleted_count ?? 0} deleted`);
              },
            })
          }
        >
          {selected.size ? `Delete ${selected.size} selected` : 'Delete selected'}
        </Button>
        <Button size="sm" variant="primary" onClick={() => setDialog({ kind: 'add' })}>
          Add record
        </Button>
      </div>
      {records.error ? <ErrorBanner error={records.error} title="Records not read" /> : null}
      {deleteRecords.error ? <ErrorBanner error={deleteRecords.error} title="Records not deleted" /> : null}
      {records.isPending ? (
        <Spinner label="Loading records" />
      ) : records.data && records.data.records.length === 0 && !paging.hasPrevious ? (
        <EmptyState title="No records yet" hint="Add one here, or select traces in the Traces tab and add them to this dataset." />
      ) : (
        <>
          <RecordsTable
            experimentId={experimentId}
            records={records.data?.records ?? []}
            selected={selected}
            onSelect={setSelected}
            onEdit={(record) => setDialog({ kind: 'edit', record })}
          />
          <Pager paging={paging} nextPageToken={records.data?.nextPageToken} />
        </>
      )}
      {dialog ? (
        <RecordDialog
          key={dialog.kind === 'edit' ? dialog.record.dataset_record_id : 'add'}
          datasetId={datasetId}
          {...(dialog.kind === 'edit' ? { record: dialog.record } : {})}
          onSaved={setNote}
          onClose={() => setDialog(undefined)}
        />
      ) : null}
    </section>
  );
}

/**
 * One evaluation dataset of an experiment: its name, fields and tags (editable), and its records a
 * page at a time (added, edited, deleted here); the dataset itself is deleted after a confirm step.
 *
 * @example
 * { path: 'datasets/:datasetId', lazy: ... DatasetPage }
 */
export function DatasetPage() {
  const { experimentId = '', datasetId = '' } = useParams();
  const dataset = useDataset(datasetId);
  const [deleting, setDeleting] = useState(false);
  const back = (
    <Link to={`/experiments/${experimentId}/datasets`} className="text-sm text-zinc-500 hover:underline">
      Datasets
    </Link>
  );
  if (dataset.error)
    return (
      <div className="mx-auto flex max-w-6xl flex-col gap-3 p-6">
        {back}
        <ErrorBanner error={dataset.error} title="Dataset not found" />
      </div>
    );
  if (!dataset.data)
    return (
      <div className="mx-auto max-w-6xl p-6">
        <Spinner label="Loading dataset" />
      </div>
    );
  const d = dataset.data;
  return (
    <div className="mx-auto flex max-w-6xl flex-col gap-5 p-6">
      <div className="flex flex-wrap items-start gap-3">
        <div className="mr-auto">
          {back}
          <h2 className="text-xl font-semibold tracking-tight">{d.name}</h2>
        </div>
        <div className="pt-5">
          <Button variant="danger" onClick={() => setDeleting(true)}>
            Delete dataset
          </Button>
        </div>
      </div>
      <div className="grid gap-6 md:grid-cols-2">
        <DatasetFields dataset={d} />
        <DatasetTagEditor datasetId={d.id} tags={userTags(d.tags)} />
      </div>
      <DatasetRecords experimentId={experimentId} datasetId={d.id} />
      {deleting ? <DeleteDatasetDialog experimentId={experimentId} dataset={d} onClose={() => setDeleting(false)} /> : null}
    </div>
  );
}
