import { BUDGET_ACTIONS, BUDGET_DURATION_UNITS, BUDGET_TARGET_SCOPES, type GatewayBudgetPolicy } from '@loupe/protocol';
import { describe, expect, it } from 'vitest';
import {
  BLANK_BUDGET,
  BUDGET_ACTION_OPTIONS,
  budgetFormValuesOf,
  budgetProblem,
  budgetRequest,
  budgetTargetLabel,
  budgetUse,
  DURATION_UNITS,
  formatBudgetWindow,
  TARGET_SCOPES,
  timeLeft,
} from './budgets';

const policy: GatewayBudgetPolicy = {
  budget_policy_id: 'bp-1',
  budget_unit: 'USD',
  budget_amount: 12.5,
  duration: { unit: 'HOURS', value: 6 },
  target_scope: 'ENDPOINT',
  target_value: 'e-1',
  budget_action: 'ALERT',
  created_at: 1,
  last_updated_at: 1,
};

describe('budgets', () => {
  it("offers every unit, scope and action of the protocol, in the protocol's order", () => {
    expect(DURATION_UNITS.map((u) => u.value)).toEqual([...BUDGET_DURATION_UNITS]);
    expect(TARGET_SCOPES.map((s) => s.value)).toEqual([...BUDGET_TARGET_SCOPES]);
    expect(BUDGET_ACTION_OPTIONS.map((a) => a.value).sort()).toEqual([...BUDGET_ACTIONS].sort());
  });

  it('words windows', () => {
    expect(formatBudgetWindow({ unit: 'DAYS', value: 1 })).toBe('1 day');
    expect(formatBudgetWindow({ unit: 'HOURS', value: 6 })).toBe('6 hours');
    expect(formatBudgetWindow({ unit: 'MONTHS', value: 3 })).toBe('3 months');
  });

  it('checks the form and sends a target only for the scopes that take one', () => {
    expect(budgetProblem(BLANK_BUDGET)).toMatch(/above \$0/);
    expect(budgetProblem({ ...BLANK_BUDGET, amount: '-1' })).toMatch(/above \$0/);
    expect(budgetProblem({ ...BLANK_BUDGET, amount: '5', durationValue: '1.5' })).toMatch(/whole number/);
    expect(budgetProblem({ ...BLANK_BUDGET, amount: '5', scope: 'ENDPOINT' })).toBe('Choose the endpoint.');
    expect(budgetProblem({ ...BLANK_BUDGET, amount: '5', scope: 'USER', target: ' ' })).toBe('Name the user.');
    expect(budgetProblem({ ...BLANK_BUDGET, amount: '5' })).toBeUndefined();
    expect(budgetRequest({ ...BLANK_BUDGET, amount: '5', target: 'left over' })).toEqual({
      budget_unit: 'USD',
      budget_amount: 5,
      duration: { unit: 'MONTHS', value: 1 },
      target_scope: 'GLOBAL',
      budget_action: 'REJECT',
    });
    expect(budgetRequest({ ...BLANK_BUDGET, amount: '5', scope: 'USER', target: ' alice ' }).target_value).toBe('alice');
  });

  it('starts the edit form from a policy, round trip included', () => {
    const values = budgetFormValuesOf(policy);
    expect(values).toEqual({ amount: '12.5', durationValue: '6', durationUnit: 'HOURS', scope: 'ENDPOINT', target: 'e-1', action: 'ALERT' });
    expect(budgetRequest(values)).toEqual({
      budget_unit: 'USD',
      budget_amount: 12.5,
      duration: { unit: 'HOURS', value: 6 },
      target_scope: 'ENDPOINT',
      target_value: 'e-1',
      budget_action: 'ALERT',
    });
  });

  it('measures spend against the limit', () => {
    expect(budgetUse(1, 5)).toEqual({ fraction: 0.2, level: 'ok' });
    expect(budgetUse(4.5, 5)).toEqual({ fraction: 0.9, level: 'near' });
    expect(budgetUse(7, 5)).toEqual({ fraction: 1, level: 'over' });
  });

  it('names what a policy counts, endpoints by name', () => {
    const names = new Map([['e-1', 'chat']]);
    expect(budgetTargetLabel(policy, names)).toBe('Endpoint chat');
    expect(budgetTargetLabel({ ...policy, target_value: 'e-gone' }, names)).toBe('Endpoint e-gone');
    expect(budgetTargetLabel({ ...policy, target_scope: 'USER', target_value: 'alice' }, names)).toBe('User alice');
    expect(budgetTargetLabel({ ...policy, target_scope: 'GLOBAL' }, names)).toBe('All endpoints');
  });

  it('says how long a window has left', () => {
    const end = Date.UTC(2026, 0, 2);
    expect(timeLeft(end, end - 30_000)).toBe('1m');
    expect(timeLeft(end, end - 5.5 * 3_600_000)).toBe('5h 30m');
    expect(timeLeft(end, end - 2 * 3_600_000)).toBe('2h');
    expect(timeLeft(end, end - 10 * 86_400_000)).toBe('10d');
    expect(timeLeft(end, end + 1)).toBe('0m');
  });
});
