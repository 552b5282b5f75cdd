import type { Webhook } from '@loupe/protocol';
import { useState } from 'react';
import { Button } from '../../../shared/components/button';
import { ErrorBanner } from '../../../shared/components/feedback-states';
import { Badge } from '../../../shared/components/status-badge';
import { INPUT_CLASS } from '../../../shared/components/text-input';
import { useTestWebhook } from '../hooks/use-webhooks';
import { eventName } from '../lib/webhook-events';

/**
 * "Send test": one example event of the webhook's choosing sent now (MLflow's TestWebhook), and what
 * came back: success, the receiver's status and body, or why nothing was delivered.
 *
 * @example
 * <WebhookTestPanel webhook={webhook} />
 */
export function WebhookTestPanel({ webhook }: { webhook: Webhook }) {
  const test = useTestWebhook();
  const [event, setEvent] = useState(eventName(webhook.events[0] ?? { entity: 'REGISTERED_MODEL', action: 'CREATED' }));
  const result = test.data;
  return (
    <section aria-label="Test delivery" className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="mr-auto text-sm font-semibold">Test delivery</h2>
        <select aria-label="Test event" className={`${INPUT_CLASS} font-mono text-xs`} value={event} onChange={(e) => setEvent(e.target.value)}>
          {webhook.events.map((ev) => (
            <option key={eventName(ev)} value={eventName(ev)}>
              {eventName(ev)}
            </option>
          ))}
        </select>
        <Button disabled={test.isPending} onClick={() => test.mutate({ id: webhook.webhook_id, event: webhook.events.find((ev) => eventName(ev) === event) })}>
          {test.isPending ? 'Sending…' : 'Send test'}
        </Button>
      </div>
      <p className="mt-1 text-xs text-zinc-500">
        Sends an example payload of the event once, signed as deliveries are, even while the webhook is disabled. Not kept in the delivery log.
      </p>
      {test.error ? (
        <div className="mt-3">
          <ErrorBanner error={test.error} title="Not sent" />
        </div>
      ) : null}
      {result && !test.isPending ? (
        <div role="status" aria-label="Test result" className="mt-3 flex flex-col gap-2 text-sm">
          <div className="flex items-center gap-2">
            <Badge tone={result.success ? 'green' : 'red'}>{result.success ? 'Delivered' : 'Failed'}</Badge>
            {result.response_status !== undefined ? <span className="font-mono text-xs">HTTP {result.response_status}</span> : null}
          </div>
          {result.error_message ? <div className="text-red-700 dark:text-red-400">{result.error_message}</div> : null}
          {result.response_body ? (
            <pre
              aria-label="Response body"
              className="max-h-48 overflow-auto rounded-md bg-zinc-50 p-2 font-mono text-xs break-all whitespace-pre-wrap dark:bg-zinc-950"
            >
              {result.response_body}
            </pre>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
