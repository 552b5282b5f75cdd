import type { Webhook, WebhookStatus } from '@loupe/protocol';
import { Button } from '../../../shared/components/button';
import { Badge } from '../../../shared/components/status-badge';
import type { useUpdateWebhook } from '../hooks/use-webhooks';

/**
 * Whether a webhook delivers, as a pill.
 *
 * @example
 * <WebhookStatusBadge status="DISABLED" />
 */
export function WebhookStatusBadge({ status }: { status: WebhookStatus }) {
  return <Badge tone={status === 'ACTIVE' ? 'green' : 'zinc'}>{status === 'ACTIVE' ? 'Active' : 'Disabled'}</Badge>;
}

/**
 * One click to disable an active webhook or enable a disabled one (MLflow's UpdateWebhook with only
 * `status`); `update` is shared so the page can show its error.
 *
 * @example
 * <WebhookToggleButton webhook={w} update={useUpdateWebhook()} size="sm" />
 */
export function WebhookToggleButton({ webhook, update, size = 'md' }: { webhook: Webhook; update: ReturnType<typeof useUpdateWebhook>; size?: 'sm' | 'md' }) {
  const active = webhook.status === 'ACTIVE';
  const busy = update.isPending && update.variables.id === webhook.webhook_id;
  return (
    <Button
      size={size}
      aria-label={`${active ? 'Disable' : 'Enable'} ${webhook.name}`}
      disabled={busy}
      onClick={() => update.mutate({ id: webhook.webhook_id, changes: { status: active ? 'DISABLED' : 'ACTIVE' } })}
    >
      {active ? 'Disable' : 'Enable'}
    </Button>
  );
}
