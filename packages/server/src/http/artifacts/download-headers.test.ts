import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';

const API = '/api/2.0/mlflow';
const PAGE = '<!doctype html><script>fetch("/ajax-api/2.0/mlflow/experiments/create", { method: "POST" })</script>';

/**
 * Every route that hands out a stored file answers it as a download that cannot act as a page on the
 * server's origin: an attachment, `nosniff`, and a policy under which nothing in it loads or runs.
 */
describe('artifact downloads: attachment, nosniff, sandboxed', () => {
  let loupe: TestLoupe;
  let runId: string;
  let modelId: string;

  beforeAll(async () => {
    loupe = await createTestLoupe();
    const exp = (await loupe.call('POST', `${API}/experiments/create`, { name: 'downloads' })).body.experiment_id as string;
    const run = await loupe.call('POST', `${API}/runs/create`, { experiment_id: exp });
    runId = (run.body.run as { info: { run_id: string } }).info.run_id;
    expect((await loupe.app.request(`/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=page.html`, { method: 'POST', body: PAGE })).status).toBe(200);
    const model = await loupe.call('POST', `${API}/logged-models`, { experiment_id: exp, name: 'm' });
    const info = (model.body.model as { info: { model_id: string; artifact_uri: string } }).info;
    modelId = info.model_id;
    const modelPath = info.artifact_uri.replace('mlflow-artifacts:/', '');
    expect((await loupe.app.request(`/api/2.0/mlflow-artifacts/artifacts/${modelPath}/page.html`, { method: 'PUT', body: PAGE })).status).toBe(200);
  });

  afterAll(async () => {
    await loupe?.dispose();
  });

  it.each([
    ['GET /get-artifact', () => `/get-artifact?run_id=${runId}&path=page.html`],
    ['the proxied artifact service', () => `/api/2.0/mlflow-artifacts/artifacts/files-of-run-${runId}.html`],
    ['a logged model file', () => `/ajax-api/2.0/mlflow/logged-models/${modelId}/artifacts/files?artifact_file_path=page.html`],
  ])('%s', async (_route, url) => {
    const target = url();
    if (target.startsWith('/api/2.0/mlflow-artifacts/')) expect((await loupe.app.request(target, { method: 'PUT', body: PAGE })).status).toBe(200);
    const res = await loupe.app.request(target);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(await res.text()).toBe(PAGE);
  });
});
