import type { BudgetAction, BudgetDurationUnit, BudgetTargetScope, GatewayBudgetPolicy } from '@loupe/protocol';

/**
 * Budget policies as the budgets page shows and edits them: a limit in USD per fixed window (the
 * server aligns windows to the epoch in UTC), over everything, one endpoint or one user, that either
 * refuses calls past the limit or only alerts (a `budget_policy.exceeded` webhook event).
 */

/**
 * Window units, in the form's order (every `BudgetDurationUnit`).
 *
 * @example
 * DURATION_UNITS.map((u) => u.value); // ['MINUTES', 'HOURS', 'DAYS', 'WEEKS', 'MONTHS']
 */
export const DURATION_UNITS = [
  { value: 'MINUTES', one: 'minute', many: 'minutes' },
  { value: 'HOURS', one: 'hour', many: 'hours' },
  { value: 'DAYS', one: 'day', many: 'days' },
  { value: 'WEEKS', one: 'week', many: 'weeks' },
  { value: 'MONTHS', one: 'month', many: 'months' },
] as const satisfies readonly { value: BudgetDurationUnit; one: string; many: string }[];

/**
 * What a budget counts, in the form's words (every `BudgetTargetScope`; one server is one workspace).
 *
 * @example
 * TARGET_SCOPES.find((s) => s.value === 'ENDPOINT')?.label; // 'One endpoint'
 */
export const TARGET_SCOPES = [
  { value: 'GLOBAL', label: 'All endpoints' },
  { value: 'WORKSPACE', label: 'This workspace' },
  { value: 'ENDPOINT', label: 'One endpoint' },
  { value: 'USER', label: 'One user' },
] as const satisfies readonly { value: BudgetTargetScope; label: string }[];

/**
 * What happens past the limit (every `BudgetAction`).
 *
 * @example
 * BUDGET_ACTION_OPTIONS[0].label; // 'Reject calls'
 */
export const BUDGET_ACTION_OPTIONS = [
  { value: 'REJECT', label: 'Reject calls', hint: 'Calls past the limit are refused (HTTP 429) until the window ends.' },
  { value: 'ALERT', label: 'Alert only', hint: 'Calls go on; a budget_policy.exceeded webhook event is sent once per window.' },
] as const satisfies readonly { value: BudgetAction; label: string; hint: string }[];

/**
 * A window length in words.
 *
 * @example
 * formatBudgetWindow({ unit: 'DAYS', value: 1 }); // '1 day'
 * formatBudgetWindow({ unit: 'HOURS', value: 6 }); // '6 hours'
 */
export function formatBudgetWindow(duration: { unit: BudgetDurationUnit; value: number }): string {
  const unit = DURATION_UNITS.find((u) => u.value === duration.unit);
  const word = unit ? (duration.value === 1 ? unit.one : unit.many) : duration.unit.toLowerCase();
  return `${duration.value} ${word}`;
}

/** What the budget form holds (numbers as typed). */
export interface BudgetFormValues {
  amount: string;
  durationValue: string;
  durationUnit: BudgetDurationUnit;
  scope: BudgetTargetScope;
  /** The endpoint id (ENDPOINT) or user name (USER); ignored for the other scopes. */
  target: string;
  action: BudgetAction;
}

/** A new budget before anything is typed: a monthly limit over every endpoint, refusing calls past it. */
export const BLANK_BUDGET: BudgetFormValues = { amount: '', durationValue: '1', durationUnit: 'MONTHS', scope: 'GLOBAL', target: '', action: 'REJECT' };

/** The fields of `CreateGatewayBudgetPolicy` and `UpdateGatewayBudgetPolicy` the form sets. */
export interface BudgetBody {
  budget_unit: 'USD';
  budget_amount: number;
  duration: { unit: BudgetDurationUnit; value: number };
  target_scope: BudgetTargetScope;
  target_value?: string;
  budget_action: BudgetAction;
}

const needsTarget = (scope: BudgetTargetScope) => scope === 'ENDPOINT' || scope === 'USER';

