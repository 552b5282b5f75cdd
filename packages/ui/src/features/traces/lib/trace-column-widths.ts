import type { Assessment } from '@loupe/protocol';
import { truncate } from '../../../shared/lib/format';
import type { MeasureText } from '../../../shared/lib/text-width';
import { assessmentValueText, type TraceSummary } from './trace-info';

/**
 * The traces table sizes its Tags, Session, User and Assessments columns to what the loaded traces
 * hold (each row is its own grid, so the widths are computed once for all), and leaves Assessments
 * out when no trace has one: the room goes to the columns that have something to show. On a narrow
 * screen they give way down to a floor before the table scrolls sideways.
 */

/**
 * The text of one tag chip.
 *
 * @example
 * tagChipText('env', 'production'); // 'env: production'
 */
export const tagChipText = (key: string, value: string): string => `${key}: ${truncate(value, 24)}`;

/**
 * The text of one assessment chip.
 *
 * @example
 * assessmentChipText({ assessment_name: 'relevance', feedback: { value: 'yes' } } as Assessment); // 'relevance: yes'
 */
export const assessmentChipText = (a: Pick<Assessment, 'assessment_name' | 'feedback' | 'expectation'>): string =>
  `${a.assessment_name}: ${truncate(assessmentValueText(a), 16)}`;

/**
 * The assessments a row shows (the valid ones).
 *
 * @example
 * shownAssessments(summary).map(assessmentChipText);
 */
export const shownAssessments = (row: Pick<TraceSummary, 'assessments'>): Assessment[] => row.assessments.filter((a) => a.valid);

/** A column's width range in pixels: it takes up to `max` (what its content needs) when there is room, never less than `min`. */
export interface ColumnFit {
  min: number;
  max: number;
}

/** The fitted columns' ranges; `assessments` is null when the column has nothing to show. */
export interface TraceColumnWidths {
  tags: ColumnFit;
  session: ColumnFit;
  user: ColumnFit;
  assessments: ColumnFit | null;
}

/** Cell padding (px-3 on both sides), a chip's padding (px-1.5) and the gap between chips (gap-1). */
const CELL_PAD = 24;
const CHIP_PAD = 12;
const CHIP_GAP = 4;
/** Rounding room, so a measured text never ends one pixel short. */
const SLACK = 4;
/** Font sizes: cells are 13px, chips 11px. */
const CELL_PX = 13;
const CHIP_PX = 11;
/**
 * Per column: the header's width (the least it takes), how far it gives way on a narrow screen, and
 * the most it takes (so one long value does not squeeze the rest).
 */
const LIMITS = {
  tags: { header: 90, yield: 140, cap: 380 },
  session: { header: 100, yield: 110, cap: 260 },
  user: { header: 90, yield: 100, cap: 240 },
  assessments: { header: 130, yield: 140, cap: 380 },
} as const;

/**
 * The width ranges the traces' Tags, Session, User and Assessments need: up to their widest value
 * (chips, gaps and padding measured), within limits.
 *
 * @example
 * const widths = traceColumnWidths(rows, measureText);
 * widths.assessments === null; // no trace in view has an assessment: the column is left out
 */
export function traceColumnWidths(rows: readonly TraceSummary[], measure: MeasureText): TraceColumnWidths {
  const chips = (texts: string[]) => texts.reduce((w, t, i) => w + measure(t, CHIP_PX) + CHIP_PAD + (i ? CHIP_GAP : 0), 0);
  let tags = 0;
  let session = 0;
  let user = 0;
  let assessments = 0;
  let anyAssessment = false;
  for (const r of rows) {
    tags = Math.max(tags, chips(Object.entries(r.tags).map(([k, v]) => tagChipText(k, v))));
    if (r.session) session = Math.max(session, measure(r.session, CELL_PX));
    if (r.user) user = Math.max(user, measure(r.user, CELL_PX));
    const shown = shownAssessments(r);
    if (shown.length) {
      anyAssessment = true;
      assessments = Math.max(assessments, chips(shown.map(assessmentChipText)));
    }
  }
  const fit = (content: number, limits: { header: number; yield: number; cap: number }): ColumnFit => {
    const max = Math.ceil(Math.min(limits.cap, Math.max(limits.header, content + CELL_PAD + SLACK)));
    return { min: Math.min(max, limits.yield), max };
  };
  return {
    tags: fit(tags, LIMITS.tags),
    session: fit(session, LIMITS.session),
    user: fit(user, LIMITS.user),
    assessments: anyAssessment ? fit(assessments, LIMITS.assessments) : null,
  };
}
