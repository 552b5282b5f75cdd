import { ApiError } from '@loupe/protocol';

/** How {@link checkArtifactPath} treats an empty path. */
export interface ArtifactPathOptions {
  /** Accept `''` (and `undefined`) as the root folder, for listings. Default: false (a file is named). */
  allowRoot?: boolean;
}

/** Percent-encoding layers peeled off before a path is given up on (MLflow stops after 10 too). */
const MAX_DECODE_ROUNDS = 10;

/**
 * Decodes `%XX` escapes once, leniently: a malformed escape stays as it is and bytes that are not UTF-8
 * become U+FFFD, as Python's `urllib.parse.unquote` does (never throws, unlike `decodeURIComponent`).
 *
 * @example
 * percentDecodeOnce('%252e%252e'); // '%2e%2e'
 * percentDecodeOnce('100%.txt'); // '100%.txt'
 */
export function percentDecodeOnce(text: string): string {
  if (!text.includes('%')) return text;
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
}

function problemIn(candidate: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(candidate)) return 'control characters (such as NUL) are not allowed';
  if (candidate.includes('\\')) return 'backslashes are not allowed';
  if (candidate.startsWith('/')) return 'absolute paths are not allowed';
  if (/^[A-Za-z]:/.test(candidate)) return 'Windows drive letters are not allowed';
  // A '#' would cut the path short in the URLs clients build from it (MLflow rejects it as well).
  if (candidate.includes('#')) return "'#' is not allowed";
  if (candidate.split('/').includes('..')) return "parent-directory segments ('..') are not allowed";
  return undefined;
}

function reject(raw: string, param: string, reason: string): ApiError {
  const shown = JSON.stringify(raw.length > 200 ? `${raw.slice(0, 200)}...` : raw);
  return ApiError.invalid(`Invalid value ${shown} for parameter '${param}' supplied: ${reason}.`);
}

/**
 * The one path-safety check every artifact route and store goes through (spec §2.6). Takes a path as
 * the client sent it (already URL-decoded once by the HTTP layer) and returns it as a canonical
 * relative POSIX path: empty and `.` segments dropped, no leading or trailing `/`.
 *
 * Rejects, with 400 INVALID_PARAMETER_VALUE naming `param`: `..` segments, absolute paths, backslashes,
 * control characters (NUL included), Windows drive letters and `#`, in the path as given and in every
 * further percent-decoding of it (`%2e%2e`, `%2f`, `%252e%252e`, ...), since some layer down the line
 * may decode again. Containment through symbolic links is the store's part (it resolves real paths).
 *
 * @example
 * checkArtifactPath('models/./m1//MLmodel'); // 'models/m1/MLmodel'
 * checkArtifactPath(undefined, 'path', { allowRoot: true }); // ''
 * checkArtifactPath('a%2f..%2f..%2fx'); // throws INVALID_PARAMETER_VALUE
 */
export function checkArtifactPath(raw: string | undefined, param = 'path', options: ArtifactPathOptions = {}): string {
  if (raw === undefined || raw === '') {
    if (options.allowRoot) return '';
    throw ApiError.missing(param);
  }
  let current = raw;
  for (let round = 0; ; round++) {
    const problem = problemIn(current);
    if (problem) throw reject(raw, param, problem);
    const decoded = percentDecodeOnce(current);
    if (decoded === current) break;
    if (round === MAX_DECODE_ROUNDS) throw reject(raw, param, 'too many layers of percent-encoding');
    current = decoded;
  }
  const canonical = raw
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/');
  if (canonical === '' && !options.allowRoot) throw reject(raw, param, 'the path names no file');
  return canonical;
}

/**
 * Joins canonical relative paths (from {@link checkArtifactPath}); empty parts are skipped.
 *
 * @example
 * joinArtifactPath('1/abc/artifacts', ''); // '1/abc/artifacts'
 * joinArtifactPath('', 'model/MLmodel'); // 'model/MLmodel'
 */
export function joinArtifactPath(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/');
}
