import { ApiError } from '@loupe/protocol';
import type { TraceSearch } from '../../store/trace-store.js';

/**
 * Decodes a trace search page token: `{"after": [...]}` (Loupe's positions: the sort keys of the last
 * trace of the previous page, stable while new traces arrive) or MLflow's `{"offset": N}`.
 *
 * @example
 * tracePageRequest(undefined, 100); // { limit: 100 }
 */
export function tracePageRequest(token: string | undefined, limit: number): TraceSearch['page'] {
  if (!token) return { limit };
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const d = decoded as { after?: unknown; offset?: unknown } | undefined;
  if (d && Array.isArray(d.after)) return { limit, after: d.after };
  if (d && typeof d.offset === 'number' && Number.isSafeInteger(d.offset) && d.offset >= 0) return { limit, offset: d.offset };
  throw ApiError.invalid(`Invalid page token, could not base64-decode: '${token.slice(0, 100)}'`);
}

/**
 * The token of the page after one that ended at `next` (undefined on the last page).
 *
 * @example
 * tracePageToken([1718460461000, 'tr-…']); // 'eyJhZnRlciI6...'
 */
export function tracePageToken(next: readonly unknown[] | undefined): string | undefined {
  return next ? Buffer.from(JSON.stringify({ after: next })).toString('base64') : undefined;
}
