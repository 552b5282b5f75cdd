/**
 * Measures text as the browser will draw it (canvas `measureText` in the page's own font), for sizing
 * table columns to their content. Outside a browser (unit tests) it estimates.
 */

let context: CanvasRenderingContext2D | null | undefined;
let family: string | undefined;

/** How wide `text` is, in CSS pixels, at a font size and weight. */
export type MeasureText = (text: string, sizePx: number, weight?: number) => number;

/**
 * The width of `text` in the page's font.
 *
 * @example
 * measureText('env: production', 11); // about 80
 */
export const measureText: MeasureText = (text, sizePx, weight = 400) => {
  if (context === undefined) context = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
  if (!context) return text.length * sizePx * 0.62;
  family ??= getComputedStyle(document.body).fontFamily || 'sans-serif';
  context.font = `${weight} ${sizePx}px ${family}`;
  return context.measureText(text).width;
};
