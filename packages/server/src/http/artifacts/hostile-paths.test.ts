import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';

const API = '/api/2.0/mlflow-artifacts';

/** Hostile paths as they appear in a URL (already percent-encoded where the attack needs it). */
const URL_PATHS = [
  '../x',
  'a/../../x',
  '../../outside/sentinel.txt',
  '%2e%2e/x',
  '%2E%2E/%2e%2e/outside/sentinel.txt',
  '%252e%252e/x',
  '%252e%252e/%252e%252e/outside/sentinel.txt',
  'a%2f..%2f..%2fx',
  '..%2f..%2foutside%2fsentinel.txt',
  'x%00',
  'a%5c..%5cx',
  '%2fetc%2fpasswd',
  'C:%5cWindows',
];

/** The same attacks as query-string values (decoded once by the server). */
const QUERY_PATHS = [
  '../x',
  'a/../../x',
  '../../outside/sentinel.txt',
  '/etc/passwd',
  'a\\..\\x',
  '%2e%2e/x',
  '%252e%252e/x',
  'a%2f..%2f..%2fx',
  'x\u0000',
  'C:\\Windows\\win.ini',
  'leak.txt',
  'leakdir/sentinel.txt',
];

describe('hostile artifact paths never reach outside the artifact root', () => {
  let base: string;
  let root: string;
  let outside: string;
  let loupe: TestLoupe;
  let runId: string;

  beforeAll(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-hostile-'));
    root = path.join(base, 'root');
    outside = path.join(base, 'outside');
    fs.mkdirSync(root);
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'sentinel.txt'), 'secret');
    fs.symlinkSync(path.join(outside, 'sentinel.txt'), path.join(root, 'leak.txt'));
    fs.symlinkSync(outside, path.join(root, 'leakdir'));
    loupe = await createTestLoupe({ artifactsDestination: root, defaultArtifactRoot: `file://${root}` });
    const exp = await loupe.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'hostile', artifact_location: root });
    const run = await loupe.call('POST', '/api/2.0/mlflow/runs/create', { experiment_id: exp.body.experiment_id });
    runId = (run.body.run as { info: { run_id: string } }).info.run_id;
    // The run's artifact root holds the same links.
    const runRoot = path.join(root, runId, 'artifacts');
    fs.mkdirSync(runRoot, { recursive: true });
    fs.symlinkSync(path.join(outside, 'sentinel.txt'), path.join(runRoot, 'leak.txt'));
    fs.symlinkSync(outside, path.join(runRoot, 'leakdir'));
  });
  afterAll(async () => {
    await loupe.dispose();
    fs.rmSync(base, { recursive: true, force: true });
  });

  const expectNothingOutsideTouched = () => {
    expect(fs.readFileSync(path.join(outside, 'sentinel.txt'), 'utf8')).toBe('secret');
    expect(fs.readdirSync(outside)).toEqual(['sentinel.txt']);
    expect(fs.readdirSync(base).sort()).toEqual(['outside', 'root']);
  };

  const expectRefused = async (res: Response, label: string) => {
    const text = await res.text();
    expect([400, 404], `${label}: ${res.status} ${text}`).toContain(res.status);
    expect(text, label).not.toContain('secret');
    expectNothingOutsideTouched();
  };

  it.each(URL_PATHS)('refuses %s in a proxied URL for GET, PUT and DELETE', async (p) => {
    await expectRefused(await loupe.app.request(`${API}/artifacts/${p}`), `GET ${p}`);
    await expectRefused(await loupe.app.request(`${API}/artifacts/${p}`, { method: 'PUT', body: 'pwned' }), `PUT ${p}`);
    await expectRefused(await loupe.app.request(`${API}/artifacts/${p}`, { method: 'DELETE' }), `DELETE ${p}`);
    await expectRefused(await loupe.app.request(`${API}/mpu/create/${p}`, { method: 'POST' }), `mpu ${p}`);
  });

  it.each(['leak.txt', 'leakdir/sentinel.txt', 'leakdir/new.txt'])('refuses the symlink path %s for GET and PUT', async (p) => {
    await expectRefused(await loupe.app.request(`${API}/artifacts/${p}`), `GET ${p}`);
    await expectRefused(await loupe.app.request(`${API}/artifacts/${p}`, { method: 'PUT', body: 'pwned' }), `PUT ${p}`);
  });

  it('refuses to list or delete through a link to the outside', async () => {
    await expectRefused(await loupe.app.request(`${API}/artifacts?path=leakdir`), 'list leakdir');
    await expectRefused(await loupe.app.request(`${API}/artifacts/leakdir/sentinel.txt`, { method: 'DELETE' }), 'delete through link');
  });

  it.each(QUERY_PATHS)('refuses %j as a query parameter of every route', async (p) => {
    const q = encodeURIComponent(p);
    await expectRefused(await loupe.app.request(`${API}/artifacts?path=${q}`), 'proxied list');
    await expectRefused(await loupe.app.request(`/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=${q}`), 'run list');
    await expectRefused(await loupe.app.request(`/ajax-api/2.0/mlflow/artifacts/list?run_id=${runId}&path=${q}`), 'ajax run list');
    await expectRefused(await loupe.app.request(`/get-artifact?run_id=${runId}&path=${q}`), 'get-artifact');
    await expectRefused(
      await loupe.app.request(`/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=${q}`, { method: 'POST', body: 'pwned' }),
      'upload-artifact',
    );
  });

  it('names the parameter in the 400', async () => {
    const res = await loupe.call('GET', `/get-artifact?run_id=${runId}&path=${encodeURIComponent('../x')}`);
    expect(res).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining("parameter 'path'") } });
  });
});
