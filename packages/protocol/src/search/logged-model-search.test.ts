import { describe, expect, it } from 'vitest';
import type { Comparator } from './ast.js';
import { parseLoggedModelFilter, parseLoggedModelOrderByField } from './logged-model-search.js';
import { expectInvalid } from './testing/expect-invalid.js';

const NUMERIC: Comparator[] = ['=', '!=', '<', '<=', '>', '>='];
const STRING: Comparator[] = ['=', '!=', 'LIKE', 'ILIKE'];

describe('parseLoggedModelFilter', () => {
  it.each([undefined, '', ' '])('returns [] for %j', (filter) => {
    expect(parseLoggedModelFilter(filter)).toEqual([]);
  });

  it.each([
    ['metrics.acc > 0.5', 'metric'],
    ['metric.acc > 0.5', 'metric'],
    ["params.acc = 'x'", 'param'],
    ["param.acc = 'x'", 'param'],
    ["parameter.acc = 'x'", 'param'],
    ["parameters.acc = 'x'", 'param'],
    ["tags.acc = 'x'", 'tag'],
    ["tag.acc = 'x'", 'tag'],
  ] as const)('%s -> %s', (filter, entity) => {
    expect(parseLoggedModelFilter(filter)).toMatchObject([{ entity, key: 'acc' }]);
  });

  it.each(['attributes', 'attribute', 'attr', 'run'])('%s. addresses attributes', (prefix) => {
    expect(parseLoggedModelFilter(`${prefix}.name = 'm'`)).toEqual([{ entity: 'attribute', key: 'name', op: '=', value: { kind: 'string', value: 'm' } }]);
  });

  it.each(NUMERIC)('accepts metrics %s', (op) => {
    expect(parseLoggedModelFilter(`metrics.\`val loss\` ${op} -1e-2`)).toEqual([
      { entity: 'metric', key: 'val loss', op, value: { kind: 'number', value: -0.01 } },
    ]);
  });

  it.each(['params', 'tags'].flatMap((prefix) => STRING.map((op) => [prefix, op] as const)))('accepts %s %s', (prefix, op) => {
    const [clause] = parseLoggedModelFilter(`${prefix}.k ${op} 'v'`);
    expect(clause).toEqual({ entity: prefix === 'params' ? 'param' : 'tag', key: 'k', op, value: { kind: 'string', value: 'v' } });
  });

  const stringAttributes = ['name', 'model_id', 'model_type', 'status', 'source_run_id'];
  it.each(stringAttributes.flatMap((key) => STRING.map((op) => [key, op] as const)))('accepts %s %s', (key, op) => {
    expect(parseLoggedModelFilter(`${key} ${op} 'v'`)).toEqual([{ entity: 'attribute', key, op, value: { kind: 'string', value: 'v' } }]);
  });

  it.each(stringAttributes.flatMap((key) => (['IN', 'NOT IN'] as const).map((op) => [key, op] as const)))('accepts %s %s a list', (key, op) => {
    expect(parseLoggedModelFilter(`${key} ${op} ('a', 'b')`)).toEqual([{ entity: 'attribute', key, op, value: { kind: 'list', values: ['a', 'b'] } }]);
  });

  it.each([
    ['creation_timestamp', 'creation_timestamp_ms'],
    ['creation_time', 'creation_timestamp_ms'],
    ['last_updated_timestamp', 'last_updated_timestamp_ms'],
    ['last_updated_time', 'last_updated_timestamp_ms'],
  ])('resolves the numeric attribute %s to %s', (written, key) => {
    for (const op of NUMERIC) {
      expect(parseLoggedModelFilter(`attributes.${written} ${op} 1700000000000`)).toEqual([
        { entity: 'attribute', key, op, value: { kind: 'number', value: 1700000000000 } },
      ]);
    }
  });

  it.each([
    [
      "datasets.name = 'x'",
      "Invalid entity type 'datasets' in 'datasets.name'. Valid values are ['attr', 'attribute', 'attributes', 'metric', 'metrics', 'param', 'parameter', 'parameters', 'params', 'run', 'tag', 'tags'].",
    ],
    [
      'creation_timestamp_ms > 1',
      "Invalid attribute key 'creation_timestamp_ms' specified. Valid keys are ['creation_time', 'creation_timestamp', 'last_updated_time', 'last_updated_timestamp', 'model_id', 'model_type', 'name', 'source_run_id', 'status'].",
    ],
    ["experiment_id = '1'", "Invalid attribute key 'experiment_id' specified."],
    ["metrics.acc > 'high'", "Expected a numeric value for metric 'acc'. Found 'high'."],
    ["metrics.acc LIKE '1%'", "Invalid comparator 'LIKE' for metric 'acc'. Only '=', '!=', '<', '<=', '>', '>=' are supported for metrics."],
    ['name = 3', "Expected a quoted string value for attribute 'name' (e.g. 'my-value'). Found 3."],
    ["name > 'a'", "Invalid comparator '>' for attribute 'name'. Only '=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN' are supported for string attributes."],
    ["creation_time > '2024-01-01'", "Expected a numeric value for attribute 'creation_time'. Found '2024-01-01'."],
    ["creation_time IN ('1')", "Invalid comparator 'IN' for attribute 'creation_time'."],
    ["tags.t IN ('a')", "Invalid comparator 'IN' for tag 't'. Only '=', '!=', 'LIKE', 'ILIKE' are supported for tags."],
    ["params.p RLIKE 'a'", "Invalid comparator 'RLIKE' for param 'p'."],
    ["name = 'a' ; name = 'b'", "Multiple statements (';')"],
  ])('rejects %s', (filter, message) => {
    expectInvalid(() => parseLoggedModelFilter(filter), message);
  });
});

