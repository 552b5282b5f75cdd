import type { GatewaySecretInfo } from '@loupe/protocol';
import { describe, expect, it } from 'vitest';
import { maskedSummary, providerSpec, rotatedValue, rotationFields, secretProblem, secretRequest } from './providers';

const secret = (over: Partial<GatewaySecretInfo>): GatewaySecretInfo => ({ secret_id: 's-1', secret_name: 'key', created_at: 1, last_updated_at: 1, ...over });

describe('gateway providers', () => {
  it('asks for each required field of the provider, then sends only its typed fields', () => {
    const v = { name: ' aws ', provider: 'bedrock', values: { aws_access_key_id: 'AKIA1' }, config: {} };
    expect(secretProblem({ ...v, name: ' ' })).toBe('A name is required.');
    expect(secretProblem(v)).toBe('Secret access key is required.');
    const complete = {
      ...v,
      values: { ...v.values, aws_secret_access_key: 'shh', api_key: 'not bedrock' },
      config: { aws_region_name: ' eu-west-1 ', api_base: '' },
    };
    expect(secretProblem(complete)).toBeUndefined();
    expect(secretRequest(complete)).toEqual({
      secret_name: 'aws',
      provider: 'bedrock',
      secret_value: { aws_access_key_id: 'AKIA1', aws_secret_access_key: 'shh' },
      auth_config: { aws_region_name: 'eu-west-1' },
    });
    expect(secretRequest({ name: 'oa', provider: 'openai', values: { api_key: 'sk-1' }, config: { api_base: ' ' } })).toEqual({
      secret_name: 'oa',
      provider: 'openai',
      secret_value: { api_key: 'sk-1' },
    });
  });

  it('rotates with the provider fields, or with the keys an unknown provider shows masked', () => {
    expect(rotationFields(secret({ provider: 'anthropic', masked_values: { other: 'x' } })).map((f) => f.key)).toEqual(['api_key']);
    const custom = secret({ provider: 'mistral', masked_values: { token: 'ab...cd', org: 'o...1' } });
    expect(rotationFields(custom).map((f) => f.key)).toEqual(['token', 'org']);
    expect(rotatedValue(custom, { token: 'new' })).toBeUndefined();
    expect(rotatedValue(custom, { token: ' new ', org: 'o2' })).toEqual({ token: 'new', org: 'o2' });
    expect(rotatedValue(secret({ provider: 'bedrock' }), { aws_access_key_id: 'a', aws_secret_access_key: 'b', aws_session_token: '' })).toEqual({
      aws_access_key_id: 'a',
      aws_secret_access_key: 'b',
    });
    expect(rotationFields(secret({})).map((f) => f.key)).toEqual(['api_key']);
  });

  it('names unknown providers by their id and summarises masked values', () => {
    expect(providerSpec('openai').label).toBe('OpenAI');
    expect(providerSpec('mistral')).toMatchObject({ label: 'mistral', secretFields: [{ key: 'api_key' }] });
    expect(maskedSummary({ api_key: 'sk-...wxyz' })).toBe('sk-...wxyz');
    expect(maskedSummary({ a: '1...2', b: '3...4' })).toBe('a 1...2 · b 3...4');
    expect(maskedSummary(undefined)).toBe('—');
  });
});