/**
 * Why the budget form cannot be sent yet, or undefined when it can (the server checks again).
 *
 * @example
 * budgetProblem({ ...BLANK_BUDGET, amount: '0' }); // 'The limit is an amount above $0.'
 */
export function budgetProblem(v: BudgetFormValues): string | undefined {
  const amount = Number(v.amount);
  if (v.amount.trim() === '' || !Number.isFinite(amount) || amount <= 0) return 'The limit is an amount above $0.';
  const length = Number(v.durationValue);
  if (!Number.isInteger(length) || length < 1 || length > 1_000_000) return 'The window is a whole number of units, 1 to 1000000.';
  if (v.scope === 'ENDPOINT' && !v.target) return 'Choose the endpoint.';
  if (v.scope === 'USER' && !v.target.trim()) return 'Name the user.';
  return undefined;
}

/**
 * The request fields of the form (once {@link budgetProblem} finds nothing).
 *
 * @example
 * budgetRequest({ ...BLANK_BUDGET, amount: '25', scope: 'ENDPOINT', target: 'e-1' });
 * // { budget_unit: 'USD', budget_amount: 25, duration: { unit: 'MONTHS', value: 1 }, target_scope: 'ENDPOINT', target_value: 'e-1', budget_action: 'REJECT' }
 */
export function budgetRequest(v: BudgetFormValues): BudgetBody {
  return {
    budget_unit: 'USD',
    budget_amount: Number(v.amount),
    duration: { unit: v.durationUnit, value: Number(v.durationValue) },
    target_scope: v.scope,
    ...(needsTarget(v.scope) ? { target_value: v.target.trim() } : {}),
    budget_action: v.action,
  };
}

/**
 * A policy as the edit form starts it.
 *
 * @example
 * const [values, setValues] = useState(budgetFormValuesOf(policy));
 */
export function budgetFormValuesOf(p: GatewayBudgetPolicy): BudgetFormValues {
  return {
    amount: String(p.budget_amount),
    durationValue: String(p.duration.value),
    durationUnit: p.duration.unit,
    scope: p.target_scope,
    target: p.target_value ?? '',
    action: p.budget_action,
  };
}

/** How far into its limit a budget's window is. */
export interface BudgetUse {
  /** Spend over limit, 0..1 (held at 1 past the limit), for a bar. */
  fraction: number;
  /** `over`: the limit is reached; `near`: 80% of it. */
  level: 'ok' | 'near' | 'over';
}

/**
 * A budget's use of its limit in the current window.
 *
 * @example
 * budgetUse(4.5, 5); // { fraction: 0.9, level: 'near' }
 */
export function budgetUse(spend: number, limit: number): BudgetUse {
  const raw = limit > 0 ? spend / limit : 1;
  return { fraction: Math.min(1, Math.max(0, raw)), level: raw >= 1 ? 'over' : raw >= 0.8 ? 'near' : 'ok' };
}

/**
 * What a policy counts, for the list: the endpoint's name (by its id) or the user.
 *
 * @example
 * budgetTargetLabel({ ...policy, target_scope: 'ENDPOINT', target_value: 'e-1' }, new Map([['e-1', 'chat']])); // 'Endpoint chat'
 */
export function budgetTargetLabel(p: GatewayBudgetPolicy, endpointNames: ReadonlyMap<string, string>): string {
  switch (p.target_scope) {
    case 'ENDPOINT':
      return `Endpoint ${endpointNames.get(p.target_value ?? '') ?? p.target_value ?? '—'}`;
    case 'USER':
      return `User ${p.target_value ?? '—'}`;
    case 'WORKSPACE':
      return 'This workspace';
    default:
      return 'All endpoints';
  }
}

/**
 * How long until a window ends, for "resets in …".
 *
 * @example
 * timeLeft(Date.UTC(2026, 0, 2), Date.UTC(2026, 0, 1, 18, 30)); // '5h 30m'
 */
export function timeLeft(endMs: number, now: number): string {
  const minutes = Math.max(0, Math.ceil((endMs - now) / 60_000));
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours}h ${minutes % 60}m` : `${hours}h`;
  return `${Math.round(hours / 24)}d`;
}
