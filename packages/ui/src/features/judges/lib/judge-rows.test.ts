import type { OnlineScoringConfig, Scorer, ScorerOnlineStatus } from '@loupe/protocol';
import { describe, expect, it } from 'vitest';
import { backlogOf, backlogText, formatSampleRate, judgeModel, judgeRows, sampleRateFromPercent } from './judge-rows';

const scorer = (name: string, id: string, serialized: object): Scorer => ({
  experiment_id: 1,
  scorer_name: name,
  scorer_version: 2,
  serialized_scorer: JSON.stringify(serialized),
  creation_time: 1,
  scorer_id: id,
});
const status = (id: string, patch: Partial<ScorerOnlineStatus> = {}): ScorerOnlineStatus => ({
  scorer_id: id,
  name: id,
  version: 2,
  session_level: false,
  pending_jobs: 0,
  running_jobs: 0,
  failed_jobs: 0,
  ...patch,
});

describe('judge rows', () => {
  it('reads the model of make_judge and built-in judges, and nothing from code scorers or bad JSON', () => {
    expect(judgeModel(JSON.stringify({ instructions_judge_pydantic_data: { model: 'gateway:/judge-ep' } }))).toBe('gateway:/judge-ep');
    expect(judgeModel(JSON.stringify({ builtin_scorer_class: 'Safety', builtin_scorer_pydantic_data: { model: 'gateway:/safe' } }))).toBe('gateway:/safe');
    expect(judgeModel(JSON.stringify({ call_source: 'def f(): ...' }))).toBeUndefined();
    expect(judgeModel('not json')).toBeUndefined();
  });

  it('joins scorers with their configs and progress, sorted by name; no config or rate 0 is stopped', () => {
    const scorers = [
      scorer('tone', 's2', { instructions_judge_pydantic_data: { model: 'gateway:/ep' } }),
      scorer('polite', 's1', { instructions_judge_pydantic_data: { model: 'gateway:/ep' } }),
      scorer('code', 's3', { call_source: 'x' }),
    ];
    const configs: OnlineScoringConfig[] = [
      { online_scoring_config_id: 'c1', scorer_id: 's1', sample_rate: 0.5, experiment_id: '1', filter_string: "tags.env = 'prod'" },
      { online_scoring_config_id: 'c2', scorer_id: 's2', sample_rate: 0, experiment_id: '1' },
    ];
    const rows = judgeRows(scorers, configs, [status('s1', { pending_jobs: 2 })]);
    expect(rows.map((r) => [r.name, r.sampleRate, r.active, r.filterString, r.model])).toEqual([
      ['code', 0, false, undefined, undefined],
      ['polite', 0.5, true, "tags.env = 'prod'", 'gateway:/ep'],
      ['tone', 0, false, undefined, 'gateway:/ep'],
    ]);
    expect(rows[1]!.status?.pending_jobs).toBe(2);
    expect(rows[2]!.status).toBeUndefined();
  });

  it('formats and reads sample rates as percentages', () => {
    expect(formatSampleRate(1)).toBe('100%');
    expect(formatSampleRate(0.25)).toBe('25%');
    expect(formatSampleRate(0.001)).toBe('0.1%');
    expect(formatSampleRate(0.07)).toBe('7%');
    expect(sampleRateFromPercent('12.5')).toEqual({ rate: 0.125 });
    expect(sampleRateFromPercent(' 7 % ')).toEqual({ rate: 0.07 });
    expect(sampleRateFromPercent('0')).toEqual({ rate: 0 });
    expect(sampleRateFromPercent('100')).toEqual({ rate: 1 });
    for (const bad of ['', 'abc', '-1', '100.5']) expect(sampleRateFromPercent(bad)).toHaveProperty('problem');
  });

  it('sums the backlog and says it in words', () => {
    const row = judgeRows([scorer('polite', 's1', {})], [], [status('s1', { pending_jobs: 2, running_jobs: 1, failed_jobs: 4, unexamined_traces: 12 })])[0]!;
    const backlog = backlogOf(row)!;
    expect(backlog).toEqual({ jobs: 3, running: 1, failed: 4, unexamined: 12 });
    expect(backlogText(backlog)).toBe('3 queued (1 running) · 12 traces to examine');
    expect(backlogText({ jobs: 0, running: 0, failed: 0, unexamined: 1 })).toBe('none queued · 1 trace to examine');
    expect(backlogText({ jobs: 0, running: 0, failed: 0 })).toBe('none queued');
    expect(backlogOf({ ...row, status: undefined } as never)).toBeUndefined();
  });
});
