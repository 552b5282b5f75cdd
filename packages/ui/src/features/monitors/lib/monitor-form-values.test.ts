import type { Monitor } from '@loupe/protocol';
import { describe, expect, it } from 'vitest';
import { BLANK_MONITOR, conditionText, formatMonitorValue, formatSpan, formProblem, formValuesOf, monitorBody, stateTone } from './monitor-form-values';

const monitor: Monitor = {
  monitor_id: 'm-1',
  experiment_id: '1',
  name: 'errors',
  metric: 'error_rate',
  comparator: '>',
  threshold: 0.1,
  window_ms: 300_000,
  interval_ms: 60_000,
  min_samples: 10,
  enabled: true,
  state: 'ALERT',
  filter_string: "tag.env = 'prod'",
  creation_timestamp: 1,
  last_updated_timestamp: 1,
};

describe('monitor values', () => {
  it('formats values in their unit', () => {
    expect(formatMonitorValue('error_rate', 0.125)).toBe('12.5%');
    expect(formatMonitorValue('latency_p95', 1500)).toBe('1.50s');
    expect(formatMonitorValue('avg_cost', 0.5)).toBe('$0.500');
    expect(formatMonitorValue('assessment_avg', 2 / 3)).toBe('0.667');
    expect(formatMonitorValue('trace_count', undefined)).toBe('—');
  });

  it('says the rule in one line and colours the state', () => {
    expect(conditionText(monitor)).toBe('Error rate > 10% over 5 min');
    expect(conditionText({ ...monitor, metric: 'assessment_pass_rate', assessment_name: 'safe', comparator: '<', threshold: 0.9, window_ms: 86_400_000 })).toBe(
      'Judge pass rate (safe) < 90% over 1 d',
    );
    expect(formatSpan(90_000)).toBe('90 s');
    expect(stateTone('ALERT')).toBe('red');
    expect(stateTone('NO_DATA')).toBe('zinc');
  });

  it('checks the form and turns it into a request body that round-trips', () => {
    expect(formProblem(BLANK_MONITOR)).toMatch(/name/);
    expect(formProblem({ ...BLANK_MONITOR, name: 'x', threshold: 'high' })).toMatch(/threshold/);
    expect(formProblem({ ...BLANK_MONITOR, name: 'x', threshold: '1', metric: 'assessment_avg' })).toMatch(/judge/);
    expect(formProblem({ ...BLANK_MONITOR, name: 'x', threshold: '1', minSamples: '0' })).toMatch(/Minimum samples/);
    expect(formProblem(formValuesOf(monitor))).toBeUndefined();
    expect(monitorBody(formValuesOf(monitor))).toEqual({
      name: 'errors',
      description: '',
      metric: 'error_rate',
      assessment_name: '',
      filter_string: "tag.env = 'prod'",
      comparator: '>',
      threshold: 0.1,
      window_ms: 300_000,
      interval_ms: 60_000,
      min_samples: 10,
      enabled: true,
    });
    // A judge's name typed for a judge metric, then left behind when the metric changes, is not sent.
    expect(monitorBody({ ...formValuesOf(monitor), assessmentName: 'safe' }).assessment_name).toBe('');
  });
});
