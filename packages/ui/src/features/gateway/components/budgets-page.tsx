import type { GatewayBudgetPolicy, GatewayBudgetWindow } from '@loupe/protocol';
import { useMemo, useState } from 'react';
import { Button } from '../../../shared/components/button';
import { EmptyState } from '../../../shared/components/feedback-states';
import { LIST_ROW, ListTable } from '../../../shared/components/list-table';
import { formatCost, formatTimestamp } from '../../../shared/lib/format';
import { useGatewayEndpoints } from '../hooks/use-gateway-endpoints';
import { useBudgetPolicies, useBudgetWindows } from '../hooks/use-gateway-budgets';
import { BUDGET_ACTION_OPTIONS, budgetTargetLabel, budgetUse, formatBudgetWindow, timeLeft } from '../lib/budgets';
import { BudgetDialog, DeleteBudgetDialog } from './budget-dialogs';
import { GatewayToolbar } from './gateway-layout';

const COLUMNS = [{ label: 'Limit' }, { label: 'Applies to' }, { label: 'Past the limit' }, { label: 'Spent this window' }, { label: 'Actions', srOnly: true }];

const BAR: Record<'ok' | 'near' | 'over', string> = { ok: 'bg-emerald-500', near: 'bg-amber-500', over: 'bg-red-500' };

/** A budget's spend in its current window: a bar, the amounts, and when the window resets. */
function SpendCell({ policy, window }: { policy: GatewayBudgetPolicy; window: GatewayBudgetWindow | undefined }) {
  if (!window) return <span className="text-zinc-500">—</span>;
  const spend = window.current_spend ?? 0;
  const use = budgetUse(spend, policy.budget_amount);
  return (
    <div className="flex min-w-56 flex-col gap-1">
      <div
        role="progressbar"
        aria-label="Budget spent"
        aria-valuemin={0}
        aria-valuemax={policy.budget_amount}
        aria-valuenow={spend}
        className="h-2 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
      >
        <div className={`h-full ${BAR[use.level]}`} style={{ width: `${use.fraction * 100}%` }} />
      </div>
      <div className="flex gap-2 text-xs text-zinc-600 tabular-nums dark:text-zinc-400">
        <span>
          {formatCost(spend)} of {formatCost(policy.budget_amount)}
        </span>
        <span className="ml-auto" title={`${formatTimestamp(window.window_start_ms)} – ${formatTimestamp(window.window_end_ms)}`}>
          resets in {timeLeft(window.window_end_ms, Date.now())}
        </span>
      </div>
    </div>
  );
}

type Open = { kind: 'create' } | { kind: 'edit' | 'delete'; policy: GatewayBudgetPolicy } | undefined;

/**
 * Budget policies: each limit per window, what it counts, what happens past it, and what was spent
 * in the current window (read again every few seconds); create, edit and delete here.
 *
 * @example
 * { path: '/gateway/budgets', element: <BudgetsPage /> }
 */
export function BudgetsPage() {
  const budgets = useBudgetPolicies();
  const windows = useBudgetWindows();
  const endpoints = useGatewayEndpoints();
  const [open, setOpen] = useState<Open>();
  const names = useMemo(() => new Map((endpoints.data ?? []).map((e) => [e.endpoint_id, e.name])), [endpoints.data]);
  return (
    <>
      <GatewayToolbar hint="Spending limits in USD, counted from the cost of every gateway call, per fixed window.">
        <Button variant="primary" onClick={() => setOpen({ kind: 'create' })}>
          New budget
        </Button>
      </GatewayToolbar>
      <ListTable
        label="Budgets"
        columns={COLUMNS}
        query={budgets}
        loadingLabel="Loading budgets"
        isEmpty={budgets.data?.length === 0}
        empty={<EmptyState title="No budgets yet" hint="A budget refuses calls, or alerts, once the spend in its window reaches its limit." />}
      >
        {budgets.data?.map((p) => {
          const target = budgetTargetLabel(p, names);
          return (
            <tr key={p.budget_policy_id} className={LIST_ROW}>
              <td className="px-4 py-2.5">
                <span className="font-medium tabular-nums">{formatCost(p.budget_amount)}</span>
                <span className="text-zinc-500"> per {formatBudgetWindow(p.duration)}</span>
              </td>
              <td className="px-4 py-2.5">{target}</td>
              <td className="px-4 py-2.5">{BUDGET_ACTION_OPTIONS.find((a) => a.value === p.budget_action)?.label ?? p.budget_action}</td>
              <td className="px-4 py-2.5">
                <SpendCell policy={p} window={windows.data?.get(p.budget_policy_id)} />
              </td>
              <td className="px-4 py-2.5">
                <div className="flex justify-end gap-1.5">
                  <Button size="sm" aria-label={`Edit budget ${formatCost(p.budget_amount)} ${target}`} onClick={() => setOpen({ kind: 'edit', policy: p })}>
                    Edit
                  </Button>
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Delete budget ${formatCost(p.budget_amount)} ${target}`}
                    onClick={() => setOpen({ kind: 'delete', policy: p })}
                  >
                    Delete
                  </Button>
                </div>
              </td>
            </tr>
          );
        })}
      </ListTable>
      {open?.kind === 'create' || open?.kind === 'edit' ? (
        <BudgetDialog policy={open.kind === 'edit' ? open.policy : undefined} endpoints={endpoints.data ?? []} onClose={() => setOpen(undefined)} />
      ) : null}
      {open?.kind === 'delete' ? (
        <DeleteBudgetDialog policy={open.policy} target={budgetTargetLabel(open.policy, names)} onClose={() => setOpen(undefined)} />
      ) : null}
    </>
  );
}
