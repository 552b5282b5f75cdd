import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { clientTraceId, pageSize, spanIdField, timestampMs, traceKeyValueMap, traceMapProblem } from './trace-fields.js';

const issue = (schema: z.ZodType, value: unknown) => {
  const result = z.object({ f: schema }).safeParse({ f: value });
  return result.success ? undefined : { message: result.error.issues[0]?.message, params: (result.error.issues[0] as { params?: unknown }).params };
};

describe('trace field checks', () => {
  it('decodes span ids given as hex or base64 (standard or URL-safe) to lowercase hex', () => {
    const field = spanIdField('parent_span_id');
    expect(field.parse('00000000000000AB')).toBe('00000000000000ab');
    expect(field.parse('AAAAAAAAAAE=')).toBe('0000000000000001');
    expect(field.parse('/+7dzLuqmYg')).toBe('ffeeddccbbaa9988');
    expect(field.parse('_-7dzLuqmYg=')).toBe('ffeeddccbbaa9988');
    expect(issue(field, 'xyz')).toMatchObject({ message: expect.stringContaining("'parent_span_id'"), params: { loupe: 'invalid' } });
  });

  it("checks trace maps against MLflow's limits, naming the map", () => {
    expect(traceMapProblem('tags', { env: 'prod' })).toBeUndefined();
    expect(traceMapProblem('tags', { '': 'x' })).toBe("Invalid key '' in 'tags': keys must not be empty.");
    expect(traceMapProblem('tags', { ['k'.repeat(251)]: 'x' })).toBe("'tags key' exceeds the maximum length of 250 characters (got 251).");
    expect(traceMapProblem('tags', { k: 'v'.repeat(8001) })).toBe("'tags['k']' exceeds the maximum length of 8000 characters (got 8001).");
  });

  it('reads {key, value} lists as maps, each entry with a key', () => {
    expect(traceKeyValueMap('tags').parse([{ key: 'a', value: '1' }, { key: 'b' }])).toEqual({ a: '1', b: '' });
    expect(issue(traceKeyValueMap('tags'), [{ value: 'v' }])).toMatchObject({ params: { loupe: 'missing', field: 'tags[0].key' } });
  });

  it('decodes Timestamps, an empty one counting as missing', () => {
    expect(timestampMs('t').parse('2025-06-15T14:07:41.282Z')).toBe(1749996461282);
    expect(issue(timestampMs('t'), 'yesterday')).toMatchObject({ message: expect.stringContaining('RFC 3339'), params: { loupe: 'invalid' } });
    expect(issue(timestampMs('t'), '')).toMatchObject({ params: { loupe: 'missing', field: 't' } });
  });

  it('accepts client trace ids that are safe in artifact paths', () => {
    expect(clientTraceId('trace_id').parse('tr-0af7651916cd43dd8448eb211c80319c')).toBe('tr-0af7651916cd43dd8448eb211c80319c');
    expect(issue(clientTraceId('trace_id'), '../../etc')).toMatchObject({ params: { loupe: 'invalid' } });
    expect(issue(clientTraceId('trace_id'), undefined)).toMatchObject({ params: { loupe: 'missing', field: 'trace_id' } });
  });

  it('defaults max_results and refuses one out of range', () => {
    expect(pageSize(100, 500).parse(undefined)).toBe(100);
    expect(pageSize(100, 500).parse(0)).toBe(100);
    expect(pageSize(100, 500).parse('20')).toBe(20);
    expect(issue(pageSize(100, 500), 501)?.message).toBe("Invalid value 501 for parameter 'max_results' supplied. It must be at most 500, and greater than 0.");
  });
});
