import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@loupe/server/testing';
import { LoupeApiError } from './api-error.js';
import { createClient, type LoupeClient } from './loupe-client.js';

describe('tracking client against a real Loupe server', () => {
  let server: TestServer;
  let client: LoupeClient;
  let tmp: string;
  beforeAll(async () => {
    server = await startTestServer();
    client = createClient({ trackingUri: server.url });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-client-'));
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('experiments: create, get, get by name, get-or-create, search, tag, delete; errors are typed', async () => {
    const name = `client-exp-${Date.now()}`;
    const id = await client.createExperiment(name, { tags: { team: 'core' } });
    expect(await client.getOrCreateExperiment(name)).toBe(id);
    expect((await client.getExperiment(id)).name).toBe(name);
    await client.setExperimentTag(id, 'stage', 'dev');
    expect((await client.getExperimentByName(name))?.tags).toEqual(
      expect.arrayContaining([
        { key: 'team', value: 'core' },
        { key: 'stage', value: 'dev' },
      ]),
    );
    expect(await client.getExperimentByName(`${name}-missing`)).toBeUndefined();
    const found = await client.searchExperiments({ filter: `name = '${name}'` });
    expect(found.items.map((e) => e.experiment_id)).toEqual([id]);
    const err = await client.createExperiment(name).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoupeApiError);
    expect(err).toMatchObject({ status: 400, errorCode: 'RESOURCE_ALREADY_EXISTS' });
    const fresh = await client.getOrCreateExperiment(`${name}-new`);
    expect(fresh).not.toBe(id);
    await client.deleteExperiment(fresh);
    expect((await client.getExperiment(fresh)).lifecycle_stage).toBe('deleted');
  });

  it('runs: start, metrics, params, tags, streamed artifacts, end, search', async () => {
    const exp = await client.createExperiment(`runs-${Date.now()}`);
    const run = await client.startRun({ experimentId: exp, runName: 'first', tags: { team: 'core' } });
    const runId = run.info.run_id;
    expect(run.info).toMatchObject({ run_name: 'first', status: 'RUNNING' });
    for (let step = 0; step < 3; step++) await client.logMetric(runId, 'loss', 1 / (step + 1), { step, timestamp: 1_700_000_000_000 + step });
    await client.logMetrics(runId, { acc: 0.93, f1: 0.88 }, { step: 2 });
    await client.logParam(runId, 'lr', 0.01);
    await client.logParams(runId, { epochs: 3, optimizer: 'adam' });
    await client.setTag(runId, 'stage', 'train');
    await client.setTags(runId, { owner: 'ann', tmp: 'x' });
    await client.deleteTag(runId, 'tmp');

    // A 3 MB file streamed from disk, bytes and a Node stream, all through the proxied artifact API.
    const big = path.join(tmp, 'weights.bin');
    fs.writeFileSync(big, Buffer.alloc(3 * 1024 * 1024, 7));
    expect(await client.logArtifact(runId, big, 'model')).toBe('model/weights.bin');
    await client.logArtifactData(runId, 'hello', 'notes/hello.txt');
    await client.logArtifactData(runId, Readable.from([Buffer.from('a,b\n'), Buffer.from('1,2\n')]), 'data/table.csv');
    expect((await client.listArtifacts(runId)).map((f) => f.path).sort()).toEqual(['data', 'model', 'notes']);
    expect(await client.listArtifacts(runId, 'model')).toEqual([{ path: 'model/weights.bin', is_dir: false, file_size: 3 * 1024 * 1024 }]);
    expect(await (await client.downloadArtifact(runId, 'data/table.csv')).text()).toBe('a,b\n1,2\n');
    expect((await (await client.downloadArtifact(runId, 'model/weights.bin')).arrayBuffer()).byteLength).toBe(3 * 1024 * 1024);

    const ended = await client.endRun(runId, 'FINISHED', 1_700_000_010_000);
    expect(ended).toMatchObject({ status: 'FINISHED', end_time: 1_700_000_010_000 });
    const got = await client.getRun(runId);
    expect(Object.fromEntries((got.data.params ?? []).map((p) => [p.key, p.value]))).toEqual({ lr: '0.01', epochs: '3', optimizer: 'adam' });
    expect(Object.fromEntries((got.data.metrics ?? []).map((m) => [m.key, m.value]))).toEqual({ loss: 1 / 3, acc: 0.93, f1: 0.88 });
    const tags = Object.fromEntries((got.data.tags ?? []).map((t) => [t.key, t.value]));
    expect(tags).toMatchObject({ team: 'core', stage: 'train', owner: 'ann' });
    expect(tags.tmp).toBeUndefined();

    const other = await client.startRun({ experimentId: exp, runName: 'second', parentRunId: runId });
    await client.logMetric(other.info.run_id, 'acc', 0.5);
    const best = await client.searchRuns({ experimentIds: [exp], filter: "metrics.acc > 0.9 and params.lr = '0.01'", orderBy: ['metrics.acc DESC'] });
    expect(best.items.map((r) => r.info.run_id)).toEqual([runId]);
    const paged = await client.searchRuns({ experimentIds: [exp], maxResults: 1, orderBy: ['attributes.start_time ASC'] });
    expect(paged.items).toHaveLength(1);
    expect(paged.nextPageToken).toBeDefined();
    const rest = await client.searchRuns({ experimentIds: [exp], maxResults: 1, orderBy: ['attributes.start_time ASC'], pageToken: paged.nextPageToken! });
    expect(rest.items[0]!.info.run_id).not.toBe(paged.items[0]!.info.run_id);
    await client.deleteRun(other.info.run_id);
    expect((await client.searchRuns({ experimentIds: [exp] })).items).toHaveLength(1);
  });

  it('logged models: create with many params, upload, finalize, tags, search, metrics by model, delete', async () => {
    const exp = await client.createExperiment(`models-${Date.now()}`);
    const params = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`p${i}`, String(i)]));
    const model = await client.createLoggedModel({ experimentId: exp, name: 'ranker', modelType: 'agent', params, tags: { team: 'core' } });
    expect(model.data.params).toHaveLength(150);
    await client.logModelArtifactData(model.info.model_id, 'artifact_path: model\n', 'MLmodel');
    const ready = await client.finalizeLoggedModel(model.info.model_id);
    expect(ready.info.status).toBe('LOGGED_MODEL_READY');
    await client.setLoggedModelTags(model.info.model_id, { stage: 'prod' });
    const run = await client.startRun({ experimentId: exp });
    await client.logMetric(run.info.run_id, 'ndcg', 0.71, { modelId: model.info.model_id });
    const found = await client.searchLoggedModels({ experimentIds: [exp], filter: "name = 'ranker' and tags.stage = 'prod'" });
    expect(found.items.map((m) => m.info.model_id)).toEqual([model.info.model_id]);
    expect((await client.getLoggedModel(model.info.model_id)).data.metrics?.map((m) => [m.key, m.value])).toEqual([['ndcg', 0.71]]);
    await client.deleteLoggedModel(model.info.model_id);
    await expect(client.getLoggedModel(model.info.model_id)).rejects.toMatchObject({ errorCode: 'RESOURCE_DOES_NOT_EXIST' });
  });
});
