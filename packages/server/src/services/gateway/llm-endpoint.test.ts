import { describe, expect, it } from 'vitest';
import type { ResolvedEndpoint, ResolvedModel } from './gateway-commands.js';
import { toLlmEndpoint } from './llm-endpoint.js';

function model(provider: string, modelName: string, over: Partial<ResolvedModel> = {}, authConfig: Record<string, string> = {}): ResolvedModel {
  return {
    mappingId: `m-${modelName}`,
    linkageType: 'PRIMARY',
    weight: 1,
    modelDefinition: { modelDefinitionId: `d-${modelName}`, name: modelName, secretId: 's-1', provider, modelName, createdAt: 0, lastUpdatedAt: 0 },
    secret: { secretId: 's-1', secretName: provider, value: { api_key: `key-${provider}` }, authConfig },
    ...over,
  };
}

const endpoint = (models: ResolvedModel[], over: Partial<ResolvedEndpoint> = {}): ResolvedEndpoint => ({
  endpointId: 'e-1',
  name: 'chat',
  usageTracking: true,
  models,
  ...over,
});

describe('toLlmEndpoint', () => {
  it("maps secrets to credentials and MLflow's auth_config names to the engine's", () => {
    const { endpoint: converted } = toLlmEndpoint(
      endpoint([
        model('bedrock', 'anthropic.claude', {}, { aws_region_name: 'eu-west-1', api_base: 'http://bedrock.local' }),
        model('anthropic', 'claude', { linkageType: 'FALLBACK', fallbackOrder: 1 }, { version: '2023-06-01' }),
      ]),
    );
    expect(converted.models).toEqual([
      {
        provider: 'bedrock',
        modelName: 'anthropic.claude',
        credentials: { api_key: 'key-bedrock' },
        authConfig: { aws_region_name: 'eu-west-1', aws_region: 'eu-west-1', api_base: 'http://bedrock.local' },
        baseUrl: 'http://bedrock.local',
        linkage: 'PRIMARY',
        weight: 1,
      },
      {
        provider: 'anthropic',
        modelName: 'claude',
        credentials: { api_key: 'key-anthropic' },
        authConfig: { version: '2023-06-01', anthropic_version: '2023-06-01' },
        linkage: 'FALLBACK',
        weight: 1,
        fallbackOrder: 1,
      },
    ]);
  });

  it('keeps only the first PRIMARY model unless traffic is split, and at most max_attempts fallbacks in order', () => {
    const models = [
      model('openai', 'a'),
      model('openai', 'b'),
      model('openai', 'f2', { linkageType: 'FALLBACK', fallbackOrder: 2 }),
      model('openai', 'f1', { linkageType: 'FALLBACK', fallbackOrder: 1 }),
      model('openai', 'f3', { linkageType: 'FALLBACK', fallbackOrder: 3 }),
    ];
    const names = (e: ResolvedEndpoint) => toLlmEndpoint(e).endpoint.models.map((m) => m.modelName);
    expect(names(endpoint(models))).toEqual(['a', 'f1', 'f2', 'f3']);
    expect(names(endpoint(models, { routingStrategy: 'REQUEST_BASED_TRAFFIC_SPLIT' }))).toEqual(['a', 'b', 'f1', 'f2', 'f3']);
    expect(names(endpoint(models, { fallbackConfig: { maxAttempts: 2, modelDefinitionIds: [] } }))).toEqual(['a', 'f1', 'f2']);
  });

  it('leaves out models of providers the engine cannot call, naming them', () => {
    const { endpoint: converted, unsupported } = toLlmEndpoint(endpoint([model('mistral', 'mistral-large'), model('openai', 'gpt-4o')]));
    expect(converted.models.map((m) => m.modelName)).toEqual(['gpt-4o']);
    expect(unsupported).toEqual(['mistral/mistral-large']);
  });

  it('calls a model whose secret was deleted without credentials', () => {
    const { endpoint: converted } = toLlmEndpoint(endpoint([{ ...model('openai', 'gpt-4o'), secret: undefined }]));
    expect(converted.models[0]).toMatchObject({ credentials: {}, authConfig: {} });
  });
});
