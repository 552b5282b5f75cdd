import type { GatewayEndpoint, GatewayEndpointModelMapping } from '@loupe/protocol';
import { describe, expect, it } from 'vitest';
import {
  endpointFormValuesOf,
  endpointModelRoles,
  endpointProblem,
  endpointRequest,
  endpointUpdateRequest,
  fallbackSummary,
  modelLabel,
  routingSummary,
  type EndpointFormValues,
} from './endpoint-config';

const mapping = (id: string, linkage: 'PRIMARY' | 'FALLBACK', over: Partial<GatewayEndpointModelMapping> = {}): GatewayEndpointModelMapping => ({
  mapping_id: `m-${id}`,
  endpoint_id: 'e-1',
  model_definition_id: id,
  weight: 1,
  created_at: 1,
  linkage_type: linkage,
  ...over,
});

const endpoint = (mappings: GatewayEndpointModelMapping[], over: Partial<GatewayEndpoint> = {}): GatewayEndpoint => ({
  endpoint_id: 'e-1',
  name: 'chat',
  created_at: 1,
  last_updated_at: 1,
  model_mappings: mappings,
  usage_tracking: true,
  ...over,
});

const form = (over: Partial<EndpointFormValues> = {}): EndpointFormValues => ({
  name: 'chat',
  primary: [{ modelDefinitionId: 'd-1', weight: 1 }],
  fallback: [],
  usageTracking: true,
  ...over,
});

describe('endpoint config', () => {
  it('checks the form as the server would, naming the first problem', () => {
    expect(endpointProblem(form())).toBeUndefined();
    expect(endpointProblem(form({ name: ' ' }))).toBe('A name is required.');
    expect(endpointProblem(form({ name: 'my chat' }))).toMatch(/letters, digits/);
    expect(endpointProblem(form({ primary: [] }))).toBe('Choose at least one primary model.');
    expect(endpointProblem(form({ fallback: [{ modelDefinitionId: '', weight: 1 }] }))).toMatch(/every row/);
    expect(endpointProblem(form({ fallback: [{ modelDefinitionId: 'd-1', weight: 1 }] }))).toMatch(/once per endpoint/);
    expect(endpointProblem(form({ primary: [{ modelDefinitionId: 'd-1', weight: -1 }] }))).toMatch(/0 or more/);
    expect(
      endpointProblem(
        form({
          primary: [
            { modelDefinitionId: 'd-1', weight: 0 },
            { modelDefinitionId: 'd-2', weight: 0 },
          ],
        }),
      ),
    ).toMatch(/above 0/);
  });

  it('splits traffic over several primaries and falls back over every fallback in order', () => {
    expect(endpointRequest(form({ name: ' chat ' }))).toEqual({
      name: 'chat',
      model_configs: [{ model_definition_id: 'd-1', linkage_type: 'PRIMARY', weight: 1 }],
      usage_tracking: true,
    });
    const body = endpointRequest(
      form({
        primary: [
          { modelDefinitionId: 'd-1', weight: 3 },
          { modelDefinitionId: 'd-2', weight: 1 },
        ],
        fallback: [
          { modelDefinitionId: 'd-4', weight: 1 },
          { modelDefinitionId: 'd-3', weight: 1 },
        ],
        usageTracking: false,
      }),
    );
    expect(body).toEqual({
      name: 'chat',
      model_configs: [
        { model_definition_id: 'd-1', linkage_type: 'PRIMARY', weight: 3 },
        { model_definition_id: 'd-2', linkage_type: 'PRIMARY', weight: 1 },
        { model_definition_id: 'd-4', linkage_type: 'FALLBACK', weight: 1, fallback_order: 0 },
        { model_definition_id: 'd-3', linkage_type: 'FALLBACK', weight: 1, fallback_order: 1 },
      ],
      routing_strategy: 'REQUEST_BASED_TRAFFIC_SPLIT',
      fallback_config: { strategy: 'SEQUENTIAL', max_attempts: 2 },
      usage_tracking: false,
    });
  });

  it('starts the edit form from the endpoint and sends every model back, without the name', () => {
    const ep = endpoint([
      mapping('d-3', 'FALLBACK', { fallback_order: 5 }),
      mapping('d-1', 'PRIMARY', { weight: 2 }),
      mapping('d-2', 'FALLBACK', { fallback_order: 1 }),
    ]);
    const values = endpointFormValuesOf(ep);
    expect(values).toEqual({
      name: 'chat',
      primary: [{ modelDefinitionId: 'd-1', weight: 2 }],
      fallback: [
        { modelDefinitionId: 'd-2', weight: 1 },
        { modelDefinitionId: 'd-3', weight: 1 },
      ],
      usageTracking: true,
    });
    expect(endpointUpdateRequest(ep, { ...values, fallback: [], usageTracking: false })).toEqual({
      endpoint_id: 'e-1',
      model_configs: [{ model_definition_id: 'd-1', linkage_type: 'PRIMARY', weight: 2 }],
      usage_tracking: false,
    });
  });

  it('gives each model its share of traffic or its fallback turn, as the gateway routes', () => {
    const models = [
      mapping('a', 'PRIMARY', { weight: 3 }),
      mapping('b', 'PRIMARY', { weight: 1 }),
      mapping('f2', 'FALLBACK', { fallback_order: 2 }),
      mapping('f1', 'FALLBACK', { fallback_order: 1 }),
    ];
    const split = endpoint(models, { routing_strategy: 'REQUEST_BASED_TRAFFIC_SPLIT', fallback_config: { strategy: 'SEQUENTIAL', max_attempts: 1 } });
    expect(endpointModelRoles(split).map((r) => [r.mapping.model_definition_id, r.share ?? r.turn ?? null])).toEqual([
      ['a', 0.75],
      ['b', 0.25],
      ['f1', 1],
      ['f2', null],
    ]);
    expect(routingSummary(split)).toBe('Traffic split by weight');
    expect(fallbackSummary(split)).toBe('Sequential, up to 1 attempt');
    // Without the split only the first primary answers.
    const first = endpoint(models);
    expect(endpointModelRoles(first).map((r) => r.share ?? r.turn)).toEqual([1, 0, 1, 2]);
    expect(routingSummary(first)).toBe('First primary model');
    expect(fallbackSummary(first)).toBe('Sequential, up to 2 attempts');
    expect(fallbackSummary(endpoint([mapping('a', 'PRIMARY')]))).toBeUndefined();
  });

  it('labels a model by provider and name when its definition came with it', () => {
    const d = { model_definition_id: 'd-1', name: 'gpt', provider: 'openai', model_name: 'gpt-4o-mini', created_at: 1, last_updated_at: 1 };
    expect(modelLabel(mapping('d-1', 'PRIMARY', { model_definition: d }))).toBe('openai/gpt-4o-mini');
    expect(modelLabel(mapping('d-1', 'PRIMARY'))).toBe('d-1');
  });
});
