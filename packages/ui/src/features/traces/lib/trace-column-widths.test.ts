import type { Assessment } from '@loupe/protocol';
import { describe, expect, it } from 'vitest';
import { traceColumnWidths } from './trace-column-widths';
import type { TraceSummary } from './trace-info';

// Every character 6 px wide at 11 px, 7 px at 13 px: widths are easy to predict.
const measure = (text: string, px: number) => text.length * (px === 11 ? 6 : 7);
const row = (over: Partial<TraceSummary>): TraceSummary => ({
  id: 'tr-1',
  name: 'agent',
  requestTimeMs: 0,
  state: 'OK',
  tags: {},
  assessments: [],
  requestPreview: '',
  responsePreview: '',
  ...over,
});
const assessment = (name: string, value: unknown, valid = true) =>
  ({ assessment_id: name, assessment_name: name, feedback: { value }, valid, source: { source_type: 'HUMAN' } }) as unknown as Assessment;

describe('traceColumnWidths', () => {
  it('leaves Assessments out when no trace shows one (invalid ones do not count)', () => {
    expect(traceColumnWidths([row({}), row({ assessments: [assessment('old', true, false)] })], measure).assessments).toBeNull();
    expect(traceColumnWidths([row({}), row({ assessments: [assessment('relevance', 'yes')] })], measure).assessments).not.toBeNull();
  });

  it('sizes tags, session, user and assessments to the widest value: chips, gaps and padding', () => {
    const w = traceColumnWidths(
      [
        // 'env: production' (15) + 'team: payments' (14): (90 + 12) + 4 + (84 + 12) = 202, + 24 + 4 = 230
        row({ tags: { env: 'production', team: 'payments' }, session: 'checkout-session-2024', user: 'ann' }),
        row({ tags: { env: 'dev' }, user: 'customer-4711@example.com', assessments: [assessment('relevance', 'yes')] }),
      ],
      measure,
    );
    expect(w.tags).toEqual({ min: 140, max: 230 });
    expect(w.session).toEqual({ min: 110, max: 21 * 7 + 28 });
    expect(w.user).toEqual({ min: 100, max: 25 * 7 + 28 });
    // 'relevance: yes' (14 chars) = 84 + 12, + 28, under the header's width.
    expect(w.assessments).toEqual({ min: 130, max: 130 });
  });

  it('keeps within limits: at least the header, at most a share of the table, giving way to a floor', () => {
    const narrow = traceColumnWidths([row({})], measure);
    expect(narrow).toEqual({ tags: { min: 90, max: 90 }, session: { min: 100, max: 100 }, user: { min: 90, max: 90 }, assessments: null });
    const many = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`key${i}`, 'a long tag value here']));
    const wide = traceColumnWidths([row({ tags: many, session: 's'.repeat(200), user: 'u'.repeat(200) })], measure);
    expect(wide).toEqual({ tags: { min: 140, max: 380 }, session: { min: 110, max: 260 }, user: { min: 100, max: 240 }, assessments: null });
  });
});
