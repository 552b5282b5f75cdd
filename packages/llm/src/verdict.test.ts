import { describe, expect, it } from 'vitest';
import { parseVerdict } from './verdict.js';

describe('parseVerdict', () => {
  it('reads plain, fenced and chatty answers, with braces inside strings', () => {
    expect(parseVerdict('{"rationale":"ok","result":"no"}', { kind: 'yes_no' })).toEqual({ verdict: { value: 'no', rationale: 'ok' } });
    expect(parseVerdict('```\n{"result": true, "rationale": "a } in text"}\n```', { kind: 'yes_no' })).toEqual({
      verdict: { value: 'yes', rationale: 'a } in text' },
    });
    expect(parseVerdict('I think {not json} but {"result": "PASS"} overall', { kind: 'yes_no' })).toEqual({ verdict: { value: 'yes', rationale: '' } });
  });

  it('coerces to the value type and explains what does not fit', () => {
    expect(parseVerdict('{"result": "4"}', { kind: 'number', min: 1, max: 5 })).toMatchObject({ verdict: { value: 4 } });
    expect(parseVerdict('{"result": 9}', { kind: 'number', min: 1, max: 5 })).toEqual({ problem: '"result" must be between 1 and 5, got 9' });
    expect(parseVerdict('{"result": "yes"}', { kind: 'boolean' })).toMatchObject({ verdict: { value: true } });
    expect(parseVerdict('{"result": "Math"}', { kind: 'string', options: ['math', 'other'] })).toMatchObject({ verdict: { value: 'math' } });
    expect(parseVerdict('{"result": "maybe"}', { kind: 'yes_no' })).toEqual({ problem: '"result" must be "yes" or "no", got "maybe"' });
    expect(parseVerdict('no json here', { kind: 'yes_no' })).toEqual({ problem: 'the answer holds no JSON object' });
    expect(parseVerdict('{"rationale": "x"}', { kind: 'yes_no' })).toEqual({ problem: 'the JSON object has no "result"' });
  });
});
