import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@loupe/server/testing';
import { LoupeApiError } from './api-error.js';
import { createClient, type LoupeClient } from './loupe-client.js';

// Against a real Loupe server: a gateway endpoint made over REST, then the SDK's scorer calls (the
// requests MLflow's Python client sends for register/start/update/stop/delete, spec §8.2, §11.1).
describe('registered judges and online scoring from TypeScript', () => {
  let server: TestServer;
  let client: LoupeClient;
  let exp: string;

  beforeAll(async () => {
    server = await startTestServer();
    client = createClient({ trackingUri: server.url });
    exp = await server.experiment('scorers');
    const secret = await client.rest.post<{ secret: { secret_id: string } }>('/api/3.0/mlflow/gateway/secrets/create', {
      secret_name: 'judge-key',
      secret_value: { api_key: 'sk-test-0123456789' },
      provider: 'openai',
    });
    const model = await client.rest.post<{ model_definition: { model_definition_id: string } }>('/api/3.0/mlflow/gateway/model-definitions/create', {
      name: 'judge-model',
      secret_id: secret.secret.secret_id,
      provider: 'openai',
      model_name: 'gpt-4o-mini',
    });
    await client.rest.post('/api/3.0/mlflow/gateway/endpoints/create', {
      name: 'judge-ep',
      model_configs: [{ model_definition_id: model.model_definition.model_definition_id, linkage_type: 'PRIMARY', weight: 1 }],
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('registers a gateway judge, starts, updates and stops it, and deletes it', async () => {
    const judge = { name: 'helpful', model: 'gateway:/judge-ep', instructions: 'Is {{ outputs }} a helpful answer to {{ inputs }}?' };
    const v1 = await client.registerJudge(exp, judge);
    expect(v1).toMatchObject({ experimentId: exp, name: 'helpful', version: 1 });
    // The form MLflow's Python client writes and reads back (`Scorer.model_validate_json`).
    expect(JSON.parse(v1.serializedScorer)).toMatchObject({
      name: 'helpful',
      is_session_level_scorer: false,
      serialization_version: 1,
      builtin_scorer_class: null,
      instructions_judge_pydantic_data: { instructions: judge.instructions, model: 'gateway:/judge-ep' },
    });
    const v2 = await client.registerJudge(exp, { ...judge, instructions: 'Is {{ outputs }} helpful and polite?' });
    expect([v2.version, v2.scorerId]).toEqual([2, v1.scorerId]);

    const started = await client.startScorer(exp, 'helpful', { sampleRate: 0.5, filterString: "trace.status = 'OK'" });
    expect(started).toMatchObject({ scorerId: v1.scorerId, experimentId: exp, sampleRate: 0.5, filterString: "trace.status = 'OK'" });
    expect(await client.listScorers(exp)).toEqual([{ ...v2 }]);
    expect((await client.getScorer(exp, 'helpful', 1)).version).toBe(1);
    expect(await client.getOnlineScoringConfigs([v1.scorerId])).toEqual([started]);

    const stopped = await client.stopScorer(exp, 'helpful');
    expect(stopped).toMatchObject({ sampleRate: 0, filterString: "trace.status = 'OK'" });
    expect(await client.getOnlineScoringConfigs([v1.scorerId])).toEqual([stopped]);

    await client.deleteScorer(exp, 'helpful');
    expect(await client.listScorers(exp)).toEqual([]);
    await expect(client.getScorer(exp, 'helpful')).rejects.toBeInstanceOf(LoupeApiError);
  });

  it('refuses to start a judge whose model is not a gateway endpoint, and one on an endpoint that does not exist', async () => {
    await client.registerJudge(exp, { name: 'direct', model: 'openai:/gpt-4o-mini', instructions: 'Is {{ outputs }} correct?' });
    await expect(client.startScorer(exp, 'direct', { sampleRate: 1 })).rejects.toMatchObject({ status: 400, errorCode: 'INVALID_PARAMETER_VALUE' });
    await expect(client.registerJudge(exp, { name: 'lost', model: 'gateway:/no-such-ep', instructions: 'Is {{ outputs }} fine?' })).rejects.toMatchObject({
      status: 404,
      errorCode: 'RESOURCE_DOES_NOT_EXIST',
    });
    const session = await client.registerJudge(exp, {
      name: 'dialogue',
      model: 'gateway:/judge-ep',
      instructions: 'Does {{ conversation }} resolve the issue?',
    });
    expect(JSON.parse(session.serializedScorer).is_session_level_scorer).toBe(true);
  });
});
