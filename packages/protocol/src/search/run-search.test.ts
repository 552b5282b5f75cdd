import { describe, expect, it } from 'vitest';
import type { Comparator } from './ast.js';
import { parseRunFilter, parseRunOrderBy } from './run-search.js';
import { expectInvalid } from './testing/expect-invalid.js';

const NUMERIC: Comparator[] = ['=', '!=', '<', '<=', '>', '>='];
const STRING: Comparator[] = ['=', '!=', 'LIKE', 'ILIKE'];

describe('parseRunFilter: empty input', () => {
  it.each([undefined, '', ' ', '\n\t '])('returns [] for %j', (filter) => {
    expect(parseRunFilter(filter)).toEqual([]);
  });
});

describe('parseRunFilter: prefixes', () => {
  it.each([
    ['metrics.m > 1', 'metric'],
    ['metric.m > 1', 'metric'],
    ["params.m = 'v'", 'param'],
    ["param.m = 'v'", 'param'],
    ["parameter.m = 'v'", 'param'],
    ["parameters.m = 'v'", 'param'],
    ["tags.m = 'v'", 'tag'],
    ["tag.m = 'v'", 'tag'],
  ] as const)('%s -> %s', (filter, entity) => {
    const [clause] = parseRunFilter(filter);
    expect(clause).toMatchObject({ entity, key: 'm' });
  });

  it.each(['attributes', 'attribute', 'attr', 'run'])('%s. addresses attributes', (prefix) => {
    expect(parseRunFilter(`${prefix}.status = 'FINISHED'`)).toEqual([
      { entity: 'attribute', key: 'status', op: '=', value: { kind: 'string', value: 'FINISHED' } },
    ]);
  });

  it.each(['datasets', 'dataset'])('%s. addresses datasets', (prefix) => {
    expect(parseRunFilter(`${prefix}.name = 'train'`)).toEqual([{ entity: 'dataset', key: 'name', op: '=', value: { kind: 'string', value: 'train' } }]);
  });

  it('reads a key without prefix as an attribute', () => {
    expect(parseRunFilter("run_name = 'r'")).toEqual([{ entity: 'attribute', key: 'run_name', op: '=', value: { kind: 'string', value: 'r' } }]);
  });

  it('accepts a backtick-quoted prefix', () => {
    expect(parseRunFilter('`metrics`.`a b` < 2')).toEqual([{ entity: 'metric', key: 'a b', op: '<', value: { kind: 'number', value: 2 } }]);
  });

  it.each([
    [
      "bogus.x = 'a'",
      "Invalid entity type 'bogus' in 'bogus.x'. Valid values are ['attr', 'attribute', 'attributes', 'dataset', 'datasets', 'metric', 'metrics', 'param', 'parameter', 'parameters', 'params', 'run', 'tag', 'tags'].",
    ],
    ['Metrics.a > 1', "Invalid entity type 'Metrics'"],
    ["trace.status = 'OK'", "Invalid entity type 'trace'"],
  ])('rejects the prefix of %s', (filter, message) => {
    expectInvalid(() => parseRunFilter(filter), message);
  });
});

describe('parseRunFilter: metrics', () => {
  it.each(NUMERIC)('accepts %s with a number', (op) => {
    expect(parseRunFilter(`metrics.acc ${op} 0.5`)).toEqual([{ entity: 'metric', key: 'acc', op, value: { kind: 'number', value: 0.5 } }]);
  });

  it.each(['LIKE', 'ILIKE', 'RLIKE'])('rejects %s', (op) => {
    expectInvalid(
      () => parseRunFilter(`metrics.acc ${op} '0.5'`),
      `Invalid comparator '${op}' for metric 'acc'. Only '=', '!=', '<', '<=', '>', '>=' are supported for metrics.`,
    );
  });

  it.each([
    ["metrics.acc IN ('1')", 'IN'],
    ["metrics.acc NOT IN ('1')", 'NOT IN'],
    ['metrics.acc IS NULL', 'IS NULL'],
  ])('rejects %s', (filter, op) => {
    expectInvalid(() => parseRunFilter(filter), `Invalid comparator '${op}' for metric 'acc'.`);
  });

  it.each([
    ["metrics.acc > '0.5'", "Expected a numeric value for metric 'acc'. Found '0.5'."],
    ['metrics.acc > "0.5"', `Expected a numeric value for metric 'acc'. Found "0.5".`],
    ['metrics.acc > high', "Expected a numeric value for metric 'acc'. Found high."],
    ['metrics.acc > `x`', "Expected a numeric value for metric 'acc'. Found `x`."],
  ])('rejects the non-numeric value in %s', (filter, message) => {
    expectInvalid(() => parseRunFilter(filter), message);
  });
});

