import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Loupe } from './loupe.js';
import { startTestServer, type TestServer } from '@loupe/server/testing';
import { testLoupe } from '../testing/test-loupe.js';

describe('version tracking: setActiveModel', () => {
  let server: TestServer;
  let loupe: Loupe;
  let exp: string;
  let repo: string;
  beforeAll(async () => {
    server = await startTestServer();
    exp = await server.experiment('models');
    loupe = testLoupe(server.url, exp);
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-git-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' }).toString().trim();
    git('init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(repo, 'agent.txt'), 'v1');
    git('add', '.');
    git('-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-qm', 'first');
  });
  afterAll(async () => {
    await loupe?.shutdown();
    await server?.close();
    fs.rmSync(repo, { recursive: true, force: true });
  });

  async function modelIdOfLastTrace(): Promise<string | undefined> {
    await loupe.flushTraces();
    return (await loupe.client.getTraceInfo(loupe.getLastActiveTraceId() as string)).trace_metadata['mlflow.modelId'];
  }

  it('by name: creates the model once, reuses it after, and every later trace carries its id', async () => {
    const step = loupe.trace(() => 'ok', { name: 'step' });
    step();
    expect(await modelIdOfLastTrace()).toBeUndefined();
    const model = await loupe.setActiveModel({ name: 'support-agent' });
    expect(model.info).toMatchObject({ name: 'support-agent', experiment_id: exp, status: 'LOGGED_MODEL_READY' });
    step();
    expect(await modelIdOfLastTrace()).toBe(model.info.model_id);
    const again = await testLoupe(server.url, exp).setActiveModel({ name: 'support-agent' });
    expect(again.info.model_id).toBe(model.info.model_id);
    // By id, and back to none.
    const other = await loupe.client.createLoggedModel({ experimentId: exp, name: 'other' });
    await loupe.setActiveModel({ modelId: other.info.model_id });
    step();
    expect(await modelIdOfLastTrace()).toBe(other.info.model_id);
    loupe.clearActiveModel();
    step();
    expect(await modelIdOfLastTrace()).toBeUndefined();
  });

  it("autoVersion 'git': the commit names the version, git tags go on the model, a dirty tree is a new version", async () => {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo }).toString().trim();
    const clean = await loupe.setActiveModel({ name: 'agent', autoVersion: 'git', cwd: repo });
    expect(clean.info.name).toBe(`agent-${commit.slice(0, 7)}`);
    expect(Object.fromEntries((clean.info.tags ?? []).map((t) => [t.key, t.value]))).toMatchObject({
      'mlflow.source.git.commit': commit,
      'mlflow.source.git.branch': 'main',
      'mlflow.source.git.dirty': 'false',
    });
    fs.writeFileSync(path.join(repo, 'agent.txt'), 'v2');
    const dirty = await loupe.setActiveModel({ name: 'agent', autoVersion: 'git', cwd: repo });
    expect(dirty.info.name).toBe(`agent-${commit.slice(0, 7)}-dirty`);
    expect(dirty.info.model_id).not.toBe(clean.info.model_id);
    loupe.trace(() => 1, { name: 'versioned' })();
    expect(await modelIdOfLastTrace()).toBe(dirty.info.model_id);
    await expect(loupe.setActiveModel({ autoVersion: 'git', cwd: os.tmpdir() })).rejects.toThrow(/not a git working copy/);
  });
});
