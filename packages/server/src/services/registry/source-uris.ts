import { ApiError } from '@loupe/protocol';

/**
 * A model version's `source` as MLflow 3.11's `CreateModelVersion` handler checks it (spec §6.2), and
 * the `models:/` URIs a source may be. Pure: looking runs and logged models up is the service's part.
 */

/** The parts of a URI as Python's `urllib.parse.urlparse` splits them (scheme lowercased). */
export interface ParsedUri {
  scheme: string;
  netloc: string;
  path: string;
}

/**
 * Splits a URI as Python's `urlparse` does: a scheme is letters first, then letters, digits, `+`, `-`,
 * `.`, before the first `:`; a netloc follows `//`; query and fragment are cut from the path.
 *
 * @example
 * parseUri('s3://bucket/a/b?x=1'); // { scheme: 's3', netloc: 'bucket', path: '/a/b' }
 */
export function parseUri(uri: string): ParsedUri {
  let rest = uri;
  let scheme = '';
  const colon = rest.indexOf(':');
  if (colon > 0 && /^[A-Za-z][A-Za-z0-9+.-]*$/.test(rest.slice(0, colon))) {
    scheme = rest.slice(0, colon).toLowerCase();
    rest = rest.slice(colon + 1);
  }
  let netloc = '';
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?#]/);
    netloc = end === -1 ? rest.slice(2) : rest.slice(2, end + 2);
    rest = end === -1 ? '' : rest.slice(end + 2);
  }
  const path = rest.split('#', 1)[0]?.split('?', 1)[0] ?? '';
  return { scheme, netloc, path };
}

/** Python's `unquote_plus`: `+` is a space, `%XX` a byte, bytes read as UTF-8 (bad ones replaced). */
function unquotePlus(s: string): string {
  const spaced = s.replace(/\+/g, ' ');
  if (!spaced.includes('%')) return spaced;
  return spaced.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    return new TextDecoder('utf-8').decode(bytes);
  });
}

/**
 * MLflow's `is_local_uri` for sources: no scheme, or `file:` (on this host). A `file:` URI naming
 * another host is refused as MLflow refuses it.
 *
 * @example
 * isLocalSource('/tmp/model'); // true
 * isLocalSource('mlflow-artifacts:/1/m'); // false
 */
export function isLocalSource(source: string): boolean {
  const { scheme, netloc } = parseUri(source);
  if (scheme === '') return true;
  const host = netloc
    .replace(/^[^@]*@/, '')
    .replace(/:\d*$/, '')
    .toLowerCase();
  const remote = host !== '' && host !== '.' && !host.startsWith('localhost') && !host.startsWith('127.0.0.1');
  if (scheme === 'file') {
    if (remote)
      throw ApiError.invalid(
        `${source} is not a valid remote uri. For remote access on windows, please consider using a different scheme such as SMB (e.g. smb://<hostname>/<path>).`,
      );
    return true;
  }
  return false;
}

/**
 * Refuses a non-local source whose path could reach outside where it points (MLflow's
 * `_validate_non_local_source_contains_relative_paths`): after percent-decoding until nothing changes,
 * no `..` segment, no NUL, and a path that is absolute and already normal (no `.` segments, `//`
 * collapsed, no trailing `/`), so `mlflow-artifacts:/..%2f..%2fetc` and `s3://b/x/../y` are refused.
 *
 * @example
 * checkSourceTraversal('mlflow-artifacts:/1/abc/artifacts/model'); // ok
 * checkSourceTraversal('http://host/api/2.0/mlflow-artifacts/artifacts/../../x'); // throws
 */
export function checkSourceTraversal(source: string): void {
  const fail = () =>
    ApiError.invalid(
      `Invalid model version source: '${source}'. If supplying a source as an http, https, local file path, ftp, objectstore, or mlflow-artifacts uri, an absolute path must be provided without relative path references present. Please provide an absolute path.`,
    );
  let decoded = source;
  for (let i = 0; i < 16; i++) {
    const next = unquotePlus(decoded);
    if (next === decoded) break;
    decoded = next;
  }
  const sourcePath = parseUri(decoded).path.replace(/\/+$/, '').replace(/\/+/g, '/');
  if (sourcePath.includes('\u0000') || decoded.split('/').includes('..')) throw fail();
  // `Path(p).resolve()` leaves p as it is only when p is absolute and has no `.` or `..` segment.
  if (!sourcePath.startsWith('/') || sourcePath.split('/').some((segment) => segment === '.')) throw fail();
}

/** A parsed `models:/` URI: a logged model, or a registered model's version, alias, stage or latest. */
export type ModelsUri =
  | { kind: 'logged-model'; modelId: string }
  | { kind: 'version'; name: string; version: number }
  | { kind: 'alias'; name: string; alias: string }
  | { kind: 'stage'; name: string; stage: string }
  | { kind: 'latest'; name: string };

/**
 * Parses a `models:/` URI as MLflow's `_parse_model_uri` does: `models:/<model_id>`,
 * `models:/<name>/<version>`, `models:/<name>/latest`, `models:/<name>/<stage>`, `models:/<name>@<alias>`.
 * Undefined for any other URI; a malformed `models:` URI is a 400.
 *
 * @example
 * parseModelsUri('models:/clf@champion'); // { kind: 'alias', name: 'clf', alias: 'champion' }
 * parseModelsUri('models:/m-0123'); // { kind: 'logged-model', modelId: 'm-0123' }
 */
export function parseModelsUri(uri: string): ModelsUri | undefined {
  const { scheme, path } = parseUri(uri);
  if (scheme !== 'models') return undefined;
  const improper = () =>
    ApiError.invalid(
      `Not a proper models:/ URI: ${uri}. Models URIs must be of the form 'models:/name/suffix' or 'models:/name@alias' where suffix is a version, stage, or the string 'latest' and where alias is a registered model alias. Only one of suffix or alias can be defined at a time.`,
    );
  if (!path.startsWith('/') || path.length <= 1) throw improper();
  const parts = path.replace(/^\/+/, '').split('/');
  if (parts.length > 2 || (parts[0] ?? '').trim() === '') throw improper();
  const [name = '', suffix] = parts;
  if (suffix !== undefined) {
    if (suffix.trim() === '') throw improper();
    if (/^\d+$/.test(suffix)) return { kind: 'version', name, version: Number(suffix) };
    if (suffix.toLowerCase() === 'latest') return { kind: 'latest', name };
    return { kind: 'stage', name, stage: suffix };
  }
  const at = name.lastIndexOf('@');
  if (at >= 0) {
    const alias = name.slice(at + 1);
    if (alias.trim() === '') throw improper();
    return { kind: 'alias', name: name.slice(0, at), alias };
  }
  return { kind: 'logged-model', modelId: name };
}

/**
 * A `runs:/<run_id>/<path>` URI's run and path, or undefined for other URIs.
 *
 * @example
 * parseRunsUri('runs:/abc/model'); // { runId: 'abc', path: 'model' }
 */
export function parseRunsUri(uri: string): { runId: string; path: string } | undefined {
  const { scheme, netloc, path } = parseUri(uri);
  if (scheme !== 'runs') return undefined;
  const full = netloc ? `/${netloc}${path}` : path;
  const [runId = '', ...rest] = full.replace(/^\/+/, '').split('/');
  if (runId === '') return undefined;
  return { runId, path: rest.join('/').replace(/\/+$/, '') };
}
