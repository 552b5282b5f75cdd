import type { BudgetAction, BudgetDurationUnit, BudgetTargetScope, GatewayBudgetPolicy, GatewayEndpoint } from '@loupe/protocol';
import { useState } from 'react';
import { ConfirmDeleteDialog } from '../../../shared/components/confirm-delete-dialog';
import { Dialog } from '../../../shared/components/dialog';
import { DialogActions } from '../../../shared/components/dialog-actions';
import { ErrorBanner } from '../../../shared/components/feedback-states';
import { INPUT_CLASS, TextInput } from '../../../shared/components/text-input';
import { formatCost } from '../../../shared/lib/format';
import { useCreateBudget, useDeleteBudget, useUpdateBudget } from '../hooks/use-gateway-budgets';
import {
  BLANK_BUDGET,
  BUDGET_ACTION_OPTIONS,
  budgetFormValuesOf,
  budgetProblem,
  budgetRequest,
  DURATION_UNITS,
  formatBudgetWindow,
  TARGET_SCOPES,
  type BudgetFormValues,
} from '../lib/budgets';

/**
 * A budget's settings: the limit in USD, the window, what it counts (everything, an endpoint, a user)
 * and what happens past the limit. Creates one, or, given `policy`, changes it.
 *
 * @example
 * <BudgetDialog endpoints={endpoints} onClose={close} />
 */
export function BudgetDialog({ policy, endpoints, onClose }: { policy?: GatewayBudgetPolicy; endpoints: readonly GatewayEndpoint[]; onClose: () => void }) {
  const create = useCreateBudget();
  const update = useUpdateBudget();
  const write = policy ? update : create;
  const [v, setValues] = useState<BudgetFormValues>(policy ? budgetFormValuesOf(policy) : BLANK_BUDGET);
  const [tried, setTried] = useState(false);
  const set = (change: Partial<BudgetFormValues>) => setValues({ ...v, ...change });
  const problem = budgetProblem(v);
  const action = BUDGET_ACTION_OPTIONS.find((a) => a.value === v.action);
  return (
    <Dialog open title={policy ? 'Edit budget' : 'New budget'} onClose={onClose}>
      <form
        className="flex flex-col gap-3 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (problem) return;
          const body = budgetRequest(v);
          if (policy) update.mutate({ id: policy.budget_policy_id, body }, { onSuccess: onClose });
          else create.mutate(body, { onSuccess: onClose });
        }}
      >
        <label className="flex flex-col gap-1">
          <span className="font-medium">Limit (USD)</span>
          <TextInput
            aria-label="Limit in USD"
            type="number"
            min={0}
            step="any"
            placeholder="100"
            value={v.amount}
            onChange={(e) => set({ amount: e.target.value })}
          />
        </label>
        <fieldset className="flex flex-col gap-1">
          <legend className="mb-1 font-medium">Per</legend>
          <div className="flex gap-2">
            <TextInput
              aria-label="Window length"
              type="number"
              min={1}
              step={1}
              className="w-24"
              value={v.durationValue}
              onChange={(e) => set({ durationValue: e.target.value })}
            />
            <select
              aria-label="Window unit"
              className={`${INPUT_CLASS} flex-1`}
              value={v.durationUnit}
              onChange={(e) => set({ durationUnit: e.target.value as BudgetDurationUnit })}
            >
              {DURATION_UNITS.map((u) => (
                <option key={u.value} value={u.value}>
                  {u.many}
                </option>
              ))}
            </select>
          </div>
          <span className="text-xs text-zinc-500">Windows are fixed and aligned in UTC: a 1-day budget runs midnight to midnight UTC.</span>
        </fieldset>
        <label className="flex flex-col gap-1">
          <span className="font-medium">Applies to</span>
          <select
            aria-label="Applies to"
            className={INPUT_CLASS}
            value={v.scope}
            onChange={(e) => set({ scope: e.target.value as BudgetTargetScope, target: '' })}
          >
            {TARGET_SCOPES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        {v.scope === 'ENDPOINT' ? (
          <label className="flex flex-col gap-1">
            <span className="font-medium">Endpoint</span>
            <select aria-label="Budget endpoint" className={INPUT_CLASS} value={v.target} onChange={(e) => set({ target: e.target.value })}>
              <option value="">Choose an endpoint…</option>
              {endpoints.map((e) => (
                <option key={e.endpoint_id} value={e.endpoint_id}>
                  {e.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        {v.scope === 'USER' ? (
          <label className="flex flex-col gap-1">
            <span className="font-medium">User</span>
            <TextInput aria-label="Budget user" placeholder="alice" value={v.target} onChange={(e) => set({ target: e.target.value })} />
          </label>
        ) : null}
        <label className="flex flex-col gap-1">
          <span className="font-medium">Past the limit</span>
          <select aria-label="Past the limit" className={INPUT_CLASS} value={v.action} onChange={(e) => set({ action: e.target.value as BudgetAction })}>
            {BUDGET_ACTION_OPTIONS.map((a) => (
              <option key={a.value} value={a.value}>
                {a.label}
              </option>
            ))}
          </select>
          {action ? <span className="text-xs text-zinc-500">{action.hint}</span> : null}
        </label>
        {tried && problem ? <p className="text-xs text-red-600 dark:text-red-400">{problem}</p> : null}
        {write.error ? <ErrorBanner error={write.error} title="Not saved" /> : null}
        <DialogActions
          onCancel={onClose}
          submitLabel={policy ? 'Save changes' : 'Create budget'}
          pendingLabel={policy ? 'Saving…' : 'Creating…'}
          pending={write.isPending}
        />
      </form>
    </Dialog>
  );
}

/**
 * "Delete budget?": its limit and window, named.
 *
 * @example
 * <DeleteBudgetDialog policy={policy} target="Endpoint chat" onClose={close} />
 */
export function DeleteBudgetDialog({ policy, target, onClose }: { policy: GatewayBudgetPolicy; target: string; onClose: () => void }) {
  const remove = useDeleteBudget();
  return (
    <ConfirmDeleteDialog
      title="Delete budget"
      confirmLabel="Delete budget"
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() => remove.mutate(policy.budget_policy_id, { onSuccess: onClose })}
      onClose={onClose}
    >
      Delete the budget of <span className="font-semibold">{formatCost(policy.budget_amount)}</span> per {formatBudgetWindow(policy.duration)} ({target})? Calls
      stop counting against it.
    </ConfirmDeleteDialog>
  );
}