describe('parseRunFilter: params and tags', () => {
  it.each(STRING)('accepts params with %s', (op) => {
    expect(parseRunFilter(`params.lr ${op} '0.1'`)).toEqual([{ entity: 'param', key: 'lr', op, value: { kind: 'string', value: '0.1' } }]);
  });

  it.each(STRING)('accepts tags with %s', (op) => {
    expect(parseRunFilter(`tags.\`mlflow.user\` ${op} "alice"`)).toEqual([
      { entity: 'tag', key: 'mlflow.user', op, value: { kind: 'string', value: 'alice' } },
    ]);
  });

  it.each(['>', '>=', '<', '<=', 'RLIKE'])('rejects %s on a tag with the tag comparators', (op) => {
    expect(expectInvalid(() => parseRunFilter(`tags.x ${op} 'a'`))).toBe(
      `Invalid comparator '${op}' for tag 'x'. Only '=', '!=', 'LIKE', 'ILIKE' are supported for tags.`,
    );
  });

  it.each(["params.x IN ('a')", "params.x NOT IN ('a')", 'params.x IS NOT NULL'])('rejects %s', (filter) => {
    expectInvalid(() => parseRunFilter(filter), "for param 'x'. Only '=', '!=', 'LIKE', 'ILIKE' are supported for params.");
  });

  it.each([
    ['params.lr = 0.1', "Expected a quoted string value for param 'lr' (e.g. 'my-value'). Found 0.1."],
    ['tags.t = abc', "Expected a quoted string value for tag 't' (e.g. 'my-value'). Found abc."],
    ['tags.t = `abc`', "Expected a quoted string value for tag 't' (e.g. 'my-value'). Found `abc`."],
  ])('rejects the unquoted value in %s', (filter, message) => {
    expectInvalid(() => parseRunFilter(filter), message);
  });

  it('keeps keys with spaces, dots and quotes', () => {
    expect(parseRunFilter(`params.a.b = 'x' and tags."my tag" = 'y' and params.\`it's\` = 'z'`)).toEqual([
      { entity: 'param', key: 'a.b', op: '=', value: { kind: 'string', value: 'x' } },
      { entity: 'tag', key: 'my tag', op: '=', value: { kind: 'string', value: 'y' } },
      { entity: 'param', key: "it's", op: '=', value: { kind: 'string', value: 'z' } },
    ]);
  });
});

