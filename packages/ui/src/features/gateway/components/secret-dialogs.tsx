import type { GatewaySecretInfo } from '@loupe/protocol';
import { useState } from 'react';
import { ConfirmDeleteDialog } from '../../../shared/components/confirm-delete-dialog';
import { Dialog } from '../../../shared/components/dialog';
import { DialogActions } from '../../../shared/components/dialog-actions';
import { ErrorBanner } from '../../../shared/components/feedback-states';
import { INPUT_CLASS, TextInput } from '../../../shared/components/text-input';
import { useCreateSecret, useDeleteSecret, useRotateSecret } from '../hooks/use-gateway-secrets';
import {
  GATEWAY_PROVIDERS,
  maskedSummary,
  providerSpec,
  rotatedValue,
  rotationFields,
  secretProblem,
  secretRequest,
  type ProviderField,
  type SecretFormValues,
} from '../lib/providers';

/** One labelled input of a secret form; secret values are typed like passwords and never autofilled. */
function Field({ field, value, secret, onChange }: { field: ProviderField; value: string; secret: boolean; onChange: (value: string) => void }) {
  return (
    <label className="flex flex-col gap-1">
      <span className="font-medium">
        {field.label}
        {field.optional ? <span className="font-normal text-zinc-500"> (optional)</span> : null}
      </span>
      <TextInput
        aria-label={field.label}
        type={secret ? 'password' : 'text'}
        autoComplete={secret ? 'new-password' : 'off'}
        placeholder={field.placeholder}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}

/**
 * "New API key": a name, the provider, its credentials (encrypted by the server, never shown again)
 * and its settings (base URL, region).
 *
 * @example
 * {creating ? <CreateSecretDialog onClose={() => setCreating(false)} /> : null}
 */
export function CreateSecretDialog({ onClose }: { onClose: () => void }) {
  const create = useCreateSecret();
  const [v, setValues] = useState<SecretFormValues>({ name: '', provider: GATEWAY_PROVIDERS[0]!.id, values: {}, config: {} });
  const [tried, setTried] = useState(false);
  const spec = providerSpec(v.provider);
  const problem = secretProblem(v);
  return (
    <Dialog open title="New API key" onClose={onClose}>
      <form
        className="flex flex-col gap-3 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (!problem) create.mutate(secretRequest(v), { onSuccess: onClose });
        }}
      >
        <label className="flex flex-col gap-1">
          <span className="font-medium">Name</span>
          <TextInput aria-label="Key name" placeholder="openai-prod" value={v.name} onChange={(e) => setValues({ ...v, name: e.target.value })} />
        </label>
        <label className="flex flex-col gap-1">
          <span className="font-medium">Provider</span>
          <select aria-label="Provider" className={INPUT_CLASS} value={v.provider} onChange={(e) => setValues({ ...v, provider: e.target.value })}>
            {GATEWAY_PROVIDERS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        {spec.secretFields.map((f) => (
          <Field key={f.key} field={f} secret value={v.values[f.key] ?? ''} onChange={(x) => setValues({ ...v, values: { ...v.values, [f.key]: x } })} />
        ))}
        {spec.configFields.map((f) => (
          <Field
            key={f.key}
            field={f}
            secret={false}
            value={v.config[f.key] ?? ''}
            onChange={(x) => setValues({ ...v, config: { ...v.config, [f.key]: x } })}
          />
        ))}
        <p className="text-xs text-zinc-500">The key is stored encrypted; only a masked form of it is ever shown again.</p>
        {tried && problem ? <p className="text-xs text-red-600 dark:text-red-400">{problem}</p> : null}
        {create.error ? <ErrorBanner error={create.error} title="Not created" /> : null}
        <DialogActions onCancel={onClose} submitLabel="Create API key" pendingLabel="Creating…" pending={create.isPending} />
      </form>
    </Dialog>
  );
}

/**
 * "Rotate": a new value for every credential of the key; the models using it call with it at once.
 *
 * @example
 * <RotateSecretDialog secret={secret} onClose={close} />
 */
export function RotateSecretDialog({ secret, onClose }: { secret: GatewaySecretInfo; onClose: () => void }) {
  const rotate = useRotateSecret();
  const [typed, setTyped] = useState<Record<string, string>>({});
  const value = rotatedValue(secret, typed);
  return (
    <Dialog open title={`Rotate ${secret.secret_name}`} onClose={onClose}>
      <form
        className="flex flex-col gap-3 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          if (value) rotate.mutate({ secretId: secret.secret_id, value }, { onSuccess: onClose });
        }}
      >
        <p className="text-zinc-600 dark:text-zinc-400">
          Now <span className="font-mono text-xs">{maskedSummary(secret.masked_values)}</span>. Type the new value: every model using this key calls with it
          from now on.
        </p>
        {rotationFields(secret).map((f) => (
          <Field key={f.key} field={f} secret value={typed[f.key] ?? ''} onChange={(x) => setTyped({ ...typed, [f.key]: x })} />
        ))}
        {rotate.error ? <ErrorBanner error={rotate.error} title="Not rotated" /> : null}
        <DialogActions onCancel={onClose} submitLabel="Rotate key" pendingLabel="Rotating…" pending={rotate.isPending} disabled={!value} />
      </form>
    </Dialog>
  );
}

/**
 * "Delete API key?", naming the models it leaves without credentials.
 *
 * @example
 * <DeleteSecretDialog secret={secret} usedBy={['gpt-4o-mini']} onClose={close} />
 */
export function DeleteSecretDialog({ secret, usedBy, onClose }: { secret: GatewaySecretInfo; usedBy: readonly string[]; onClose: () => void }) {
  const remove = useDeleteSecret();
  return (
    <ConfirmDeleteDialog
      title="Delete API key"
      confirmLabel="Delete API key"
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() => remove.mutate(secret.secret_id, { onSuccess: onClose })}
      onClose={onClose}
    >
      Delete <span className="font-semibold">{secret.secret_name}</span>?{' '}
      {usedBy.length > 0 ? (
        <>
          {usedBy.length === 1 ? 'The model' : 'The models'} <span className="font-semibold">{usedBy.join(', ')}</span> will have no key to call with until
          given another.
        </>
      ) : (
        'No model uses it.'
      )}
    </ConfirmDeleteDialog>
  );
}
