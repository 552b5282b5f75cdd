import { describe, expect, it } from 'vitest';
import { orderBySort } from './order-by-button';

describe('orderBySort', () => {
  it('gives the ordering column its direction and the others none', () => {
    expect(orderBySort('timestamp_ms DESC', 'timestamp_ms')).toBe('descending');
    expect(orderBySort('timestamp_ms ASC', 'timestamp_ms')).toBe('ascending');
    expect(orderBySort('timestamp_ms ASC', 'execution_time_ms')).toBeUndefined();
    expect(orderBySort('timestamp_ms ASC', undefined)).toBeUndefined();
  });

  it('splits on the last space, so a quoted key with spaces still matches', () => {
    expect(orderBySort('metrics.`my loss` ASC', 'metrics.`my loss`')).toBe('ascending');
  });
});
