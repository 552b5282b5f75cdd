import type { Webhook } from '@loupe/protocol';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Button } from '../../../shared/components/button';
import { ConfirmDeleteDialog } from '../../../shared/components/confirm-delete-dialog';
import { Dialog } from '../../../shared/components/dialog';
import { EmptyState, ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { formatRelative, formatTimestamp } from '../../../shared/lib/format';
import { useDeleteWebhook, useUpdateWebhook, useWebhook, useWebhookDeliveries } from '../hooks/use-webhooks';
import { eventName, formValuesOf, webhookChanges } from '../lib/webhook-events';
import { WebhookForm } from './webhook-form';
import { WebhookTestPanel } from './webhook-test-panel';
import { WebhookStatusBadge, WebhookToggleButton } from './webhook-toggle-button';

const STATUS_STYLE: Record<string, string> = {
  SUCCEEDED: 'text-emerald-700 dark:text-emerald-400',
  FAILED: 'text-red-700 dark:text-red-400',
  RETRYING: 'text-amber-700 dark:text-amber-400',
  PENDING: 'text-zinc-600 dark:text-zinc-400',
  SKIPPED: 'text-zinc-500',
};

/** What a delivery was about, from its payload: `fraud-detector v3`, `qa @production`. */
function subject(data: Record<string, unknown>): string {
  const name = typeof data.name === 'string' ? data.name : '';
  const version = typeof data.version === 'string' ? ` v${data.version}` : '';
  const alias = typeof data.alias === 'string' ? ` @${data.alias}` : '';
  const key = typeof data.key === 'string' ? ` ${data.key}` : '';
  return `${name}${version}${alias}${key}`;
}

/** The create form again, filled in; only what changed is sent (MLflow's UpdateWebhook). */
function EditWebhookDialog({ webhook, onClose }: { webhook: Webhook; onClose: () => void }) {
  const update = useUpdateWebhook();
  return (
    <Dialog open title={`Edit ${webhook.name}`} onClose={onClose}>
      <WebhookForm
        initial={formValuesOf(webhook)}
        submitLabel="Save changes"
        pendingLabel="Saving…"
        pending={update.isPending}
        error={update.error}
        errorTitle="Not saved"
        onSubmit={(values) => {
          const changes = webhookChanges(webhook, values);
          if (Object.keys(changes).length === 0) onClose();
          else update.mutate({ id: webhook.webhook_id, changes }, { onSuccess: onClose });
        }}
        onCancel={onClose}
      />
    </Dialog>
  );
}

/** "Delete webhook?", then back to the list. */
function DeleteWebhookDialog({ webhook, onClose }: { webhook: Webhook; onClose: () => void }) {
  const remove = useDeleteWebhook();
  const navigate = useNavigate();
  return (
    <ConfirmDeleteDialog
      title="Delete webhook"
      confirmLabel="Delete webhook"
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() => remove.mutate(webhook.webhook_id, { onSuccess: () => navigate('/webhooks', { replace: true }) })}
      onClose={onClose}
    >
      Delete <span className="font-semibold">{webhook.name}</span>? Nothing more is sent to <span className="font-mono text-xs break-all">{webhook.url}</span>,
      and its delivery log goes with it.
    </ConfirmDeleteDialog>
  );
}

/**
 * One webhook: its settings (edited, enabled or disabled, deleted here), a test delivery, and its
 * delivery log (status, attempts, last answer or error).
 *
 * @example
 * { path: '/webhooks/:webhookId', element: <WebhookPage /> }
 */
