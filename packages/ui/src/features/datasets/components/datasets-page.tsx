import { useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { Button } from '../../../shared/components/button';
import { Dialog } from '../../../shared/components/dialog';
import { EmptyState, ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { Pager } from '../../../shared/components/pager';
import { INPUT_CLASS, TextInput } from '../../../shared/components/text-input';
import { usePageToken } from '../../../shared/hooks/use-page-token';
import { formatRelative, formatTimestamp } from '../../../shared/lib/format';
import { useDatasetLifecycle, useDatasets } from '../hooks/use-datasets';
import { parseTagLines, userTags } from '../lib/dataset-wire';
import { TagChips } from './tag-chips';

const PAGE_SIZE = 25;

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
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" disabled={!name.trim() || 'error' in tags || create.isPending}>
            {create.isPending ? 'Creating…' : 'Create dataset'}
          </Button>
        </div>
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
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const paging = usePageToken();
  const datasets = useDatasets(experimentId, search, paging.pageToken, PAGE_SIZE);
  const [creating, setCreating] = useState(false);
  return (
    <div className="mx-auto max-w-6xl p-6">
      <div className="mb-4 flex items-center gap-3">
        <h2 className="text-lg font-semibold tracking-tight">Evaluation datasets</h2>
        <div className="ml-auto flex gap-2">
          <TextInput
            type="search"
            placeholder="Search by name"
            aria-label="Search datasets"
            value={search}
            onChange={(e) => {
              setParams(e.target.value ? { q: e.target.value } : {}, { replace: true });
              paging.reset();
            }}
            className="w-64"
          />
          <Button variant="primary" onClick={() => setCreating(true)}>
            New dataset
          </Button>
        </div>
      </div>
      {datasets.error ? <ErrorBanner error={datasets.error} /> : null}
      {datasets.isPending ? (
        <Spinner label="Loading datasets" />
      ) : datasets.data && datasets.data.datasets.length === 0 ? (
        <EmptyState
          title={search ? 'No dataset matches' : 'No datasets yet'}
          hint="Create one here, add traces to one from the Traces tab, or use MLflow's client: mlflow.genai.datasets.create_dataset(name='qa', experiment_id=…)."
        />
      ) : (
        <>
          <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
            <table className="w-full text-sm" aria-label="Datasets">
              <thead className="border-b border-zinc-200 bg-zinc-50 text-left text-xs font-medium text-zinc-500 uppercase dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400">
                <tr>
                  <th className="px-4 py-2 font-medium">Name</th>
                  <th className="px-4 py-2 text-right font-medium">Records</th>
                  <th className="px-4 py-2 font-medium">Last updated</th>
                  <th className="px-4 py-2 font-medium">Created by</th>
                  <th className="px-4 py-2 font-medium">Tags</th>
                </tr>
              </thead>
              <tbody>
                {datasets.data?.datasets.map((d) => (
                  <tr key={d.id} className="border-b border-zinc-100 last:border-0 hover:bg-zinc-50 dark:border-zinc-800/60 dark:hover:bg-zinc-800/40">
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
              </tbody>
            </table>
          </div>
          <Pager paging={paging} nextPageToken={datasets.data?.nextPageToken} />
        </>
      )}
      {creating ? <CreateDatasetDialog experimentId={experimentId} onClose={() => setCreating(false)} /> : null}
    </div>
  );
}
