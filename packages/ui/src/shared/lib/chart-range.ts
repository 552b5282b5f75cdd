/**
 * Axis ranges for charts that never collapse to a point. A chart with one point (one metric logged
 * once) has min === max on both axes; left to itself, uPlot pads such a range by a fraction of the
 * value and widens a lone time by 86,400 / 0.001 seconds, so a wall-time axis spanned years (2027 to
 * 2029) and a step axis showed 0.2 steps.
 */

/**
 * How far a lone value is padded on each side: a minute on a wall-time axis (seconds), one unit on a
 * numeric x axis (a step, a second), a tenth of the value on a y axis (1 at zero).
 *
 * @example
 * lonePad('time', 1_700_000_000); // 60
 * lonePad('y', 0.91); // 0.091
 */
export function lonePad(axis: 'time' | 'number' | 'y', value: number): number {
  if (axis === 'time') return 60;
  if (axis === 'number') return 1;
  return Math.abs(value) * 0.1 || 1;
}

/**
 * The range of an axis: `[min, max]` as they are, or, when they are one value, that value with
 * {@link lonePad} on each side. Null when there is no data (uPlot then decides).
 *
 * @example
 * spreadRange('time', 1_700_000_000, 1_700_000_000); // [1_699_999_940, 1_700_000_060]
 * spreadRange('number', 0, 10); // [0, 10]
 */
export function spreadRange(axis: 'time' | 'number' | 'y', min: number | null, max: number | null): [number, number] | null {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return null;
  if (min !== max) return [min, max];
  const pad = lonePad(axis, min);
  return [min - pad, max + pad];
}

/**
 * Tick steps for an axis of whole numbers (steps): 1, 2, 5, 10, 20, 50 ... never a fraction.
 *
 * @example
 * <TimeSeriesChart xIntegers ... /> // uses INTEGER_INCREMENTS as the x axis' `incrs`
 */
export const INTEGER_INCREMENTS: number[] = Array.from({ length: 16 }, (_, e) => [1, 2, 5].map((m) => m * 10 ** e)).flat();

/**
 * The width of a y axis holding `labels` (uPlot draws them at 12 px), ticks and gap included: as wide as
 * the widest label needs, never narrower than 56 px, so small costs (`$0.000012`) are not cut off.
 *
 * @example
 * yAxisSize(['$0', '$0.000005', '$0.00001'], measureText); // about 76
 */
export function yAxisSize(labels: readonly string[] | null | undefined, measure: (text: string, sizePx: number) => number): number {
  const widest = Math.max(0, ...(labels ?? []).map((l) => measure(l, 12)));
  // uPlot's tick length (10) and gap (5), and a little air on the left.
  return Math.max(56, Math.ceil(widest) + 19);
}
