import type { Experiment, ViewType } from '@loupe/protocol';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Button } from '../../../shared/components/button';
import { Dialog } from '../../../shared/components/dialog';
import { EmptyState, ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { TextInput } from '../../../shared/components/text-input';
import { DialogActions } from '../../../shared/components/dialog-actions';
import { formatRelative, formatTimestamp } from '../../../shared/lib/format';
import { useSearchParamsPatch } from '../../../shared/hooks/use-search-params-patch';
import { useExperimentMutations, useExperiments } from '../hooks/use-experiments';

function NameDialog({
  title,
  initial,
  open,
  onClose,
  onSubmit,
  pending,
  error,
}: {
  title: string;
  initial: string;
  open: boolean;
  onClose: () => void;
  onSubmit: (name: string) => void;
  pending: boolean;
  error: unknown;
}) {
  const [name, setName] = useState(initial);
  return (
    <Dialog open={open} title={title} onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) onSubmit(name.trim());
        }}
        className="flex flex-col gap-3"
      >
        <label className="flex flex-col gap-1 text-sm">
          <span className="font-medium">Name</span>
          <TextInput autoFocus value={name} onChange={(e) => setName(e.target.value)} aria-label="Experiment name" />
        </label>
        {error ? <ErrorBanner error={error} title="Not saved" /> : null}
        <DialogActions onCancel={onClose} submitLabel="Save" pendingLabel="Saving…" pending={pending} disabled={!name.trim()} />
      </form>
    </Dialog>
  );
}

function ExperimentRow({ experiment, deleted }: { experiment: Experiment; deleted: boolean }) {
  const { rename, remove, restore } = useExperimentMutations();
  const [renaming, setRenaming] = useState(false);
  return (
    <tr className="border-b border-zinc-100 last:border-0 hover:bg-zinc-50 dark:border-zinc-800/60 dark:hover:bg-zinc-800/40">
      <td className="px-4 py-2.5">
        {deleted ? (
          <span className="font-medium text-zinc-500">{experiment.name}</span>
        ) : (
          <Link to={`/experiments/${experiment.experiment_id}`} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
            {experiment.name}
          </Link>
        )}
      </td>
      <td className="px-4 py-2.5 font-mono text-xs text-zinc-500">{experiment.experiment_id}</td>
      <td className="px-4 py-2.5 text-zinc-600 dark:text-zinc-400" title={formatTimestamp(experiment.creation_time)}>
        {formatRelative(experiment.creation_time)}
      </td>
      <td className="px-4 py-2.5 text-zinc-600 dark:text-zinc-400" title={formatTimestamp(experiment.last_update_time)}>
        {formatRelative(experiment.last_update_time)}
      </td>
      <td className="px-4 py-2.5 text-right">
        {deleted ? (
          <Button size="sm" onClick={() => restore.mutate(experiment.experiment_id)} aria-label={`Restore ${experiment.name}`}>
            Restore
          </Button>
        ) : (
          <span className="inline-flex gap-1">
            <Button size="sm" variant="ghost" onClick={() => setRenaming(true)} aria-label={`Rename ${experiment.name}`}>
              Rename
            </Button>
            {experiment.experiment_id !== '0' ? (
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Delete ${experiment.name}`}
                onClick={() => {
                  if (window.confirm(`Delete experiment "${experiment.name}"? Its runs are deleted with it; you can restore it later.`))
                    remove.mutate(experiment.experiment_id);
                }}
              >
                Delete
              </Button>
            ) : null}
          </span>
        )}
        {renaming ? (
          <NameDialog
            title="Rename experiment"
            initial={experiment.name}
            open
            pending={rename.isPending}
            error={rename.error}
            onClose={() => setRenaming(false)}
            onSubmit={(name) => rename.mutate({ id: experiment.experiment_id, name }, { onSuccess: () => setRenaming(false) })}
          />
        ) : null}
      </td>
    </tr>
  );
}

/**
 * The home page: experiments, searchable by name, with create, rename, delete and restore.
 *
 * @example
 * { path: '/', element: <ExperimentListPage /> }
 */
export function ExperimentListPage() {
  const [params] = useSearchParams();
  const search = params.get('q') ?? '';
  const viewType: ViewType = params.get('deleted') === '1' ? 'DELETED_ONLY' : 'ACTIVE_ONLY';
  const experiments = useExperiments(search, viewType);
  const { create } = useExperimentMutations();
  const [creating, setCreating] = useState(false);
  const navigate = useNavigate();
  const patch = useSearchParamsPatch();
  const update = (key: string, value: string | null) => patch({ [key]: value });

  return (
    <div className="mx-auto max-w-6xl p-6">
      <div className="mb-4 flex items-center gap-3">
        <h1 className="text-xl font-semibold tracking-tight">Experiments</h1>
        <div className="ml-auto flex items-center gap-2">
          <TextInput
            type="search"
            placeholder="Search by name"
            aria-label="Search experiments"
            value={search}
            onChange={(e) => update('q', e.target.value)}
            className="w-64"
          />
          <label className="flex items-center gap-1.5 text-sm text-zinc-600 dark:text-zinc-400">
            <input type="checkbox" checked={viewType === 'DELETED_ONLY'} onChange={(e) => update('deleted', e.target.checked ? '1' : null)} />
            Deleted
          </label>
          <Button variant="primary" onClick={() => setCreating(true)}>
            New experiment
          </Button>
        </div>
      </div>
      {experiments.error ? <ErrorBanner error={experiments.error} /> : null}
      {experiments.isPending ? (
        <Spinner label="Loading experiments" />
      ) : experiments.data && experiments.data.length === 0 ? (
        <EmptyState
          title={search ? 'No experiment matches' : viewType === 'DELETED_ONLY' ? 'No deleted experiments' : 'No experiments yet'}
          hint="Create one here, or log to Loupe with MLflow's clients: mlflow.set_experiment('name')."
        />
      ) : (
        <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
          <table className="w-full text-sm">
            <thead className="border-b border-zinc-200 bg-zinc-50 text-left text-xs font-medium text-zinc-500 uppercase dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400">
              <tr>
                <th className="px-4 py-2 font-medium">Name</th>
                <th className="px-4 py-2 font-medium">ID</th>
                <th className="px-4 py-2 font-medium">Created</th>
                <th className="px-4 py-2 font-medium">Last updated</th>
                <th className="px-4 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {experiments.data?.map((e) => (
                <ExperimentRow key={e.experiment_id} experiment={e} deleted={viewType === 'DELETED_ONLY'} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {creating ? (
        <NameDialog
          title="New experiment"
          initial=""
          open
          pending={create.isPending}
          error={create.error}
          onClose={() => setCreating(false)}
          onSubmit={(name) => create.mutate(name, { onSuccess: (r) => navigate(`/experiments/${r.experiment_id}`) })}
        />
      ) : null}
    </div>
  );
}
