import path from 'node:path';
import { ApiError } from '@loupe/protocol';
import { checkArtifactPath, percentDecodeOnce } from './artifact-path.js';
import { parseS3Uri } from './s3/s3-location.js';

/** The route prefix an `http(s)` artifact root must contain to be one of ours (spec §2.6). */
const PROXY_ANCHOR = '/api/2.0/mlflow-artifacts/artifacts';

/** What this server can read artifacts from, each with the caller's handle for it (a store). */
export interface ServedArtifactRoots<T> {
  /** Behind `mlflow-artifacts:` URIs and proxy URLs; absent when proxied serving is off. */
  proxied?: T | undefined;
  /** Local folders (absolute paths) runs may point into with `file:` URIs or plain paths. */
  local: readonly { dir: string; target: T }[];
  /** S3 locations (`s3://bucket/prefix`) runs may point into; none when absent. */
  s3?: readonly { bucket: string; prefix: string; target: T }[];
}

/** Where an artifact URI lives: a served root and a canonical path inside it, or why it is not served. */
export type ArtifactUriMapping<T> = { served: true; target: T; path: string } | { served: false; reason: string };

const notServed = (reason: string): { served: false; reason: string } => ({ served: false, reason });

function splitScheme(uri: string): { scheme: string; rest: string } | undefined {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/s.exec(uri);
  // A one-letter "scheme" is a Windows drive (C:\...), not a URI.
  if (!m || m[1]?.length === 1) return undefined;
  return { scheme: (m[1] ?? '').toLowerCase(), rest: m[2] ?? '' };
}

function withoutAuthority(rest: string): { authority: string; path: string } {
  if (!rest.startsWith('//')) return { authority: '', path: rest };
  const slash = rest.indexOf('/', 2);
  return slash === -1 ? { authority: rest.slice(2), path: '' } : { authority: rest.slice(2, slash), path: rest.slice(slash) };
}

function safeRelative(relative: string): { ok: true; path: string } | { ok: false; reason: string } {
  try {
    return { ok: true, path: checkArtifactPath(relative, 'artifact_uri', { allowRoot: true }) };
  } catch (err) {
    if (ApiError.is(err)) return { ok: false, reason: `its path is not safe (${err.message})` };
    throw err;
  }
}

/**
 * The absolute local path a `file:` URI or plain path names, or null for any other kind of URI (or a
 * `file:` URI on another host). `..` segments are refused, not resolved.
 *
 * @example
 * localPathOfUri('file:///data/artifacts/1'); // '/data/artifacts/1'
 * localPathOfUri('s3://bucket/x'); // null
 */
export function localPathOfUri(uri: string): string | null {
  const parts = splitScheme(uri);
  let raw: string;
  if (!parts) raw = uri;
  else if (parts.scheme === 'file') {
    const { authority, path: p } = withoutAuthority(parts.rest);
    if ((authority !== '' && authority !== 'localhost') || !p.startsWith('/')) return null;
    raw = percentDecodeOnce(p);
  } else return null;
  // eslint-disable-next-line no-control-regex
  if (raw === '' || /[\u0000-\u001f]/.test(raw) || raw.split(/[/\\]/).includes('..')) return null;
  return path.resolve(raw);
}

function mapLocal<T>(uri: string, roots: ServedArtifactRoots<T>): ArtifactUriMapping<T> {
  const abs = localPathOfUri(uri);
  if (abs === null) return notServed(`'${uri}' is not a usable local path (relative segments or a remote host)`);
  let best: { dir: string; target: T } | undefined;
  for (const root of roots.local) {
    const rel = path.relative(root.dir, abs);
    const inside = rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
    if (inside && (!best || root.dir.length > best.dir.length)) best = root;
  }
  if (!best) return notServed(`the local path '${abs}' is outside the folders this server serves artifacts from`);
  const rel = safeRelative(path.relative(best.dir, abs).split(path.sep).join('/'));
  return rel.ok ? { served: true, target: best.target, path: rel.path } : notServed(rel.reason);
}

