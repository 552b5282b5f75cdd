import { completeTokenUsage } from '@loupe/protocol';

/**
 * Formatting shared by every page: durations, times, counts, tokens and money, always short and
 * stable in width so tables stay readable. Cost and tokens are shown through these functions only, so
 * "—" (unknown) and "$0" (known zero) mean the same on every page.
 */

/**
 * A duration in milliseconds, at a precision that fits its size.
 *
 * @example
 * formatDuration(0.42); // '420µs'
 * formatDuration(532); // '532ms'
 * formatDuration(12_345); // '12.3s'
 * formatDuration(3_723_000); // '1h 2m'
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms < 1) return `${Math.round(ms * 1000)}µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1).replace(/\.0$/, '') : Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(2) : s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${Math.floor(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/**
 * A protobuf Duration string (`"0.532s"`) in milliseconds; undefined when absent or malformed.
 *
 * @example
 * parseProtoDuration('1.5s'); // 1500
 */
export function parseProtoDuration(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const m = /^(-?\d+(?:\.\d+)?)s$/.exec(value.trim());
  return m ? Number(m[1]) * 1000 : undefined;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * A local date and time, `2025-06-15 14:07:41`, from epoch milliseconds or an RFC 3339 string.
 *
 * @example
 * formatTimestamp(Date.UTC(2025, 5, 15, 14, 7, 41)); // '2025-06-15 14:07:41' in UTC
 */
export function formatTimestamp(value: number | string | undefined, withMillis = false): string {
  if (value === undefined || value === '') return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '—';
  const base = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return withMillis ? `${base}.${pad(d.getMilliseconds(), 3)}` : base;
}

/**
 * How long ago a moment was: `just now`, `5m ago`, `3h ago`, `2d ago`, then the date.
 *
 * @example
 * formatRelative(Date.now() - 90_000, Date.now()); // '1m ago'
 */
export function formatRelative(value: number | string | undefined, now: number = Date.now()): string {
  if (value === undefined) return '—';
  const t = new Date(value).getTime();
  if (Number.isNaN(t)) return '—';
  const s = Math.round((now - t) / 1000);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))}m ago`;
  if (s < 86_400) return `${Math.round(s / 3600)}h ago`;
  if (s < 30 * 86_400) return `${Math.round(s / 86_400)}d ago`;
  return formatTimestamp(t).slice(0, 10);
}

/**
 * A count with thousands separators, or compact (`12.3k`, `4.5M`) when asked.
 *
 * @example
 * formatCount(1234567); // '1,234,567'
 * formatCount(1234567, true); // '1.2M'
 */
export function formatCount(n: number | null | undefined, compact = false): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  if (!compact || Math.abs(n) < 1000) return Math.round(n).toLocaleString('en-US');
  const units: [number, string][] = [
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, unit] of units) {
    if (Math.abs(n) >= size) {
      const v = n / size;
      return `${Math.abs(v) < 10 ? v.toFixed(1).replace(/\.0$/, '') : Math.round(v)}${unit}`;
    }
  }
  return String(n);
}

/**
 * US dollars with as many decimals as small amounts need (LLM calls cost fractions of a cent). The
 * one rule for cost everywhere: an unknown cost (no price known, nothing summed) is '—', a known zero
 * is '$0'.
 *
 * @example
 * formatCost(0.000123); // '$0.000123'
 * formatCost(1.5); // '$1.50'
 * formatCost(0); // '$0'
 * formatCost(undefined); // '—'
 */
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return '—';
  if (usd === 0) return '$0';
  if (Math.abs(usd) >= 1) return `$${usd.toFixed(2)}`;
  if (Math.abs(usd) >= 0.01) return `$${usd.toFixed(3)}`;
  return `$${Number(usd.toPrecision(3))}`;
}

/** Token counts of a call, a trace or a group of traces; absent: unknown. */
export interface TokenCounts {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
}

/**
 * Token counts from MLflow's usage JSON (`mlflow.chat.tokenUsage`, `mlflow.trace.tokenUsage`: an
 * object or its text), completed by the server's rule (`completeTokenUsage`): the total is input +
 * output, and input tokens alone (an embeddings call) mean 0 output. Undefined when nothing is known.
 *
 * @example
 * tokenCounts('{"input_tokens": 1325}'); // { inputTokens: 1325, outputTokens: 0, totalTokens: 1325 }
 */
export function tokenCounts(usage: unknown): TokenCounts | undefined {
  let value = usage;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return undefined;
    }
  }
  const u = completeTokenUsage(typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined);
  if (!u) return undefined;
  const counts: TokenCounts = {};
  if (u.input_tokens !== undefined) counts.inputTokens = u.input_tokens;
  if (u.output_tokens !== undefined) counts.outputTokens = u.output_tokens;
  if (u.total_tokens !== undefined) counts.totalTokens = u.total_tokens;
  return counts;
}

/**
 * A token total: '—' when unknown.
 *
 * @example
 * formatTokens({ inputTokens: 1325, outputTokens: 0, totalTokens: 1325 }); // '1,325'
 */
export function formatTokens(counts: TokenCounts | undefined, compact = false): string {
  return formatCount(counts?.totalTokens, compact);
}

/**
 * Input and output tokens, `1,325 in / 0 out`: '—' when neither is known.
 *
 * @example
 * formatTokenSplit({ inputTokens: 1325, outputTokens: 0, totalTokens: 1325 }); // '1,325 in / 0 out'
 */
export function formatTokenSplit(counts: TokenCounts | undefined, compact = false): string {
  if (counts?.inputTokens === undefined && counts?.outputTokens === undefined) return '—';
  return `${formatCount(counts.inputTokens ?? 0, compact)} in / ${formatCount(counts.outputTokens ?? 0, compact)} out`;
}

/**
 * A sum that stays unknown when every part is: cost or tokens over traces some of which have none.
 *
 * @example
 * sumKnown([0.5, undefined, 0.25]); // 0.75
 * sumKnown([undefined, null]); // undefined
 */
export function sumKnown(values: Iterable<number | null | undefined>): number | undefined {
  let sum: number | undefined;
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v)) sum = (sum ?? 0) + v;
  return sum;
}

/**
 * A metric or param value: integers as they are, other numbers to 4 significant digits.
 *
 * @example
 * formatMetric(0.912345); // '0.9123'
 * formatMetric(12); // '12'
 */
export function formatMetric(v: number | string | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

/**
 * A byte size: `512 B`, `1.5 KB`, `3.2 MB`.
 *
 * @example
 * formatBytes(1536); // '1.5 KB'
 */
export function formatBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/**
 * Text cut to `max` characters with an ellipsis.
 *
 * @example
 * truncate('hello world', 8); // 'hello w…'
 */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
