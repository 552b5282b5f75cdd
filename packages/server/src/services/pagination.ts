import { ApiError } from '@loupe/protocol';
import type { PageRequest } from '../store/tracking-store.js';

/**
 * Decodes an opaque page token (base64 of `{"offset": N}`, as MLflow's stores write it) into a page
 * request. No token: the first page.
 *
 * @example
 * pageRequest(undefined, 100); // { offset: 0, limit: 100 }
 */
export function pageRequest(token: string | undefined, limit: number): PageRequest {
  if (!token) return { offset: 0, limit };
  let offset: unknown;
  try {
    offset = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown }).offset;
  } catch {
    offset = undefined;
  }
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw ApiError.invalid(`Invalid page token, could not base64-decode: '${token.slice(0, 100)}'`);
  }
  return { offset, limit };
}

/**
 * The token of the page after `page`, or undefined on the last page.
 *
 * @example
 * nextPageToken({ offset: 0, limit: 10 }, true); // 'eyJvZmZzZXQiOjEwfQ=='
 */
export function nextPageToken(page: PageRequest, hasMore: boolean): string | undefined {
  return hasMore ? Buffer.from(JSON.stringify({ offset: page.offset + page.limit })).toString('base64') : undefined;
}

/**
 * Validates `max_results` against an API's default and hard limit (spec §1.5).
 *
 * @example
 * maxResults(undefined, 1000, 50000); // 1000
 */
export function maxResults(value: number | undefined, defaultValue: number, hardMax: number, param = 'max_results'): number {
  if (value === undefined || value === 0) return defaultValue;
  if (value < 0 || value > hardMax) {
    throw ApiError.invalid(`Invalid value ${value} for parameter '${param}' supplied. It must be at most ${hardMax}, and greater than 0.`);
  }
  return value;
}
