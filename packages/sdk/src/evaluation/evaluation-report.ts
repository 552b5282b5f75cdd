import { feedbackScore } from './aggregate.js';
import type { FeedbackValue } from './scorer-types.js';

/** Where progress and the summary are written: `process.stderr`, `process.stdout`, or anything with `write`. */
export interface ReportStream {
  write(text: string): unknown;
  /** True on a terminal: the progress bar is redrawn in place. */
  isTTY?: boolean;
}

const BAR_WIDTH = 24;

/**
 * The progress of an evaluation: on a terminal one bar redrawn in place (`\r`), elsewhere a plain line
 * per 10% so logs stay readable.
 *
 * @example
 * const progress = new EvaluationProgress(40, process.stderr);
 * progress.tick(); // ... once per row
 * progress.done();
 */
export class EvaluationProgress {
  private completed = 0;
  private lastDecile = 0;
  private readonly startedAt = Date.now();

  constructor(
    private readonly total: number,
    private readonly stream: ReportStream | undefined,
  ) {
    if (stream?.isTTY) this.draw();
  }

  /** One more row done. */
  tick(): void {
    this.completed++;
    if (!this.stream) return;
    if (this.stream.isTTY) {
      this.draw();
      return;
    }
    const decile = Math.floor((this.completed / this.total) * 10);
    if (decile > this.lastDecile) {
      this.lastDecile = decile;
      this.stream.write(`Evaluating: ${this.completed}/${this.total} rows (${decile * 10}%)\n`);
    }
  }

  /** Ends the bar's line. */
  done(): void {
    if (this.stream?.isTTY) this.stream.write('\n');
  }

  private draw(): void {
    const filled = this.total === 0 ? BAR_WIDTH : Math.round((this.completed / this.total) * BAR_WIDTH);
    const seconds = Math.round((Date.now() - this.startedAt) / 1000);
    const pct = this.total === 0 ? 100 : Math.floor((this.completed / this.total) * 100);
    this.stream?.write(`\rEvaluating [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${this.completed}/${this.total} ${pct}% ${seconds}s`);
  }
}

/** What the summary table needs of each feedback. */
export interface ReportedFeedback {
  name: string;
  value?: FeedbackValue;
  error?: unknown;
}

/**
 * A compact table of an evaluation: per assessment name the mean (when values have a score), how many
 * values and how many errors, then the run and how many rows failed.
 *
 * @example
 * process.stdout.write(summaryTable('abc123', 12, 1, feedback));
 */
export function summaryTable(runId: string, rows: number, failedRows: number, feedback: readonly ReportedFeedback[]): string {
  const byName = new Map<string, { scores: number[]; values: number; errors: number }>();
  for (const f of feedback) {
    const s = byName.get(f.name) ?? { scores: [], values: 0, errors: 0 };
    if (f.error) s.errors++;
    else {
      s.values++;
      const score = feedbackScore(f.value);
      if (score !== undefined) s.scores.push(score);
    }
    byName.set(f.name, s);
  }
  const lines: string[][] = [['scorer', 'mean', 'values', 'errors']];
  for (const [name, s] of [...byName].sort(([a], [b]) => a.localeCompare(b))) {
    const mean = s.scores.length ? (s.scores.reduce((a, b) => a + b, 0) / s.scores.length).toFixed(3) : '-';
    lines.push([name, mean, String(s.values), String(s.errors)]);
  }
  const widths = lines[0]!.map((_, c) => Math.max(...lines.map((l) => l[c]!.length)));
  const table = lines.map((l) => l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
  const failed = failedRows ? `, ${failedRows} failed` : '';
  return `Evaluation run ${runId}: ${rows} rows${failed}\n${table}\n`;
}