describe('parseRunFilter: attributes', () => {
  const stringAttributes = ['run_id', 'run_name', 'status', 'user_id', 'artifact_uri'];
  it.each(stringAttributes.flatMap((key) => STRING.map((op) => [key, op] as const)))('accepts %s %s', (key, op) => {
    expect(parseRunFilter(`attributes.${key} ${op} 'v'`)).toEqual([{ entity: 'attribute', key, op, value: { kind: 'string', value: 'v' } }]);
  });

  it.each(['IN', 'NOT IN'] as const)('accepts run_id %s a list', (op) => {
    expect(parseRunFilter(`run_id ${op} ('a1', "b2")`)).toEqual([{ entity: 'attribute', key: 'run_id', op, value: { kind: 'list', values: ['a1', 'b2'] } }]);
  });

  it.each(['run_name', 'status', 'user_id', 'artifact_uri'])('rejects IN on %s', (key) => {
    expectInvalid(
      () => parseRunFilter(`${key} IN ('a')`),
      `Invalid comparator 'IN' for attribute '${key}'. Only '=', '!=', 'LIKE', 'ILIKE' are supported for string attributes (only 'run_id' takes IN / NOT IN).`,
    );
  });

  it.each(['start_time', 'end_time'].flatMap((key) => NUMERIC.map((op) => [key, op] as const)))('accepts %s %s', (key, op) => {
    expect(parseRunFilter(`attribute.${key} ${op} 1700000000000`)).toEqual([{ entity: 'attribute', key, op, value: { kind: 'number', value: 1700000000000 } }]);
  });

  it.each([
    ['created', 'start_time', '> 5'],
    ['Created', 'start_time', '> 5'],
    ['attr.created', 'start_time', '> 5'],
    ['`run name`', 'run_name', "= 'r'"],
    ['`Run name`', 'run_name', "= 'r'"],
    ['"Run Name"', 'run_name', "= 'r'"],
    ['attributes.`Run Name`', 'run_name', "= 'r'"],
  ])('resolves the alias %s to %s', (lhs, key, rest) => {
    const [clause] = parseRunFilter(`${lhs} ${rest}`);
    expect(clause).toMatchObject({ entity: 'attribute', key });
  });

  it.each([
    ['status = 5', "Expected a quoted string value for attribute 'status' (e.g. 'my-value'). Found 5."],
    ['run_name = -1.5', "Expected a quoted string value for attribute 'run_name' (e.g. 'my-value'). Found -1.5."],
    ["start_time > '1700000000000'", "Expected a numeric value for attribute 'start_time'. Found '1700000000000'."],
    ["created > 'yesterday'", "Expected a numeric value for attribute 'created'. Found 'yesterday'."],
  ])('rejects the wrongly typed value in %s', (filter, message) => {
    expectInvalid(() => parseRunFilter(filter), message);
  });

  it.each(['LIKE', 'ILIKE', 'IN'])('rejects %s on start_time', (op) => {
    expectInvalid(
      () => parseRunFilter(`start_time ${op} ${op === 'IN' ? "('1')" : "'1%'"}`),
      `Invalid comparator '${op}' for attribute 'start_time'.`,
      'numeric attributes',
    );
  });

  it.each(['foo', 'lifecycle_stage', 'run_uuid', 'experiment_id', 'Status'])('rejects the unknown attribute %s', (key) => {
    expect(expectInvalid(() => parseRunFilter(`${key} = 'x'`))).toBe(
      `Invalid attribute key '${key}' specified. Valid keys are ['Created', 'Run Name', 'Run name', 'artifact_uri', 'created', 'end_time', 'run name', 'run_id', 'run_name', 'start_time', 'status', 'user_id'].`,
    );
  });
});

describe('parseRunFilter: datasets', () => {
  const ops: Comparator[] = ['=', '!=', 'LIKE', 'ILIKE'];
  it.each(['name', 'digest', 'context'].flatMap((key) => ops.map((op) => [key, op] as const)))('accepts %s %s', (key, op) => {
    expect(parseRunFilter(`datasets.${key} ${op} 'v'`)).toEqual([{ entity: 'dataset', key, op, value: { kind: 'string', value: 'v' } }]);
  });

  it.each(['IN', 'NOT IN'] as const)('accepts %s lists on every dataset field', (op) => {
    for (const key of ['name', 'digest', 'context']) {
      expect(parseRunFilter(`dataset.${key} ${op} ('a', 'B')`)).toEqual([{ entity: 'dataset', key, op, value: { kind: 'list', values: ['a', 'B'] } }]);
    }
  });

  it('rejects numeric comparators and unknown dataset keys', () => {
    expectInvalid(() => parseRunFilter("datasets.name > 'a'"), "Invalid comparator '>' for dataset 'name'.", 'dataset fields');
    expectInvalid(() => parseRunFilter("datasets.source = 'a'"), "Invalid dataset key 'source' specified. Valid keys are ['context', 'digest', 'name'].");
    expectInvalid(() => parseRunFilter('datasets.name = 1'), "Expected a quoted string value for dataset 'name'");
  });
});

