import type { WebhookStatus } from '@loupe/protocol';
import { useState } from 'react';
import { ErrorBanner } from '../../../shared/components/feedback-states';
import { INPUT_CLASS, TextInput } from '../../../shared/components/text-input';
import { DialogActions } from '../../../shared/components/dialog-actions';
import { ALL_EVENTS, eventName, type WebhookFormValues } from '../lib/webhook-events';

/** A new webhook's settings before anything is typed. */
const BLANK: WebhookFormValues = { name: '', url: '', description: '', secret: '', events: [], status: 'ACTIVE' };

/**
 * A webhook's settings (name, URL, description, signing secret, events, status), for creating one or,
 * given `initial`, editing it. The secret is never shown: when editing, a blank one keeps the current
 * secret. `onSubmit` gets the trimmed values.
 *
 * @example
 * <WebhookForm submitLabel="Create webhook" pendingLabel="Creating…" pending={create.isPending} error={create.error}
 *   errorTitle="Not created" onSubmit={(v) => create.mutate(v)} onCancel={close} />
 */
export function WebhookForm({
  initial,
  submitLabel,
  pendingLabel,
  pending,
  error,
  errorTitle,
  onSubmit,
  onCancel,
}: {
  initial?: WebhookFormValues;
  submitLabel: string;
  pendingLabel: string;
  pending: boolean;
  error: unknown;
  errorTitle: string;
  onSubmit: (values: WebhookFormValues) => void;
  onCancel: () => void;
}) {
  const editing = initial !== undefined;
  const [values, setValues] = useState<WebhookFormValues>(initial ?? BLANK);
  const set = (change: Partial<WebhookFormValues>) => setValues({ ...values, ...change });
  const chosen = new Set(values.events.map(eventName));
  const valid = values.name.trim() && values.url.trim() && chosen.size > 0;
  return (
    <form
      className="flex w-[32rem] max-w-full flex-col gap-3 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        if (!valid) return;
        onSubmit({ ...values, name: values.name.trim(), url: values.url.trim(), description: values.description.trim() });
      }}
    >
      <label className="flex flex-col gap-1">
        <span className="font-medium">Name</span>
        <TextInput aria-label="Webhook name" value={values.name} onChange={(e) => set({ name: e.target.value })} />
      </label>
      <label className="flex flex-col gap-1">
        <span className="font-medium">URL</span>
        <TextInput aria-label="Webhook URL" placeholder="https://example.com/hooks/mlflow" value={values.url} onChange={(e) => set({ url: e.target.value })} />
      </label>
      <label className="flex flex-col gap-1">
        <span className="font-medium">Description</span>
        <TextInput aria-label="Webhook description" value={values.description} onChange={(e) => set({ description: e.target.value })} />
        {editing && initial.description && !values.description.trim() ? (
          <span className="text-xs text-zinc-500">MLflow&apos;s update ignores an empty description: the current one stays.</span>
        ) : null}
      </label>
      <label className="flex flex-col gap-1">
        <span className="font-medium">
          {editing ? 'New signing secret (blank keeps the current one; never shown)' : 'Signing secret (optional; never shown again)'}
        </span>
        <TextInput
          aria-label="Webhook secret"
          type="password"
          autoComplete="new-password"
          value={values.secret}
          onChange={(e) => set({ secret: e.target.value })}
        />
      </label>
      <label className="flex flex-col gap-1">
        <span className="font-medium">Status</span>
        <select aria-label="Webhook status" className={INPUT_CLASS} value={values.status} onChange={(e) => set({ status: e.target.value as WebhookStatus })}>
          <option value="ACTIVE">Active: deliver events</option>
          <option value="DISABLED">Disabled: deliver nothing</option>
        </select>
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
                  checked={chosen.has(key)}
                  onChange={(e) => {
                    const next = new Set(chosen);
                    if (e.target.checked) next.add(key);
                    else next.delete(key);
                    set({ events: ALL_EVENTS.filter((x) => next.has(eventName(x))) });
                  }}
                />
                {key}
              </label>
            );
          })}
        </div>
      </fieldset>
      {error ? <ErrorBanner error={error} title={errorTitle} /> : null}
      <DialogActions onCancel={onCancel} submitLabel={submitLabel} pendingLabel={pendingLabel} pending={pending} disabled={!valid} />
    </form>
  );
}
