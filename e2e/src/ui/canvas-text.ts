import type { Page } from 'playwright-core';

/** One piece of text a chart drew on its canvas: uPlot draws its axis tick labels with `fillText`. */
export interface DrawnText {
  /** The accessible name of the chart the canvas belongs to (`Chart: loss`), or null. */
  chart: string | null;
  text: string;
  /** `center` for x-axis labels, `right`/`left` for y-axis labels (uPlot aligns them so). */
  align: string;
}

// Runs in the page before its own scripts: every fillText on a canvas is recorded with its chart.
const RECORDER = `
  window.__drawnText = [];
  const fillText = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, x, y, maxWidth) {
    const figure = this.canvas.closest('[role="img"]');
    window.__drawnText.push({ chart: figure ? figure.getAttribute('aria-label') : null, text: String(text), align: String(this.textAlign) });
    return maxWidth === undefined ? fillText.call(this, text, x, y) : fillText.call(this, text, x, y, maxWidth);
  };
`;

/**
 * Records the text charts draw on their canvases (axis tick labels are not in the DOM), so a test can
 * read what the user sees on an axis. Call before the page loads the charts.
 *
 * @example
 * await recordCanvasText(page);
 * const ticks = await canvasText(page, 'Chart: loss');
 */
export async function recordCanvasText(page: Page): Promise<void> {
  await page.addInitScript({ content: RECORDER });
}

/**
 * The text drawn so far on one chart's canvas; `clear` forgets it (to read the next draw alone).
 *
 * @example
 * const xTicks = (await canvasText(page, 'Chart: loss')).filter((t) => t.align === 'center');
 */
export async function canvasText(page: Page, chart: string, clear = false): Promise<DrawnText[]> {
  return page.evaluate(
    ([name, forget]) => {
      const w = globalThis as unknown as { __drawnText: DrawnText[] };
      const mine = w.__drawnText.filter((t) => t.chart === name);
      if (forget) w.__drawnText = w.__drawnText.filter((t) => t.chart !== name);
      return mine;
    },
    [chart, clear] as const,
  );
}
