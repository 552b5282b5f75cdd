import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Button } from '../../../shared/components/button';
import { Dialog } from '../../../shared/components/dialog';
import { EmptyState, ErrorBanner } from '../../../shared/components/feedback-states';
import { ListSearchInput } from '../../../shared/components/list-search-input';
import { LIST_ROW, ListTable, type ListColumn } from '../../../shared/components/list-table';
import { INPUT_CLASS, TextInput } from '../../../shared/components/text-input';
import { DialogActions } from '../../../shared/components/dialog-actions';
import { useListSearch } from '../../../shared/hooks/use-list-search';
import { formatRelative, formatTimestamp } from '../../../shared/lib/format';
import { useDatasetLifecycle, useDatasets } from '../hooks/use-datasets';
import { parseTagLines, userTags } from '../lib/dataset-wire';
import { TagChips } from './tag-chips';

const PAGE_SIZE = 25;
const COLUMNS: readonly ListColumn[] = [
  { label: 'Name' },
  { label: 'Records', align: 'right' },
  { label: 'Last updated' },
  { label: 'Created by' },
  { label: 'Tags' },
];

/**
 * "New dataset": a name and tags (`key=value` lines), created in the experiment, then opened.
 *
 * @example
 * <CreateDatasetDialog experimentId="1" onClose={close} />
 */
export function CreateDatasetDialog({ experimentId, onClose }: { experimentId: string; onClose: () => void }) {
  const { create } = useDatasetLifecycle(experimentId);
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [tagText, setTagText] = useState('');
  const tags = parseTagLines(tagText);
  return (
    <Dialog open title="New dataset" onClose={onClose}>
      <form
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (!name.trim() || 'error' in tags) return;
          create.mutate({ name: name.trim(), tags: tags.tags }, { onSuccess: (d) => navigate(`/experiments/${experimentId}/datasets/${d.id}`) });
        }}
      >
        <label className="flex flex-col gap-1 text-sm">
          <span className="font-medium">Name</span>
          <TextInput aria-label="Dataset name" autoFocus value={name} onChange={(e) => setName(e.target.value)} maxLength={255} />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          <span className="font-medium">Tags</span>
          <textarea
            aria-label="Dataset tags"
            placeholder={'team=search\nenv=prod'}
            rows={3}
            className={`${INPUT_CLASS} h-auto py-1.5 font-mono text-xs`}
            value={tagText}
            onChange={(e) => setTagText(e.target.value)}
          />
          <span className={`text-xs ${'error' in tags ? 'text-red-600 dark:text-red-400' : 'text-zinc-500'}`}>
            {'error' in tags ? tags.error : 'One key=value a line; optional.'}
          </span>
        </label>
        {create.error ? <ErrorBanner error={create.error} title="Dataset not created" /> : null}
        <DialogActions
          onCancel={onClose}
          submitLabel="Create dataset"
          pendingLabel="Creating…"
          pending={create.isPending}
          disabled={!name.trim() || 'error' in tags}
        />
      </form>
    </Dialog>
  );
}

/**
 * An experiment's Datasets tab: its evaluation datasets, searchable by name, a page at a time, each
 * with its record count, last update and tags; "New dataset" creates one.
 *
 * @example
 * { path: 'datasets', lazy: ... DatasetsPage }
 */
export function DatasetsPage() {
  const { experimentId = '' } = useParams();
  const list = useListSearch();
  const datasets = useDatasets(experimentId, list.search, list.paging.pageToken, PAGE_SIZE);
  const [creating, setCreating] = useState(false);
  return (
    <div className="mx-auto max-w-6xl p-6">
      <div className="mb-4 flex items-center gap-3">
        <h2 className="text-lg font-semibold tracking-tight">Evaluation datasets</h2>
        <div className="ml-auto flex gap-2">
          <ListSearchInput label="Search datasets" list={list} />
          <Button variant="primary" onClick={() => setCreating(true)}>
            New dataset
          </Button>
        </div>
      </div>
      <ListTable
        label="Datasets"
        columns={COLUMNS}
        query={datasets}
        loadingLabel="Loading datasets"
        isEmpty={datasets.data?.datasets.length === 0}
        empty={
          <EmptyState
            title={list.search ? 'No dataset matches' : 'No datasets yet'}
            hint="Create one here, add traces to one from the Traces tab, or use MLflow's client: mlflow.genai.datasets.create_dataset(name='qa', experiment_id=…)."
          />
        }
        paging={list.paging}
        nextPageToken={datasets.data?.nextPageToken}
      >
        {datasets.data?.datasets.map((d) => (
          <tr key={d.id} className={LIST_ROW}>
            <td className="px-4 py-2.5">
              <Link to={`/experiments/${experimentId}/datasets/${d.id}`} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                {d.name}
              </Link>
            </td>
            <td className="px-4 py-2.5 text-right tabular-nums">{d.recordCount?.toLocaleString('en-US') ?? '—'}</td>
            <td className="px-4 py-2.5 text-zinc-600 dark:text-zinc-400" title={formatTimestamp(d.lastUpdateTime)}>
              {formatRelative(d.lastUpdateTime)}
            </td>
            <td className="px-4 py-2.5 text-zinc-600 dark:text-zinc-400">{d.createdBy ?? '—'}</td>
            <td className="px-4 py-2.5">
              <TagChips tags={userTags(d.tags)} />
            </td>
          </tr>
        ))}
      </ListTable>
      {creating ? <CreateDatasetDialog experimentId={experimentId} onClose={() => setCreating(false)} /> : null}
    </div>
  );
}
