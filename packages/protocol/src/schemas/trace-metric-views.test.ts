import { describe, expect, it } from 'vitest';
import { dimensionsOf, metricsOf, parseMetricFilter, TRACE_METRIC_VIEWS } from './trace-metric-views.js';

describe('parseMetricFilter', () => {
  it("reads MLflow's trace-metrics filters, single or double quoted", () => {
    expect(parseMetricFilter('trace.status = "ERROR"')).toEqual({ on: 'trace', field: 'status', value: 'ERROR' });
    expect(parseMetricFilter("trace.tag.env = 'prod'")).toEqual({ on: 'trace', field: 'tag', key: 'env', value: 'prod' });
    expect(parseMetricFilter("trace.metadata.`mlflow.trace.session` = 'it''s'")).toEqual({
      on: 'trace',
      field: 'metadata',
      key: 'mlflow.trace.session',
      value: "it's",
    });
    expect(parseMetricFilter('span.type="LLM"')).toEqual({ on: 'span', field: 'type', value: 'LLM' });
    expect(parseMetricFilter("assessment.name = 'helpful'")).toEqual({ on: 'assessment', field: 'name', value: 'helpful' });
  });
});

describe('TRACE_METRIC_VIEWS', () => {
  it("names MLflow's metrics and dimensions per view; count metrics only take COUNT", () => {
    expect(Object.keys(TRACE_METRIC_VIEWS)).toEqual(['TRACES', 'SPANS', 'ASSESSMENTS']);
    expect(metricsOf('TRACES')).toMatchObject({ trace_count: 'count', session_count: 'count', latency: 'value', total_cost: 'value' });
    expect(metricsOf('SPANS').span_count).toBe('count');
    expect(dimensionsOf('ASSESSMENTS')).toEqual(['assessment_name', 'assessment_value']);
  });
});
