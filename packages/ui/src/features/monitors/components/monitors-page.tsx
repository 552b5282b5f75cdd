import type { Monitor } from '@loupe/protocol';
import { useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { Button } from '../../../shared/components/button';
import { ConfirmDeleteDialog } from '../../../shared/components/confirm-delete-dialog';
import { Dialog } from '../../../shared/components/dialog';
import { EmptyState, ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { Badge } from '../../../shared/components/status-badge';
import { useSearchParamsPatch } from '../../../shared/hooks/use-search-params-patch';
import { formatRelative, formatTimestamp } from '../../../shared/lib/format';
import { JudgesSection } from '../../judges/components/judges-section';
import { useCreateMonitor, useDeleteMonitor, useEvaluateMonitor, useMonitors, useUpdateMonitor } from '../hooks/use-monitors';
import { conditionText, formatMonitorValue, formatSpan, formValuesOf, metricLabel, monitorBody, stateTone } from '../lib/monitor-form-values';
import { MonitorForm } from './monitor-form';
import { MonitorHistory } from './monitor-history';

function MonitorRow({
  monitor: m,
  selected,
  onSelect,
  onEdit,
  onDelete,
}: {
  monitor: Monitor;
  selected: boolean;
  onSelect: () => void;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const evaluate = useEvaluateMonitor();
  return (
    <tr className={`border-b border-zinc-100 last:border-0 dark:border-zinc-800/60 ${selected ? 'bg-indigo-50/60 dark:bg-indigo-500/10' : ''}`}>
      <td className="px-4 py-2.5">
        <button type="button" onClick={onSelect} className="text-left font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          {m.name}
        </button>
        {m.description ? <div className="text-xs text-zinc-500">{m.description}</div> : null}
      </td>
      <td className="px-4 py-2.5">
        <Badge tone={stateTone(m.state)} title={m.state_changed_timestamp ? `Since ${formatTimestamp(m.state_changed_timestamp)}` : undefined}>
          {m.state === 'ALERT' ? <span className="size-1.5 animate-pulse rounded-full bg-current" aria-hidden /> : null}
          {m.state}
        </Badge>
        {m.enabled ? null : <span className="ml-1.5 text-xs text-zinc-500">disabled</span>}
      </td>
      <td className="px-4 py-2.5">
        <div>{conditionText(m)}</div>
        {m.filter_string ? <div className="max-w-xs truncate font-mono text-xs text-zinc-500">{m.filter_string}</div> : null}
      </td>
      <td className="px-4 py-2.5 font-mono text-xs" aria-label={`Value of ${m.name}`}>
        <span className={m.state === 'ALERT' ? 'font-semibold text-red-600 dark:text-red-400' : ''}>{formatMonitorValue(m.metric, m.last_value)}</span>
        <span className="text-zinc-500">
          {' '}
          {m.comparator} {formatMonitorValue(m.metric, m.threshold)}
        </span>
        <div className="text-zinc-500">
          {m.last_sample_count ?? 0} of min. {m.min_samples} samples
        </div>
      </td>
      <td className="px-4 py-2.5 text-zinc-600 dark:text-zinc-400">
        {m.last_evaluated_timestamp ? <span title={formatTimestamp(m.last_evaluated_timestamp)}>{formatRelative(m.last_evaluated_timestamp)}</span> : 'never'}
        <div className="text-xs text-zinc-500">every {formatSpan(m.interval_ms)}</div>
      </td>
      <td className="px-4 py-2.5 text-right whitespace-nowrap">
        <div className="inline-flex gap-1.5">
          <Button size="sm" onClick={() => evaluate.mutate(m.monitor_id)} disabled={evaluate.isPending} aria-label={`Evaluate ${m.name} now`}>
            {evaluate.isPending ? 'Evaluating…' : 'Evaluate now'}
          </Button>
          <Button size="sm" onClick={onEdit} aria-label={`Edit ${m.name}`}>
            Edit
          </Button>
          <Button size="sm" variant="danger" onClick={onDelete} aria-label={`Delete ${m.name}`}>
            Delete
          </Button>
        </div>
        {evaluate.error ? <ErrorBanner error={evaluate.error} title="Not evaluated" /> : null}
      </td>
    </tr>
  );
}

function CreateMonitorDialog({ experimentId, onClose, onCreated }: { experimentId: string; onClose: () => void; onCreated: (id: string) => void }) {
  const create = useCreateMonitor(experimentId);
  return (
    <Dialog open title="New monitor" onClose={onClose}>
      <MonitorForm
        submitLabel="Create monitor"
        pendingLabel="Creating…"
        pending={create.isPending}
        error={create.error}
        errorTitle="Not created"
        onSubmit={(values) => create.mutate(monitorBody(values), { onSuccess: (res) => onCreated(res.monitor.monitor_id) })}
        onCancel={onClose}
      />
    </Dialog>
  );
}

function EditMonitorDialog({ monitor, onClose }: { monitor: Monitor; onClose: () => void }) {
  const update = useUpdateMonitor();
  return (
    <Dialog open title={`Edit ${monitor.name}`} onClose={onClose}>
      <MonitorForm
        initial={formValuesOf(monitor)}
        submitLabel="Save"
        pendingLabel="Saving…"
        pending={update.isPending}
        error={update.error}
        errorTitle="Not saved"
        onSubmit={(values) => update.mutate({ id: monitor.monitor_id, body: monitorBody(values) }, { onSuccess: onClose })}
        onCancel={onClose}
      />
    </Dialog>
  );
}

/**
 * An experiment's Monitoring tab: its judges (online scoring: sampling, last run, backlog, scores) and
 * its production monitors, each with its state, current value against the threshold and last
 * evaluation, buttons to evaluate now, edit or delete it, and the history of the one selected
 * (`?monitor=` in the URL).
 *
 * @example
 * { path: 'monitors', element: <MonitorsPage /> }
 */
export function MonitorsPage() {
  const { experimentId = '' } = useParams();
  const monitors = useMonitors(experimentId);
  const remove = useDeleteMonitor();
  const [params] = useSearchParams();
  const patch = useSearchParamsPatch();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Monitor | undefined>();
  const [deleting, setDeleting] = useState<Monitor | undefined>();
  const selectedId = params.get('monitor');
  const selected = monitors.data?.find((m) => m.monitor_id === selectedId);
  const alerting = monitors.data?.filter((m) => m.state === 'ALERT').length ?? 0;
  return (
    <div className="mx-auto max-w-7xl p-6">
      <JudgesSection experimentId={experimentId} />
      <div className="mb-4 flex items-center gap-3">
        <h2 className="text-base font-semibold">Monitors</h2>
        {alerting > 0 ? <Badge tone="red">{alerting} alerting</Badge> : null}
        <Button variant="primary" className="ml-auto" onClick={() => setCreating(true)}>
          New monitor
        </Button>
      </div>
      {monitors.error ? <ErrorBanner error={monitors.error} /> : null}
      {monitors.isPending ? (
        <Spinner label="Loading monitors" />
      ) : monitors.data && monitors.data.length === 0 ? (
        <EmptyState
          title="No monitors yet"
          hint="A monitor watches a trace metric or a judge's scores over a window, alerts when it crosses a threshold, and can call a webhook (monitor.alerted / monitor.resolved)."
        />
      ) : (
        <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
          <table className="w-full text-sm" aria-label="Monitors">
            <thead className="border-b border-zinc-200 bg-zinc-50 text-left text-xs font-medium text-zinc-500 uppercase dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400">
              <tr>
                <th className="px-4 py-2 font-medium">Name</th>
                <th className="px-4 py-2 font-medium">State</th>
                <th className="px-4 py-2 font-medium">Condition</th>
                <th className="px-4 py-2 font-medium">Current value</th>
                <th className="px-4 py-2 font-medium">Evaluated</th>
                <th className="px-4 py-2 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {monitors.data?.map((m) => (
                <MonitorRow
                  key={m.monitor_id}
                  monitor={m}
                  selected={m.monitor_id === selectedId}
                  onSelect={() => patch({ monitor: m.monitor_id })}
                  onEdit={() => setEditing(m)}
                  onDelete={() => setDeleting(m)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {selected ? <MonitorHistory monitor={selected} /> : null}
      {creating ? (
        <CreateMonitorDialog
          experimentId={experimentId}
          onClose={() => setCreating(false)}
          onCreated={(id) => {
            setCreating(false);
            patch({ monitor: id });
          }}
        />
      ) : null}
      {editing ? <EditMonitorDialog monitor={editing} onClose={() => setEditing(undefined)} /> : null}
      {deleting ? (
        <ConfirmDeleteDialog
          title="Delete monitor"
          confirmLabel="Delete monitor"
          pending={remove.isPending}
          error={remove.error}
          onConfirm={() =>
            remove.mutate(deleting.monitor_id, {
              onSuccess: () => {
                if (selectedId === deleting.monitor_id) patch({ monitor: null });
                setDeleting(undefined);
              },
            })
          }
          onClose={() => setDeleting(undefined)}
        >
          Delete <b>{deleting.name}</b> ({metricLabel(deleting.metric)}) and its history?
        </ConfirmDeleteDialog>
      ) : null}
    </div>
  );
}
