import { describe, expect, it } from 'vitest';
import { compareScores, normalizeFeedback, scoreNumber, scoreText, type Score } from './score-value';

const pass: Score = { kind: 'pass', text: 'yes' };
const fail: Score = { kind: 'fail', text: 'no' };
const num = (value: number): Score => ({ kind: 'number', value });

describe('normalizeFeedback', () => {
  it.each([
    [{ value: 'yes' }, pass],
    [{ value: 'No' }, { kind: 'fail', text: 'No' }],
    [{ value: true }, { kind: 'pass', text: 'true' }],
    [{ value: false }, { kind: 'fail', text: 'false' }],
    [{ value: 0.25 }, num(0.25)],
    [{ value: 'partially' }, { kind: 'text', text: 'partially' }],
    [{ value: { a: 1 } }, { kind: 'text', text: '{"a":1}' }],
    [{ error: { error_code: 'SCORER_ERROR', error_message: 'judge timed out' } }, { kind: 'error', message: 'judge timed out' }],
    [{ error: { error_code: 'SCORER_ERROR' } }, { kind: 'error', message: 'SCORER_ERROR' }],
    [{ value: 'yes', error: { error_message: 'late' } }, pass],
    [{}, { kind: 'none' }],
    [undefined, { kind: 'none' }],
  ])('%j -> %j', (feedback, score) => {
    expect(normalizeFeedback(feedback)).toEqual(score);
  });
});

describe('scoreNumber and scoreText', () => {
  it('reads pass as 1, fail as 0, numbers as themselves, the rest as nothing', () => {
    expect([pass, fail, num(3.5), { kind: 'text', text: 'x' }, { kind: 'error', message: 'e' }].map((s) => scoreNumber(s as Score))).toEqual([
      1,
      0,
      3.5,
      undefined,
      undefined,
    ]);
  });
  it('shows numbers to four significant digits', () => {
    expect(scoreText(num(0.123456))).toBe('0.1235');
    expect(scoreText(num(4))).toBe('4');
    expect(scoreText({ kind: 'error', message: 'boom' })).toBe('error');
  });
});

describe('compareScores', () => {
  it('marks pass -> fail and a lower number as regressions, the reverse as improvements', () => {
    expect(compareScores(pass, fail)).toBe('regression');
    expect(compareScores(fail, pass)).toBe('improvement');
    expect(compareScores(num(0.9), num(0.4))).toBe('regression');
    expect(compareScores(num(2), num(5))).toBe('improvement');
    expect(compareScores(pass, { kind: 'pass', text: 'true' })).toBe('same');
  });
  it('treats a new error as a regression and a fixed one as a change', () => {
    expect(compareScores(pass, { kind: 'error', message: 'x' })).toBe('regression');
    expect(compareScores({ kind: 'error', message: 'x' }, fail)).toBe('changed');
    expect(compareScores({ kind: 'error', message: 'x' }, { kind: 'error', message: 'y' })).toBe('same');
  });
  it('compares other text by equality and leaves a missing side undefined', () => {
    expect(compareScores({ kind: 'text', text: 'a' }, { kind: 'text', text: 'b' })).toBe('changed');
    expect(compareScores({ kind: 'text', text: 'a' }, { kind: 'text', text: 'a' })).toBe('same');
    expect(compareScores(undefined, pass)).toBeUndefined();
    expect(compareScores(pass, { kind: 'none' })).toBeUndefined();
  });
});
