import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Context, Hono } from 'hono';
import { guessMimeType } from '../artifacts/file-response.js';
import { uiContentSecurityPolicy } from '../security/content-security-policy.js';
import type { FrameOptions } from '../security/security-middleware.js';

/**
 * The web UI's static files (packages/ui, built by Vite), served at `/`. Hashed files under `assets/`
 * are cached for good; everything else, above all `index.html`, is revalidated on every load, so a new
 * server version is picked up at once while its assets never need a second download.
 */

/**
 * First path segments that belong to the UI's router: these paths answer `index.html` (the single-page
 * app routes them in the browser). Other unknown paths: see {@link SERVER_PATH_PREFIXES}.
 *
 * @example
 * UI_ROUTE_PREFIXES.includes('experiments'); // true: /experiments/1/traces answers index.html
 */
export const UI_ROUTE_PREFIXES: readonly string[] = ['experiments', 'models', 'prompts', 'webhooks', 'gateway', 'settings'];

/**
 * First path segments the server itself answers (the REST API, OTLP, artifacts, the build's assets,
 * MLflow's static files): an unknown path under them keeps the bare 404 clients rely on. Every other
 * unknown path is a page a person asked for, and gets the UI's not-found page (status 404).
 *
 * @example
 * SERVER_PATH_PREFIXES.includes('ajax-api'); // true: /ajax-api/2.0/mlflow/nope answers a bare 404
 */
export const SERVER_PATH_PREFIXES: readonly string[] = [
  'api',
  'ajax-api',
  'v1',
  'assets',
  'static-files',
  'get-artifact',
  'model-versions',
  'health',
  'ready',
  'version',
  'auth',
];

/**
 * Whether a request is for the UI shell or its files (`index.html`, `assets/*`, the favicon, page
 * paths), which anyone may load when auth is on: the bundle holds no data, and it carries Loupe's
 * login page (docs/adr/0013-auth.md §1). Everything under {@link SERVER_PATH_PREFIXES} but `assets`
 * still needs credentials.
 *
 * @example
 * isUiShellRequest('GET', '/experiments/1'); // true
 * isUiShellRequest('GET', '/ajax-api/2.0/mlflow/experiments/search'); // false
 */
export function isUiShellRequest(method: string, path: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  const first = path.replace(/^\/+/, '').split('/', 1)[0] ?? '';
  return first === 'assets' || !SERVER_PATH_PREFIXES.includes(first);
}

/** One file of the built UI, held in memory (the whole UI is a few hundred kilobytes). */
interface UiFile {
  body: Buffer;
  contentType: string;
  etag: string;
  gzipped?: Buffer;
}

/** The built UI, loaded once at start. */
export interface UiAssets {
  /** Files by their path relative to the UI root, with `/` separators (`index.html`, `assets/index-3f2a.js`). */
  files: ReadonlyMap<string, UiFile>;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';
/** Types worth compressing; images and fonts are compressed already. */
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml)|image\/svg)/;

function walk(root: string, dir: string, out: Map<string, UiFile>): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(root, full, out);
    else if (entry.isFile()) {
      const body = fs.readFileSync(full);
      const rel = path.relative(root, full).split(path.sep).join('/');
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
      out.set(rel, { body, contentType: guessMimeType(entry.name), etag });
    }
  }
}

/**
 * Reads the built UI from `root` (a Vite `dist` folder). Null when there is no `index.html` there, so a
 * server started from sources without a UI build simply serves no UI.
 *
 * @example
 * const assets = loadUiAssets('/opt/loupe/dist/ui');
 * if (assets) mountUiRoutes(app, assets, { frameOptions: 'SAMEORIGIN' });
 */
export function loadUiAssets(root: string): UiAssets | null {
  if (!fs.existsSync(path.join(root, 'index.html'))) return null;
  const files = new Map<string, UiFile>();
  walk(root, root, files);
  return { files };
}

function acceptsGzip(c: Context): boolean {
  return /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
}

function fileResponse(c: Context, file: UiFile, cacheControl: string, contentSecurityPolicy: string, status: 200 | 404 = 200): Response {
  const gzip = acceptsGzip(c) && COMPRESSIBLE.test(file.contentType) && file.body.length > 1024;
  const etag = gzip ? `${file.etag.slice(0, -1)}-gz"` : file.etag;
  const headers: Record<string, string> = {
    'cache-control': cacheControl,
    etag,
    'content-type': file.contentType,
    vary: 'Accept-Encoding',
    'x-content-type-options': 'nosniff',
  };
  if (file.contentType.startsWith('text/html')) headers['content-security-policy'] = contentSecurityPolicy;
  const match = c.req.header('if-none-match');
  // A not-found page is never "not modified": its status must reach the browser.
  if (status === 200 && match !== undefined && match.split(',').some((t) => t.trim() === etag || t.trim() === `W/${etag}`))
    return new Response(null, { status: 304, headers });
  let body = file.body;
  if (gzip) {
    file.gzipped ??= gzipSync(file.body);
    body = file.gzipped;
    headers['content-encoding'] = 'gzip';
  }
  headers['content-length'] = String(body.length);
  return new Response(c.req.method === 'HEAD' ? null : new Uint8Array(body), { status, headers });
}

/**
 * Mounts the UI (call it after every API route): `/` and the UI's own routes answer `index.html`
 * (revalidated), `assets/*` answer their hashed file (immutable), other files of the build (favicon)
 * are revalidated. Other page paths answer `index.html` with status 404, so the browser shows the
 * UI's not-found page; paths the server owns ({@link SERVER_PATH_PREFIXES}) and missing files (a
 * name with an extension) fall through to the app's bare 404. Pages carry the UI's
 * Content-Security-Policy, with `frame-ancestors` as `frameOptions` (`--x-frame-options`) says.
 *
 * @example
 * mountUiRoutes(app, loadUiAssets(uiRoot)!, { frameOptions: 'SAMEORIGIN' });
 */
export function mountUiRoutes(app: Hono, assets: UiAssets, options: { frameOptions: FrameOptions }): void {
  const index = assets.files.get('index.html');
  if (!index) throw new Error('UI build has no index.html');
  const csp = uiContentSecurityPolicy(options.frameOptions);
  app.get('*', async (c, next) => {
    const rel = c.req.path.replace(/^\/+/, '');
    if (rel === '' || rel === 'index.html') return fileResponse(c, index, REVALIDATE, csp);
    const file = assets.files.get(rel);
    if (file) return fileResponse(c, file, rel.startsWith('assets/') ? IMMUTABLE : REVALIDATE, csp);
    const first = rel.split('/', 1)[0] ?? '';
    if (UI_ROUTE_PREFIXES.includes(first)) return fileResponse(c, index, REVALIDATE, csp);
    const last = rel.slice(rel.lastIndexOf('/') + 1);
    if (!SERVER_PATH_PREFIXES.includes(first) && !/\.[A-Za-z0-9]+$/.test(last)) return fileResponse(c, index, REVALIDATE, csp, 404);
    await next();
  });
}