describe('parseRunFilter: whole filters', () => {
  it('parses a filter as the MLflow UI and client send it', () => {
    const filter =
      "attributes.status = 'FINISHED' and metrics.`val/acc` >= 0.9 AND tags.`mlflow.source.type` != 'NOTEBOOK' and params.optimizer LIKE 'adam%' and run_id IN ('0a1b', '2c3d')";
    expect(parseRunFilter(filter)).toEqual([
      { entity: 'attribute', key: 'status', op: '=', value: { kind: 'string', value: 'FINISHED' } },
      { entity: 'metric', key: 'val/acc', op: '>=', value: { kind: 'number', value: 0.9 } },
      { entity: 'tag', key: 'mlflow.source.type', op: '!=', value: { kind: 'string', value: 'NOTEBOOK' } },
      { entity: 'param', key: 'optimizer', op: 'LIKE', value: { kind: 'string', value: 'adam%' } },
      { entity: 'attribute', key: 'run_id', op: 'IN', value: { kind: 'list', values: ['0a1b', '2c3d'] } },
    ]);
  });

  it('reports the first failing clause', () => {
    expectInvalid(() => parseRunFilter("metrics.a > 1 and tags.b > 'x' and foo = 'y'"), "Invalid comparator '>' for tag 'b'");
  });

  it.each([
    ['xyz', "Invalid filter 'xyz'. Could not be parsed."],
    ["metrics.a > 1 OR tags.b = 'x'", "'OR' is not supported"],
    ["(metrics.a > 1) AND tags.b = 'x'", 'Parentheses for grouping are not supported'],
    ["tags.b = 'x'; tags.c = 'y'", "Multiple statements (';')"],
    ["tags.b = 'x", 'Unterminated string'],
    ['metrics.a >', "Expected a value after '>'"],
    ['metrics.a > 1 trailing', "Unexpected 'trailing'"],
  ])('rejects the malformed %s', (filter, message) => {
    expectInvalid(() => parseRunFilter(filter), message);
  });
});

describe('parseRunOrderBy', () => {
  it('returns [] without order_by', () => {
    expect(parseRunOrderBy()).toEqual([]);
    expect(parseRunOrderBy([])).toEqual([]);
  });

  it('parses metrics, params, tags and attributes with their directions', () => {
    expect(parseRunOrderBy(['metrics.acc DESC', 'params.lr', 'tags.`mlflow.runName` asc', 'attributes.start_time DESC', 'end_time'])).toEqual([
      { entity: 'metric', key: 'acc', ascending: false },
      { entity: 'param', key: 'lr', ascending: true },
      { entity: 'tag', key: 'mlflow.runName', ascending: true },
      { entity: 'attribute', key: 'start_time', ascending: false },
      { entity: 'attribute', key: 'end_time', ascending: true },
    ]);
  });

  it.each(['start_time', 'end_time', 'run_id', 'run_name', 'status', 'user_id', 'artifact_uri'])('orders by the attribute %s', (key) => {
    expect(parseRunOrderBy([`attr.${key} DESC`])).toEqual([{ entity: 'attribute', key, ascending: false }]);
    expect(parseRunOrderBy([key])).toEqual([{ entity: 'attribute', key, ascending: true }]);
  });

  it.each(['metric', 'metrics', 'param', 'params', 'parameter', 'parameters', 'tag', 'tags', 'attribute', 'attributes', 'attr', 'run'])(
    'accepts the prefix %s',
    (prefix) => {
      const key = prefix.startsWith('attr') || prefix === 'run' ? 'status' : 'k';
      expect(parseRunOrderBy([`${prefix}.${key}`])).toHaveLength(1);
    },
  );

  it.each(['created', 'Created', 'attributes.created'])('resolves %s to start_time', (clause) => {
    expect(parseRunOrderBy([`${clause} DESC`])).toEqual([{ entity: 'attribute', key: 'start_time', ascending: false }]);
  });

  it.each([
    ['datasets.name', "Invalid order_by entity 'datasets' in 'datasets.name': runs cannot be ordered by dataset fields."],
    [
      'foo',
      "Invalid attribute key 'foo' specified. Valid keys are ['Created', 'artifact_uri', 'created', 'end_time', 'run_id', 'run_name', 'start_time', 'status', 'user_id'].",
    ],
    ['`Run name`', "Invalid attribute key 'Run name' specified."],
    ['DESC', "Invalid attribute key 'DESC' specified."],
    ['bogus.x', "Invalid entity type 'bogus' in 'bogus.x'."],
    ['start_time up', "Invalid ordering key in order_by clause 'start_time up'."],
    ['', "Invalid order_by clause ''. Could not be parsed."],
    ['metrics.acc DESC, params.lr', "Invalid order_by clause 'metrics.acc DESC, params.lr'. Could not be parsed."],
  ])('rejects %j', (clause, message) => {
    expectInvalid(() => parseRunOrderBy([clause]), message);
  });
});