/** True when `key` is `prefix` or below it, segment-wise (`a/b` is under `a`, `ab` is not). */
function underPrefix(prefix: string, key: string): boolean {
  return prefix === '' || key === prefix || key.startsWith(`${prefix}/`);
}

function mapS3<T>(uri: string, roots: ServedArtifactRoots<T>): ArtifactUriMapping<T> {
  const location = parseS3Uri(uri);
  if (typeof location === 'string') return notServed(location);
  let best: { bucket: string; prefix: string; target: T } | undefined;
  for (const root of roots.s3 ?? []) {
    const inside = root.bucket === location.bucket && underPrefix(root.prefix, location.prefix);
    if (inside && (!best || root.prefix.length > best.prefix.length)) best = root;
  }
  if (!best) return notServed(`'${uri}' is outside the S3 locations this server serves artifacts from`);
  const rel = safeRelative(best.prefix === '' ? location.prefix : location.prefix.slice(best.prefix.length).replace(/^\//, ''));
  return rel.ok ? { served: true, target: best.target, path: rel.path } : notServed(rel.reason);
}

function mapProxied<T>(relative: string, roots: ServedArtifactRoots<T>): ArtifactUriMapping<T> {
  if (roots.proxied === undefined) return notServed('proxied artifact serving is disabled on this server (--no-serve-artifacts)');
  if (/[?#]/.test(relative)) return notServed('it has a query string or fragment');
  const rel = safeRelative(relative.replace(/^\/+/, ''));
  return rel.ok ? { served: true, target: roots.proxied, path: rel.path } : notServed(rel.reason);
}

/**
 * Maps an artifact root URI to a served root and a store-relative path (spec §2.6):
 * `mlflow-artifacts:/A/B`, `mlflow-artifacts://host:port/A/B` and `http(s)://.../api/2.0/mlflow-artifacts/artifacts/A/B`
 * give `A/B` under the proxied root; `file:///abs` and `/abs` give the path relative to the innermost
 * served local folder holding them, `s3://bucket/key` the key relative to the innermost served S3
 * location holding it. Anything else (another scheme, a location outside the served ones, unsafe
 * paths) is "not served", with the reason; nothing is read to decide.
 *
 * @example
 * mapArtifactUri('mlflow-artifacts:/1/abc/artifacts', { proxied: store, local: [] });
 * // { served: true, target: store, path: '1/abc/artifacts' }
 * mapArtifactUri('s3://bucket/1', { proxied: store, local: [] }); // { served: false, reason: ... }
 */
export function mapArtifactUri<T>(uri: string, roots: ServedArtifactRoots<T>): ArtifactUriMapping<T> {
  const parts = splitScheme(uri);
  if (!parts || parts.scheme === 'file') return mapLocal(uri, roots);
  if (parts.scheme === 'mlflow-artifacts') return mapProxied(withoutAuthority(parts.rest).path, roots);
  if (parts.scheme === 'http' || parts.scheme === 'https') {
    const urlPath = withoutAuthority(parts.rest).path.split(/[?#]/, 1)[0] ?? '';
    const at = urlPath.indexOf(PROXY_ANCHOR);
    const after = at === -1 ? undefined : urlPath.slice(at + PROXY_ANCHOR.length);
    if (after === undefined || (after !== '' && !after.startsWith('/'))) {
      return notServed(`the URL is not an artifact proxy URL (its path has no '${PROXY_ANCHOR}/')`);
    }
    // URL paths arrive percent-encoded; the proxy route would decode them once.
    return mapProxied(percentDecodeOnce(after), roots);
  }
  if (parts.scheme === 's3') return mapS3(uri, roots);
  return notServed(`the '${parts.scheme}' scheme is not served by this server (no artifact store is configured for it)`);
}
