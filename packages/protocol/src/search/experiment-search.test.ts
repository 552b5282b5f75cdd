import { describe, expect, it } from 'vitest';
import type { Comparator } from './ast.js';
import { parseExperimentFilter, parseExperimentOrderBy } from './experiment-search.js';
import { expectInvalid } from './testing/expect-invalid.js';

const NUMERIC: Comparator[] = ['=', '!=', '<', '<=', '>', '>='];
const STRING: Comparator[] = ['=', '!=', 'LIKE', 'ILIKE'];

describe('parseExperimentFilter', () => {
  it.each([undefined, '', '  '])('returns [] for %j', (filter) => {
    expect(parseExperimentFilter(filter)).toEqual([]);
  });

  it.each(STRING)('accepts name %s', (op) => {
    expect(parseExperimentFilter(`name ${op} 'exp%'`)).toEqual([{ entity: 'attribute', key: 'name', op, value: { kind: 'string', value: 'exp%' } }]);
  });

  it.each(['creation_time', 'last_update_time'].flatMap((key) => NUMERIC.map((op) => [key, op] as const)))('accepts %s %s', (key, op) => {
    expect(parseExperimentFilter(`attribute.${key} ${op} 1700000000000`)).toEqual([
      { entity: 'attribute', key, op, value: { kind: 'number', value: 1700000000000 } },
    ]);
  });

  it.each(['tag', 'tags'].flatMap((prefix) => STRING.map((op) => [prefix, op] as const)))('accepts %s.<key> %s', (prefix, op) => {
    expect(parseExperimentFilter(`${prefix}.\`mlflow.note\` ${op} "x"`)).toEqual([
      { entity: 'tag', key: 'mlflow.note', op, value: { kind: 'string', value: 'x' } },
    ]);
  });

  it('parses several clauses', () => {
    expect(parseExperimentFilter("name ILIKE '%prod%' and tags.team = 'ml' AND creation_time >= 5")).toEqual([
      { entity: 'attribute', key: 'name', op: 'ILIKE', value: { kind: 'string', value: '%prod%' } },
      { entity: 'tag', key: 'team', op: '=', value: { kind: 'string', value: 'ml' } },
      { entity: 'attribute', key: 'creation_time', op: '>=', value: { kind: 'number', value: 5 } },
    ]);
  });

  it.each([
    ["attr.name = 'x'", "Invalid entity type 'attr' in 'attr.name'. Valid values are ['attribute', 'tag', 'tags']."],
    ["attributes.name = 'x'", "Invalid entity type 'attributes'"],
    ['metrics.a > 1', "Invalid entity type 'metrics'"],
    ["experiment_id = '1'", "Invalid attribute key 'experiment_id' specified. Valid keys are ['creation_time', 'last_update_time', 'name']."],
    ["name IN ('a')", "Invalid comparator 'IN' for attribute 'name'. Only '=', '!=', 'LIKE', 'ILIKE' are supported for string attributes."],
    ["name > 'a'", "Invalid comparator '>' for attribute 'name'."],
    [
      "creation_time LIKE '1%'",
      "Invalid comparator 'LIKE' for attribute 'creation_time'. Only '=', '!=', '<', '<=', '>', '>=' are supported for numeric attributes.",
    ],
    ["tags.team > 'a'", "Invalid comparator '>' for tag 'team'. Only '=', '!=', 'LIKE', 'ILIKE' are supported for tags."],
    ["tags.team RLIKE 'a'", "Invalid comparator 'RLIKE' for tag 'team'."],
    ['name = 5', "Expected a quoted string value for attribute 'name' (e.g. 'my-value'). Found 5."],
    ["creation_time > 'now'", "Expected a numeric value for attribute 'creation_time'. Found 'now'."],
    ['tags.team = ml', "Expected a quoted string value for tag 'team' (e.g. 'my-value'). Found ml."],
    ["name = 'a' OR name = 'b'", "'OR' is not supported"],
    ['name', "Invalid filter 'name'. Could not be parsed. Expected a comparison operator after 'name'."],
  ])('rejects %s', (filter, message) => {
    expectInvalid(() => parseExperimentFilter(filter), message);
  });
});

describe('parseExperimentOrderBy', () => {
  it('returns [] without order_by', () => {
    expect(parseExperimentOrderBy(undefined)).toEqual([]);
  });

  it.each(['name', 'experiment_id', 'creation_time', 'last_update_time'])('orders by %s', (key) => {
    expect(parseExperimentOrderBy([key, `attribute.${key} DESC`])).toEqual([
      { entity: 'attribute', key, ascending: true },
      { entity: 'attribute', key, ascending: false },
    ]);
  });

  it.each([
    ['tags.team', "Invalid order_by entity 'tags' in 'tags.team': experiments cannot be ordered by tag fields. Valid prefixes are ['attribute']."],
    ['attributes.name', "Invalid entity type 'attributes'"],
    ['lifecycle_stage', "Invalid attribute key 'lifecycle_stage' specified. Valid keys are ['creation_time', 'experiment_id', 'last_update_time', 'name']."],
    ['name sideways', "Invalid ordering key in order_by clause 'name sideways'."],
  ])('rejects %s', (clause, message) => {
    expectInvalid(() => parseExperimentOrderBy([clause]), message);
  });
});
