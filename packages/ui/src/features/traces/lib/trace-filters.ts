/**
 * The traces page's quick filters (status, time range, a tag, full text) written in the search
 * grammar and joined with the user's own filter, so the server sees one filter and the URL keeps all.
 */

/**
 * Time ranges of the quick filter.
 *
 * @example
 * TRACE_TIME_RANGES.map((r) => r.label); // ['Last hour', 'Last 24 hours', ...]
 */
export const TRACE_TIME_RANGES = [
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
] as const;

/** The quick filters and the typed filter, as the URL holds them. */
export interface TraceFilterState {
  filter: string;
  status?: string;
  range?: string;
  /** `key=value` */
  tag?: string;
  text?: string;
}

const quote = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const key = (name: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `\`${name.replace(/`/g, '')}\``);

/**
 * One filter string for traces/search from the quick filters and the typed filter (all must hold).
 *
 * @example
 * composeTraceFilter({ filter: "span.type = 'LLM'", status: 'ERROR', text: 'refund' }, Date.now());
 * // "span.type = 'LLM' AND trace.status = 'ERROR' AND trace.text LIKE '%refund%'"
 */
export function composeTraceFilter(state: TraceFilterState, now: number): string {
  const parts: string[] = [];
  if (state.filter.trim()) parts.push(state.filter.trim());
  if (state.status) parts.push(`trace.status = ${quote(state.status)}`);
  const range = TRACE_TIME_RANGES.find((r) => r.id === state.range);
  if (range) parts.push(`trace.timestamp_ms >= ${now - range.ms}`);
  if (state.tag) {
    const eq = state.tag.indexOf('=');
    const k = (eq >= 0 ? state.tag.slice(0, eq) : state.tag).trim();
    const v = eq >= 0 ? state.tag.slice(eq + 1).trim() : '';
    if (k) parts.push(`tag.${key(k)} = ${quote(v)}`);
  }
  if (state.text?.trim()) parts.push(`trace.text LIKE ${quote(`%${state.text.trim().replace(/[%_]/g, '')}%`)}`);
  return parts.join(' AND ');
}
