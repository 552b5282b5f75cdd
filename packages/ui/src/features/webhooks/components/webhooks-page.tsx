import type { WebhookAction, WebhookEntity, WebhookEvent } from '@loupe/protocol';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Button } from '../../../shared/components/button';
import { Dialog } from '../../../shared/components/dialog';
import { EmptyState, ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { TextInput } from '../../../shared/components/text-input';
import { formatRelative, formatTimestamp } from '../../../shared/lib/format';
import { useCreateWebhook, useWebhooks } from '../hooks/use-webhooks';

/**
 * An event as MLflow writes it in payloads: `model_version.created`.
 *
 * @example
 * eventName({ entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' }); // 'model_version_alias.created'
 */
export function eventName(e: WebhookEvent): string {
  return `${e.entity.toLowerCase()}.${e.action.toLowerCase()}`;
}

/**
 * MLflow's events, by entity (the protocol's WEBHOOK_VALID_ACTIONS; written out here because importing
 * it would bring zod into the page, whose eval probe the UI's Content-Security-Policy blocks). The
 * Record type makes a new entity a compile error until it is listed.
 */
const VALID_ACTIONS: Record<WebhookEntity, readonly WebhookAction[]> = {
  REGISTERED_MODEL: ['CREATED'],
  MODEL_VERSION: ['CREATED'],
  MODEL_VERSION_TAG: ['SET', 'DELETED'],
  MODEL_VERSION_ALIAS: ['CREATED', 'DELETED'],
  PROMPT: ['CREATED'],
  PROMPT_VERSION: ['CREATED'],
  PROMPT_TAG: ['SET', 'DELETED'],
  PROMPT_VERSION_TAG: ['SET', 'DELETED'],
  PROMPT_ALIAS: ['CREATED', 'DELETED'],
};

const ALL_EVENTS: WebhookEvent[] = (Object.entries(VALID_ACTIONS) as [WebhookEntity, readonly WebhookAction[]][]).flatMap(([entity, actions]) =>
  actions.map((action) => ({ entity, action })),
);

function CreateWebhookDialog({ onClose }: { onClose: () => void }) {
  const create = useCreateWebhook();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [secret, setSecret] = useState('');
  const [events, setEvents] = useState<Set<string>>(new Set());
  const valid = name.trim() && url.trim() && events.size > 0;
  return (
    <Dialog open title="New webhook" onClose={onClose}>
      <form
        className="flex w-[32rem] max-w-full flex-col gap-3 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          if (!valid) return;
          create.mutate(
            { name: name.trim(), url: url.trim(), description: description.trim(), secret, events: ALL_EVENTS.filter((ev) => events.has(eventName(ev))) },
            { onSuccess: (res) => navigate(`/webhooks/${res.webhook.webhook_id}`) },
          );
        }}
      >
        <label className="flex flex-col gap-1">
          <span className="font-medium">Name</span>
          <TextInput aria-label="Webhook name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="flex flex-col gap-1">
          <span className="font-medium">URL</span>
          <TextInput aria-label="Webhook URL" placeholder="https://example.com/hooks/mlflow" value={url} onChange={(e) => setUrl(e.target.value)} />
        </label>
        <label className="flex flex-col gap-1">
          <span className="font-medium">Description</span>
          <TextInput aria-label="Webhook description" value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <label className="flex flex-col gap-1">
          <span className="font-medium">Signing secret (optional; never shown again)</span>
          <TextInput aria-label="Webhook secret" type="password" autoComplete="new-password" value={secret} onChange={(e) => setSecret(e.target.value)} />
        </label>
        <fieldset className="flex flex-col gap-1">
          <legend className="mb-1 font-medium">Events</legend>
          <div className="grid max-h-64 grid-cols-1 gap-y-1 overflow-auto">
            {ALL_EVENTS.map((ev) => {
              const key = eventName(ev);
              return (
                <label key={key} className="flex items-center gap-1.5 font-mono text-xs">
                  <input
                    type="checkbox"
                    checked={events.has(key)}
                    onChange={(e) => {
                      const next = new Set(events);
                      if (e.target.checked) next.add(key);
                      else next.delete(key);
                      setEvents(next);
                    }}
                  />
                  {key}
                </label>
              );
            })}
          </div>
        </fieldset>
        {create.error ? <ErrorBanner error={create.error} title="Not created" /> : null}
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" disabled={!valid || create.isPending}>
            {create.isPending ? 'Creating…' : 'Create webhook'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/**
 * Webhooks: each with its URL, events and status, and a form to create one.
 *
 * @example
 * { path: '/webhooks', element: <WebhooksPage /> }
 */
export function WebhooksPage() {
  const webhooks = useWebhooks();
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
                  <td className="px-4 py-2.5 text-xs">{w.status}</td>
                  <td className="px-4 py-2.5 text-zinc-600 dark:text-zinc-400" title={formatTimestamp(w.creation_timestamp)}>
                    {formatRelative(w.creation_timestamp)}
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
