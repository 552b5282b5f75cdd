import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Button } from '../../../shared/components/button';
import { Dialog } from '../../../shared/components/dialog';
import { EmptyState, ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { formatRelative, formatTimestamp } from '../../../shared/lib/format';
import { useCreateWebhook, useUpdateWebhook, useWebhooks } from '../hooks/use-webhooks';
import { eventName } from '../lib/webhook-events';
import { WebhookForm } from './webhook-form';
import { WebhookStatusBadge, WebhookToggleButton } from './webhook-toggle-button';

function CreateWebhookDialog({ onClose }: { onClose: () => void }) {
  const create = useCreateWebhook();
  const navigate = useNavigate();
  return (
    <Dialog open title="New webhook" onClose={onClose}>
      <WebhookForm
        submitLabel="Create webhook"
        pendingLabel="Creating…"
        pending={create.isPending}
        error={create.error}
        errorTitle="Not created"
        onSubmit={(values) => create.mutate(values, { onSuccess: (res) => navigate(`/webhooks/${res.webhook.webhook_id}`) })}
        onCancel={onClose}
      />
    </Dialog>
  );
}

/**
 * Webhooks: each with its URL, events and status (enabled or disabled in one click), and a form to create one.
 *
 * @example
 * { path: '/webhooks', element: <WebhooksPage /> }
 */
export function WebhooksPage() {
  const webhooks = useWebhooks();
  const update = useUpdateWebhook();
  const [creating, setCreating] = useState(false);
  return (
    <div className="mx-auto max-w-6xl p-6">
      <div className="mb-4 flex items-center gap-3">
        <h1 className="text-xl font-semibold tracking-tight">Webhooks</h1>
        <Button variant="primary" className="ml-auto" onClick={() => setCreating(true)}>
          New webhook
        </Button>
      </div>
      {webhooks.error ? <ErrorBanner error={webhooks.error} /> : null}
      {update.error ? (
        <div className="mb-3">
          <ErrorBanner error={update.error} title="Status not changed" />
        </div>
      ) : null}
      {webhooks.isPending ? (
        <Spinner label="Loading webhooks" />
      ) : webhooks.data && webhooks.data.length === 0 ? (
        <EmptyState title="No webhooks yet" hint="A webhook calls a URL, signed, when a model or prompt changes." />
      ) : (
        <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
          <table className="w-full text-sm" aria-label="Webhooks">
            <thead className="border-b border-zinc-200 bg-zinc-50 text-left text-xs font-medium text-zinc-500 uppercase dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400">
              <tr>
                <th className="px-4 py-2 font-medium">Name</th>
                <th className="px-4 py-2 font-medium">URL</th>
                <th className="px-4 py-2 font-medium">Events</th>
                <th className="px-4 py-2 font-medium">Status</th>
                <th className="px-4 py-2 font-medium">Created</th>
                <th className="px-4 py-2 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {webhooks.data?.map((w) => (
                <tr key={w.webhook_id} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800/60">
                  <td className="px-4 py-2.5">
                    <Link to={`/webhooks/${w.webhook_id}`} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                      {w.name}
                    </Link>
                  </td>
                  <td className="max-w-xs truncate px-4 py-2.5 font-mono text-xs">{w.url}</td>
                  <td className="px-4 py-2.5 font-mono text-xs">{w.events.map(eventName).join(', ')}</td>
                  <td className="px-4 py-2.5">
                    <WebhookStatusBadge status={w.status} />
                  </td>
                  <td className="px-4 py-2.5 text-zinc-600 dark:text-zinc-400" title={formatTimestamp(w.creation_timestamp)}>
                    {formatRelative(w.creation_timestamp)}
                  </td>
                  <td className="px-4 py-2.5 text-right">
                    <WebhookToggleButton webhook={w} update={update} size="sm" />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {creating ? <CreateWebhookDialog onClose={() => setCreating(false)} /> : null}
    </div>
  );
}
