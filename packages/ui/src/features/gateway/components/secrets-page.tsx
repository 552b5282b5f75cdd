import type { GatewaySecretInfo } from '@loupe/protocol';
import { useState } from 'react';
import { Button } from '../../../shared/components/button';
import { EmptyState, ErrorBanner } from '../../../shared/components/feedback-states';
import { LIST_ROW, ListTable } from '../../../shared/components/list-table';
import { formatRelative, formatTimestamp } from '../../../shared/lib/format';
import { useGatewaySecrets, useSecretsConfig } from '../hooks/use-gateway-secrets';
import { useModelDefinitions } from '../hooks/use-model-definitions';
import { maskedSummary, providerSpec } from '../lib/providers';
import { GatewayToolbar } from './gateway-layout';
import { CreateSecretDialog, DeleteSecretDialog, RotateSecretDialog } from './secret-dialogs';

const COLUMNS = [
  { label: 'Name' },
  { label: 'Provider' },
  { label: 'Key' },
  { label: 'Settings' },
  { label: 'Used by' },
  { label: 'Last changed' },
  { label: 'Actions', srOnly: true },
];

type Open = { kind: 'create' } | { kind: 'rotate' | 'delete'; secret: GatewaySecretInfo } | undefined;

/**
 * The gateway's API keys (MLflow's secrets): masked, with the provider settings beside them and the
 * models using each; create, rotate and delete here. A server without a secret key says so instead.
 *
 * @example
 * { path: '/gateway/secrets', element: <SecretsPage /> }
 */
export function SecretsPage() {
  const secrets = useGatewaySecrets();
  const config = useSecretsConfig();
  const models = useModelDefinitions();
  const [open, setOpen] = useState<Open>();
  const unavailable = config.data?.secrets_available === false;
  const usedBy = (id: string) => (models.data ?? []).filter((m) => m.secret_id === id).map((m) => m.name);
  return (
    <>
      <GatewayToolbar hint="Provider credentials, stored encrypted: only a masked form is ever shown again.">
        <Button variant="primary" disabled={unavailable} onClick={() => setOpen({ kind: 'create' })}>
          New API key
        </Button>
      </GatewayToolbar>
      {unavailable ? (
        <ErrorBanner
          title="This server cannot store API keys"
          error="It was started without a secret key: start it with --secret-key (or LOUPE_SECRET_KEY) to encrypt them."
        />
      ) : null}
      <ListTable
        label="API keys"
        columns={COLUMNS}
        query={secrets}
        loadingLabel="Loading API keys"
        isEmpty={secrets.data?.length === 0}
        empty={<EmptyState title="No API keys yet" hint="Add a provider's API key, then a model that calls with it." />}
      >
        {secrets.data?.map((s) => {
          const users = usedBy(s.secret_id);
          return (
            <tr key={s.secret_id} className={LIST_ROW}>
              <td className="px-4 py-2.5 font-medium">{s.secret_name}</td>
              <td className="px-4 py-2.5">{providerSpec(s.provider).label}</td>
              <td className="px-4 py-2.5 font-mono text-xs">{maskedSummary(s.masked_values)}</td>
              <td className="px-4 py-2.5 font-mono text-xs text-zinc-600 dark:text-zinc-400">
                {Object.entries(s.auth_config ?? {})
                  .map(([k, v]) => `${k}=${v}`)
                  .join(' ') || '—'}
              </td>
              <td className="px-4 py-2.5 text-zinc-600 dark:text-zinc-400">{users.length ? users.join(', ') : '—'}</td>
              <td className="px-4 py-2.5 text-zinc-600 dark:text-zinc-400" title={formatTimestamp(s.last_updated_at)}>
                {formatRelative(s.last_updated_at)}
              </td>
              <td className="px-4 py-2.5">
                <div className="flex justify-end gap-1.5">
                  <Button size="sm" aria-label={`Rotate ${s.secret_name}`} onClick={() => setOpen({ kind: 'rotate', secret: s })}>
                    Rotate
                  </Button>
                  <Button size="sm" variant="ghost" aria-label={`Delete ${s.secret_name}`} onClick={() => setOpen({ kind: 'delete', secret: s })}>
                    Delete
                  </Button>
                </div>
              </td>
            </tr>
          );
        })}
      </ListTable>
      {open?.kind === 'create' ? <CreateSecretDialog onClose={() => setOpen(undefined)} /> : null}
      {open?.kind === 'rotate' ? <RotateSecretDialog secret={open.secret} onClose={() => setOpen(undefined)} /> : null}
      {open?.kind === 'delete' ? <DeleteSecretDialog secret={open.secret} usedBy={usedBy(open.secret.secret_id)} onClose={() => setOpen(undefined)} /> : null}
    </>
  );
}