describe('parseLoggedModelOrderByField', () => {
  it.each([
    ['metrics.acc', { entity: 'metric', key: 'acc' }],
    ['metrics.val loss', { entity: 'metric', key: 'val loss' }],
    ['metrics.a.b', { entity: 'metric', key: 'a.b' }],
    ['metrics.`acc`', { entity: 'metric', key: '`acc`' }],
    ['name', { entity: 'attribute', key: 'name' }],
    [' name ', { entity: 'attribute', key: 'name' }],
    ['model_id', { entity: 'attribute', key: 'model_id' }],
    ['model_type', { entity: 'attribute', key: 'model_type' }],
    ['status', { entity: 'attribute', key: 'status' }],
    ['source_run_id', { entity: 'attribute', key: 'source_run_id' }],
    ['creation_timestamp', { entity: 'attribute', key: 'creation_timestamp_ms' }],
    ['creation_time', { entity: 'attribute', key: 'creation_timestamp_ms' }],
    ['last_updated_timestamp', { entity: 'attribute', key: 'last_updated_timestamp_ms' }],
    ['last_updated_time', { entity: 'attribute', key: 'last_updated_timestamp_ms' }],
  ])('reads %j', (fieldName, field) => {
    expect(parseLoggedModelOrderByField(fieldName)).toEqual(field);
  });

  it.each([
    ['', '`field_name` in the `order_by` clause must be specified.'],
    ['  ', '`field_name` in the `order_by` clause must be specified.'],
    ['params.lr', 'Invalid order by field name: params, only `metrics.<name>` is allowed.'],
    ['metric.acc', 'Invalid order by field name: metric, only `metrics.<name>` is allowed.'],
    ['tags.t', 'Invalid order by field name: tags, only `metrics.<name>` is allowed.'],
    ['metrics.', 'Invalid order by field name: metrics.. The metric name must not be empty.'],
    ['name DESC', "Invalid attribute key 'name DESC' specified."],
    [
      'foo',
      "Invalid attribute key 'foo' specified. Valid keys are ['creation_time', 'creation_timestamp', 'last_updated_time', 'last_updated_timestamp', 'model_id', 'model_type', 'name', 'source_run_id', 'status'].",
    ],
  ])('rejects %j', (fieldName, message) => {
    expectInvalid(() => parseLoggedModelOrderByField(fieldName), message);
  });
});
