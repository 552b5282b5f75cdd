import type { Webhook } from '@loupe/protocol';
import { describe, expect, it } from 'vitest';
import { ALL_EVENTS, eventName, formValuesOf, webhookChanges } from './webhook-events';

const hook: Webhook = {
  webhook_id: 'wh-1',
  name: 'ci',
  description: 'Deploys',
  url: 'https://ci.example.com/hook',
  events: [
    { entity: 'MODEL_VERSION', action: 'CREATED' },
    { entity: 'PROMPT_ALIAS', action: 'CREATED' },
  ],
  status: 'ACTIVE',
  creation_timestamp: 1,
  last_updated_timestamp: 1,
};

describe('webhook events', () => {
  it('names events as payloads do and lists every valid pair', () => {
    expect(eventName({ entity: 'MODEL_VERSION_ALIAS', action: 'DELETED' })).toBe('model_version_alias.deleted');
    // MLflow's 15 (budget_policy.exceeded included) and Loupe's monitor.alerted / monitor.resolved.
    expect(ALL_EVENTS).toHaveLength(17);
    expect(ALL_EVENTS.map(eventName)).not.toContain('registered_model.deleted');
    expect(ALL_EVENTS.map(eventName)).toEqual(expect.arrayContaining(['monitor.alerted', 'monitor.resolved']));
  });
});

describe('webhookChanges', () => {
  it('sends nothing for an untouched form', () => {
    expect(webhookChanges(hook, formValuesOf(hook))).toEqual({});
  });

  it('sends only what changed, the secret only when typed, and events whatever their order', () => {
    const reordered = { ...formValuesOf(hook), events: [...hook.events].reverse() };
    expect(webhookChanges(hook, reordered)).toEqual({});
    expect(webhookChanges(hook, { ...formValuesOf(hook), status: 'DISABLED', secret: 's3cret', url: 'https://other.example.com' })).toEqual({
      status: 'DISABLED',
      secret: 's3cret',
      url: 'https://other.example.com',
    });
    expect(webhookChanges(hook, { ...formValuesOf(hook), events: [{ entity: 'PROMPT', action: 'CREATED' }] })).toEqual({
      events: [{ entity: 'PROMPT', action: 'CREATED' }],
    });
  });

  it('leaves out a cleared description, which MLflow would ignore anyway', () => {
    expect(webhookChanges(hook, { ...formValuesOf(hook), description: '' })).toEqual({});
    expect(webhookChanges({ ...hook, description: undefined }, { ...formValuesOf(hook), description: 'new' })).toEqual({ description: 'new' });
  });
});
