import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-4f2a9c.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});`;

describe('UI static routes', () => {
  let dir: string;
  let loupe: TestLoupe;
  let noUi: TestLoupe;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-ui-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), INDEX);
    fs.writeFileSync(path.join(dir, 'assets', 'index-4f2a9c.js'), SCRIPT);
    fs.writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    loupe = await createTestLoupe({ uiRoot: dir, otlpDecodeThreads: 0 });
    noUi = await createTestLoupe({ uiRoot: null, otlpDecodeThreads: 0 });
  });

  afterAll(async () => {
    await loupe?.dispose();
    await noUi?.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / for revalidation, with an ETag that answers 304', async () => {
    const res = await loupe.app.request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toBe(INDEX);
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    const again = await loupe.app.request('/', { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('serves its pages under a Content-Security-Policy with no inline script and frame-ancestors, and X-Frame-Options', async () => {
    for (const p of ['/', '/index.html', '/experiments/1/traces']) {
      const res = await loupe.app.request(p);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, p).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'",
      );
      expect(res.headers.get('x-frame-options'), p).toBe('SAMEORIGIN');
      expect(res.headers.get('x-content-type-options'), p).toBe('nosniff');
    }
  });

  it('answers HEAD with the headers and no body', async () => {
    const res = await loupe.app.request('/assets/index-4f2a9c.js', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await res.text()).toBe('');
  });

  it('answers index.html for the UI routes (SPA fallback), deep links included', async () => {
    for (const p of [
      '/experiments',
      '/experiments/1/traces',
      '/experiments/1/traces/tr-0af3/spans',
      '/experiments/1/sessions/s.1%2F2',
      '/gateway',
      '/gateway/secrets',
      '/gateway/budgets',
      '/gateway/endpoints/chat.v2',
    ]) {
      const res = await loupe.app.request(p);
      expect(res.status, p).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toBe(INDEX);
    }
  });

  it('serves hashed assets as immutable, gzipped when the client accepts it', async () => {
    const plain = await loupe.app.request('/assets/index-4f2a9c.js');
    expect(plain.status).toBe(200);
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await plain.text()).toBe(SCRIPT);
    const gz = await loupe.app.request('/assets/index-4f2a9c.js', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gz.headers.get('vary')).toBe('Accept-Encoding');
    expect(gz.headers.get('etag')).not.toBe(plain.headers.get('etag'));
    const bytes = Buffer.from(await gz.arrayBuffer());
    expect(bytes.length).toBeLessThan(SCRIPT.length / 10);
    expect(gunzipSync(bytes).toString()).toBe(SCRIPT);
  });

  it('revalidates other files of the build', async () => {
    const res = await loupe.app.request('/favicon.svg');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
  });

  it('answers other page paths with the UI (status 404, never 304), whose router shows its not-found page', async () => {
    for (const p of ['/nope', '/nope/deeper/', '/runs', '/Experiments', '/apis']) {
      const res = await loupe.app.request(p);
      expect(res.status, p).toBe(404);
      expect(res.headers.get('content-type'), p).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control'), p).toBe('no-cache');
      expect(await res.text(), p).toBe(INDEX);
    }
    const etag = (await loupe.app.request('/')).headers.get('etag')!;
    const again = await loupe.app.request('/nope', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(404);
    expect(await again.text()).toBe(INDEX);
    const head = await loupe.app.request('/nope', { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect(await head.text()).toBe('');
  });

  it('keeps bare 404s for unknown API routes, paths the server owns and missing files', async () => {
    for (const p of [
      '/api/2.0/mlflow/nope',
      '/ajax-api/2.0/mlflow/nope',
      '/api/2.0/mlflow/experiments/nope/deeper',
      '/api',
      '/assets/missing-1234.js',
      '/v1/nope',
      '/static-files/x',
      '/get-artifact/x',
      '/model-versions/get-artifact/x',
      '/health/x',
      '/favicon.ico',
      '/nope/robots.txt',
    ]) {
      const res = await loupe.app.request(p);
      expect(res.status, p).toBe(404);
      expect(await res.text(), p).toBe('');
    }
    const post = await loupe.app.request('/experiments/1', { method: 'POST' });
    expect(post.status).toBe(404);
  });

  it("leaves the gateway's data plane under /gateway to the API", async () => {
    const res = await loupe.call('POST', '/gateway/no-such-endpoint/mlflow/invocations', { messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('leaves the API as it was', async () => {
    expect(await (await loupe.app.request('/health')).text()).toBe('OK');
    const created = await loupe.call('POST', '/ajax-api/2.0/mlflow/experiments/create', { name: 'ui-routes' });
    expect(created.status).toBe(200);
    const missing = await loupe.call('GET', '/api/2.0/mlflow/experiments/get?experiment_id=424242');
    expect(missing.body).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('serves no UI when there is none', async () => {
    const res = await noUi.app.request('/');
    expect(res.status).toBe(404);
    expect(await (await noUi.app.request('/experiments/1')).text()).toBe('');
  });
});
