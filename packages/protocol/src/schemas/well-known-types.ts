/**
 * protobuf-JSON codecs for `google.protobuf.Timestamp` (RFC 3339, UTC `Z` or an offset, up to nine
 * fractional digits) and `google.protobuf.Duration` (`"1.532s"`), at millisecond resolution.
 */

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i;
const DURATION = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/;

/**
 * Epoch milliseconds of a Timestamp string, or undefined when it is not one.
 *
 * @example
 * timestampToMs('2025-06-15T14:07:41.282Z'); // 1749996461282
 */
export function timestampToMs(text: string): number | undefined {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return undefined;
  const seconds = Date.parse(`${m[1]}${m[3]?.toUpperCase() === 'Z' ? 'Z' : m[3]}`);
  if (Number.isNaN(seconds)) return undefined;
  return seconds + Math.floor(Number(`0.${m[2] ?? '0'}`) * 1000);
}

/**
 * A Timestamp string (UTC, millisecond precision) for epoch milliseconds.
 *
 * @example
 * msToTimestamp(1749996461282); // '2025-06-15T14:07:41.282Z'
 */
export function msToTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Milliseconds of a Duration string, or undefined when it is not one.
 *
 * @example
 * durationToMs('0.532s'); // 532
 */
export function durationToMs(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  const ms = Number(m[2]) * 1000 + Math.floor(Number(`0.${m[3] ?? '0'}`) * 1000);
  return m[1] ? -ms : ms;
}

/**
 * A Duration string for milliseconds.
 *
 * @example
 * msToDuration(1532); // '1.532s'
 */
export function msToDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  const seconds = Math.floor(abs / 1000);
  const millis = abs % 1000;
  return millis === 0 ? `${sign}${seconds}s` : `${sign}${seconds}.${String(millis).padStart(3, '0')}s`;
}
