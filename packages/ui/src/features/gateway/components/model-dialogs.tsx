import type { GatewayModelDefinition } from '@loupe/protocol';
import { useState } from 'react';
import { Link } from 'react-router';
import { ConfirmDeleteDialog } from '../../../shared/components/confirm-delete-dialog';
import { Dialog } from '../../../shared/components/dialog';
import { DialogActions } from '../../../shared/components/dialog-actions';
import { ErrorBanner } from '../../../shared/components/feedback-states';
import { INPUT_CLASS, TextInput } from '../../../shared/components/text-input';
import { useGatewaySecrets } from '../hooks/use-gateway-secrets';
import { useCreateModelDefinition, useDeleteModelDefinition } from '../hooks/use-model-definitions';
import { GATEWAY_PROVIDERS, providerSpec } from '../lib/providers';

/**
 * "New model": a provider's model and the API key it calls with. The provider follows the key's; the
 * name defaults to the model's.
 *
 * @example
 * {creating ? <CreateModelDialog onClose={() => setCreating(false)} /> : null}
 */
export function CreateModelDialog({ onClose }: { onClose: () => void }) {
  const secrets = useGatewaySecrets();
  const create = useCreateModelDefinition();
  const [secretId, setSecretId] = useState('');
  const [provider, setProvider] = useState('');
  const [modelName, setModelName] = useState('');
  const [name, setName] = useState('');
  const chosen = secrets.data?.find((s) => s.secret_id === secretId) ?? secrets.data?.[0];
  const effectiveProvider = provider || chosen?.provider || GATEWAY_PROVIDERS[0]!.id;
  const valid = chosen !== undefined && modelName.trim() !== '';
  return (
    <Dialog open title="New model" onClose={onClose}>
      <form
        className="flex flex-col gap-3 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          if (!valid) return;
          const model = modelName.trim();
          create.mutate({ name: name.trim() || model, secret_id: chosen.secret_id, provider: effectiveProvider, model_name: model }, { onSuccess: onClose });
        }}
      >
        {secrets.error ? <ErrorBanner error={secrets.error} /> : null}
        {secrets.data?.length === 0 ? (
          <p className="rounded-md border border-dashed border-zinc-300 px-3 py-2 text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
            A model calls with an API key:{' '}
            <Link to="/gateway/secrets" className="text-indigo-600 hover:underline dark:text-indigo-400">
              add one first
            </Link>
            .
          </p>
        ) : null}
        <label className="flex flex-col gap-1">
          <span className="font-medium">API key</span>
          <select
            aria-label="API key"
            className={INPUT_CLASS}
            value={chosen?.secret_id ?? ''}
            onChange={(e) => {
              setSecretId(e.target.value);
              setProvider('');
            }}
          >
            {secrets.data?.map((s) => (
              <option key={s.secret_id} value={s.secret_id}>
                {s.secret_name} ({providerSpec(s.provider).label})
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="font-medium">Provider</span>
          <select aria-label="Model provider" className={INPUT_CLASS} value={effectiveProvider} onChange={(e) => setProvider(e.target.value)}>
            {[...GATEWAY_PROVIDERS, ...(GATEWAY_PROVIDERS.some((p) => p.id === effectiveProvider) ? [] : [providerSpec(effectiveProvider)])].map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="font-medium">Model</span>
          <TextInput
            aria-label="Provider model"
            placeholder={providerSpec(effectiveProvider).modelPlaceholder}
            value={modelName}
            onChange={(e) => setModelName(e.target.value)}
          />
        </label>
        <label className="flex flex-col gap-1">
          <span className="font-medium">
            Name <span className="font-normal text-zinc-500">(optional: the model&apos;s)</span>
          </span>
          <TextInput aria-label="Model name" placeholder={modelName.trim() || 'gpt-4o-mini'} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        {create.error ? <ErrorBanner error={create.error} title="Not created" /> : null}
        <DialogActions onCancel={onClose} submitLabel="Create model" pendingLabel="Creating…" pending={create.isPending} disabled={!valid} />
      </form>
    </Dialog>
  );
}

/**
 * "Delete model?"; the server refuses while an endpoint uses it, and the dialog shows why.
 *
 * @example
 * <DeleteModelDialog model={model} onClose={close} />
 */
export function DeleteModelDialog({ model, onClose }: { model: GatewayModelDefinition; onClose: () => void }) {
  const remove = useDeleteModelDefinition();
  return (
    <ConfirmDeleteDialog
      title="Delete model"
      confirmLabel="Delete model"
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() => remove.mutate(model.model_definition_id, { onSuccess: onClose })}
      onClose={onClose}
    >
      Delete <span className="font-semibold">{model.name}</span> ({model.provider}/{model.model_name})? Its API key stays.
    </ConfirmDeleteDialog>
  );
}
