import { describe, expect, it } from 'vitest';
import { composeTraceFilter } from './trace-filters';

describe('composeTraceFilter', () => {
  const now = Date.UTC(2025, 5, 15, 12, 0, 30);
  it('joins the typed filter and the quick filters with AND', () => {
    expect(composeTraceFilter({ filter: '' }, now)).toBe('');
    expect(composeTraceFilter({ filter: " span.type = 'LLM' ", status: 'ERROR' }, now)).toBe("span.type = 'LLM' AND trace.status = 'ERROR'");
    expect(composeTraceFilter({ filter: '', range: '1h' }, now)).toBe(`trace.timestamp_ms >= ${Date.UTC(2025, 5, 15, 11, 0, 30)}`);
    expect(composeTraceFilter({ filter: '', tag: 'env=prod' }, now)).toBe("tag.env = 'prod'");
    expect(composeTraceFilter({ filter: '', tag: "mlflow.user = o'brien" }, now)).toBe("tag.`mlflow.user` = 'o\\'brien'");
    expect(composeTraceFilter({ filter: '', text: ' refund 50% ' }, now)).toBe("trace.text LIKE '%refund 50%'");
    expect(composeTraceFilter({ filter: '', range: 'nope', status: '' }, now)).toBe('');
  });
});
