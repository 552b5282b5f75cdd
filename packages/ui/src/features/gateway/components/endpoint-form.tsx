import type { GatewayModelDefinition } from '@loupe/protocol';
import { useState } from 'react';
import { Link } from 'react-router';
import { Button } from '../../../shared/components/button';
import { DialogActions } from '../../../shared/components/dialog-actions';
import { ErrorBanner } from '../../../shared/components/feedback-states';
import { INPUT_CLASS, TextInput } from '../../../shared/components/text-input';
import { endpointProblem, type EndpointFormValues, type EndpointModelRow } from '../lib/endpoint-config';

const BLANK: EndpointFormValues = { name: '', primary: [{ modelDefinitionId: '', weight: 1 }], fallback: [], usageTracking: true };

/** One list of model rows (primary or fallback): a model each, a weight for shared primaries, remove. */
function ModelRows({
  kind,
  rows,
  models,
  showWeights,
  onChange,
}: {
  kind: 'Primary' | 'Fallback';
  rows: EndpointModelRow[];
  models: readonly GatewayModelDefinition[];
  showWeights: boolean;
  onChange: (rows: EndpointModelRow[]) => void;
}) {
  const set = (i: number, change: Partial<EndpointModelRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...change } : r)));
  return (
    <fieldset className="flex flex-col gap-1.5">
      <legend className="mb-1 font-medium">{kind === 'Primary' ? 'Primary models' : 'Fallback models'}</legend>
      <p className="text-xs text-zinc-500">
        {kind === 'Primary'
          ? 'Answer every call; several share the calls by weight.'
          : 'Tried in this order when the primary answer fails (errors, rate limits, timeouts).'}
      </p>
      {rows.map((row, i) => (
        <div key={i} className="flex items-center gap-2">
          {kind === 'Fallback' ? <span className="w-4 text-right text-xs text-zinc-500 tabular-nums">{i + 1}</span> : null}
          <select
            aria-label={`${kind} model ${i + 1}`}
            className={`${INPUT_CLASS} min-w-0 flex-1`}
            value={row.modelDefinitionId}
            onChange={(e) => set(i, { modelDefinitionId: e.target.value })}
          >
            <option value="">Choose a model…</option>
            {models.map((m) => (
              <option key={m.model_definition_id} value={m.model_definition_id}>
                {m.name} · {m.provider}/{m.model_name}
              </option>
            ))}
          </select>
          {showWeights ? (
            <TextInput
              aria-label={`${kind} model ${i + 1} weight`}
              title="Weight"
              type="number"
              min={0}
              step="any"
              className="w-20"
              value={String(row.weight)}
              onChange={(e) => set(i, { weight: e.target.value === '' ? NaN : Number(e.target.value) })}
            />
          ) : null}
          <Button size="sm" variant="ghost" aria-label={`Remove ${kind.toLowerCase()} model ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            Remove
          </Button>
        </div>
      ))}
      <div>
        <Button size="sm" onClick={() => onChange([...rows, { modelDefinitionId: '', weight: 1 }])}>
          Add {kind.toLowerCase()} model
        </Button>
      </div>
    </fieldset>
  );
}

/**
 * An endpoint's settings: its name (when creating), primary models with weights, fallback models in
 * order, and usage tracking. Given `initial`, it edits an endpoint (the name stays). `onSubmit` gets
 * the values once `endpointProblem` finds nothing; the server checks them again.
 *
 * @example
 * <EndpointForm models={models} submitLabel="Create endpoint" pendingLabel="Creating…" pending={create.isPending}
 *   error={create.error} errorTitle="Not created" onSubmit={(v) => create.mutate(endpointRequest(v))} onCancel={close} />
 */
export function EndpointForm({
  initial,
  models,
  submitLabel,
  pendingLabel,
  pending,
  error,
  errorTitle,
  onSubmit,
  onCancel,
}: {
  initial?: EndpointFormValues;
  models: readonly GatewayModelDefinition[];
  submitLabel: string;
  pendingLabel: string;
  pending: boolean;
  error: unknown;
  errorTitle: string;
  onSubmit: (values: EndpointFormValues) => void;
  onCancel: () => void;
}) {
  const editing = initial !== undefined;
  const [v, setValues] = useState<EndpointFormValues>(initial ?? BLANK);
  const [tried, setTried] = useState(false);
  const problem = endpointProblem(v);
  const name = v.name.trim() || '<name>';
  return (
    <form
      className="flex flex-col gap-4 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (!problem) onSubmit(v);
      }}
    >
      {editing ? null : (
        <label className="flex flex-col gap-1">
          <span className="font-medium">Name</span>
          <TextInput aria-label="Endpoint name" placeholder="chat" value={v.name} onChange={(e) => setValues({ ...v, name: e.target.value })} />
          <span className="text-xs text-zinc-500">Clients call it as the model: letters, digits, _, - and . only.</span>
        </label>
      )}
      {models.length === 0 ? (
        <p className="rounded-md border border-dashed border-zinc-300 px-3 py-2 text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
          An endpoint routes to models:{' '}
          <Link to="/gateway/models" className="text-indigo-600 hover:underline dark:text-indigo-400">
            add a model first
          </Link>
          .
        </p>
      ) : null}
      <ModelRows kind="Primary" rows={v.primary} models={models} showWeights={v.primary.length > 1} onChange={(primary) => setValues({ ...v, primary })} />
      <ModelRows kind="Fallback" rows={v.fallback} models={models} showWeights={false} onChange={(fallback) => setValues({ ...v, fallback })} />
      <label className="flex items-start gap-2">
        <input type="checkbox" className="mt-0.5" checked={v.usageTracking} onChange={(e) => setValues({ ...v, usageTracking: e.target.checked })} />
        <span>
          <span className="font-medium">Track usage</span>
          <span className="block text-xs text-zinc-500">
            Trace every call (tokens, cost, latency) into the experiment <span className="font-mono">gateway/{name}</span>.
          </span>
        </span>
      </label>
      {tried && problem ? <p className="text-xs text-red-600 dark:text-red-400">{problem}</p> : null}
      {error ? <ErrorBanner error={error} title={errorTitle} /> : null}
      <DialogActions onCancel={onCancel} submitLabel={submitLabel} pendingLabel={pendingLabel} pending={pending} />
    </form>
  );
}