export function WebhookPage() {
  const id = useParams().webhookId ?? '';
  const webhook = useWebhook(id);
  const deliveries = useWebhookDeliveries(id);
  const update = useUpdateWebhook();
  const [dialog, setDialog] = useState<'edit' | 'delete' | undefined>();
  if (webhook.error)
    return (
      <div className="mx-auto max-w-6xl p-6">
        <ErrorBanner error={webhook.error} title="Webhook" />
      </div>
    );
  if (!webhook.data)
    return (
      <div className="mx-auto max-w-6xl p-6">
        <Spinner label="Loading webhook" />
      </div>
    );
  const w = webhook.data;
  return (
    <div className="mx-auto flex max-w-6xl flex-col gap-5 p-6">
      <div className="flex flex-wrap items-start gap-3">
        <div className="mr-auto">
          <Link to="/webhooks" className="text-sm text-zinc-500 hover:underline">
            Webhooks
          </Link>
          <h1 className="text-xl font-semibold tracking-tight">{w.name}</h1>
          {w.description ? <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{w.description}</p> : null}
        </div>
        <div className="flex gap-2 pt-5">
          <Button onClick={() => setDialog('edit')}>Edit</Button>
          <WebhookToggleButton webhook={w} update={update} />
          <Button variant="danger" onClick={() => setDialog('delete')}>
            Delete
          </Button>
        </div>
      </div>
      {update.error ? <ErrorBanner error={update.error} title="Status not changed" /> : null}
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-zinc-500">URL</dt>
        <dd className="font-mono text-xs break-all">{w.url}</dd>
        <dt className="text-zinc-500">Events</dt>
        <dd className="font-mono text-xs">{w.events.map(eventName).join(', ')}</dd>
        <dt className="text-zinc-500">Status</dt>
        <dd>
          <WebhookStatusBadge status={w.status} />
        </dd>
        <dt className="text-zinc-500">Created</dt>
        <dd title={formatTimestamp(w.creation_timestamp)}>{formatRelative(w.creation_timestamp)}</dd>
        <dt className="text-zinc-500">Last changed</dt>
        <dd title={formatTimestamp(w.last_updated_timestamp)}>{formatRelative(w.last_updated_timestamp)}</dd>
      </dl>
      <WebhookTestPanel key={w.webhook_id} webhook={w} />
      <section aria-label="Deliveries">
        <h2 className="mb-2 text-sm font-semibold">Deliveries</h2>
        {deliveries.error ? <ErrorBanner error={deliveries.error} /> : null}
        {deliveries.isPending ? (
          <Spinner label="Loading deliveries" />
        ) : deliveries.data && deliveries.data.length === 0 ? (
          <EmptyState title="Nothing delivered yet" hint="Deliveries appear here when a subscribed event happens." />
        ) : (
          <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
            <table className="w-full text-sm" aria-label="Deliveries">
              <thead className="border-b border-zinc-200 bg-zinc-50 text-left text-xs font-medium text-zinc-500 uppercase dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400">
                <tr>
                  <th className="px-4 py-2 font-medium">Event</th>
                  <th className="px-4 py-2 font-medium">Subject</th>
                  <th className="px-4 py-2 font-medium">Status</th>
                  <th className="px-4 py-2 font-medium">Attempts</th>
                  <th className="px-4 py-2 font-medium">Last answer</th>
                  <th className="px-4 py-2 font-medium">Created</th>
                </tr>
              </thead>
              <tbody>
                {deliveries.data?.map((d) => (
                  <tr key={d.delivery_id} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800/60">
                    <td className="px-4 py-2.5 font-mono text-xs">
                      {d.entity}.{d.action}
                    </td>
                    <td className="px-4 py-2.5 font-mono text-xs">{subject(d.data)}</td>
                    <td className={`px-4 py-2.5 text-xs font-medium ${STATUS_STYLE[d.status] ?? ''}`}>{d.status}</td>
                    <td className="px-4 py-2.5 text-xs">{d.attempts}</td>
                    <td className="max-w-xs truncate px-4 py-2.5 text-xs" title={d.last_error}>
                      {d.last_response_status !== undefined ? `HTTP ${d.last_response_status}` : ''}
                      {d.last_error ? ` ${d.last_error}` : ''}
                    </td>
                    <td className="px-4 py-2.5 text-xs text-zinc-600 dark:text-zinc-400" title={formatTimestamp(d.creation_timestamp)}>
                      {formatRelative(d.creation_timestamp)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {dialog === 'edit' ? <EditWebhookDialog webhook={w} onClose={() => setDialog(undefined)} /> : null}
      {dialog === 'delete' ? <DeleteWebhookDialog webhook={w} onClose={() => setDialog(undefined)} /> : null}
    </div>
  );
}
