import { describe, expect, it } from 'vitest';
import type { Comparator } from './ast.js';
import { parseModelVersionFilter, parseModelVersionOrderBy, parseRegisteredModelFilter, parseRegisteredModelOrderBy, promptScope } from './registry-search.js';
import { expectInvalid } from './testing/expect-invalid.js';

const STRING: Comparator[] = ['=', '!=', 'LIKE', 'ILIKE'];
const IS_PROMPT = 'tags.`mlflow.prompt.is_prompt`';

describe('parseRegisteredModelFilter', () => {
  it.each(STRING.flatMap((op) => ['name', 'attribute.name'].map((key) => [key, op] as const)))('accepts %s %s', (key, op) => {
    expect(parseRegisteredModelFilter(`${key} ${op} 'fraud%'`)).toEqual([{ entity: 'attribute', key: 'name', op, value: { kind: 'string', value: 'fraud%' } }]);
  });

  it.each(['tag', 'tags'].flatMap((prefix) => STRING.map((op) => [prefix, op] as const)))('accepts %s.<key> %s', (prefix, op) => {
    expect(parseRegisteredModelFilter(`${prefix}.\`mlflow.prompt.is_prompt\` ${op} "true"`)).toEqual([
      { entity: 'tag', key: 'mlflow.prompt.is_prompt', op, value: { kind: 'string', value: 'true' } },
    ]);
  });

  it("reads the prompt search's experiment clause as MLflow's client rewrites it", () => {
    expect(parseRegisteredModelFilter(`${IS_PROMPT} = 'true' AND tags._mlflow_experiment_ids LIKE '%,1,%'`)).toEqual([
      { entity: 'tag', key: 'mlflow.prompt.is_prompt', op: '=', value: { kind: 'string', value: 'true' } },
      { entity: 'tag', key: '_mlflow_experiment_ids', op: 'LIKE', value: { kind: 'string', value: '%,1,%' } },
    ]);
  });

  it.each([
    ["run_id = 'x'", "Invalid attribute key 'run_id' specified. Valid keys are ['name']."],
    ["params.a = 'x'", "Invalid entity type 'params'"],
    ['name = 3', "Expected a quoted string value for attribute 'name'"],
    ["name IN ('a')", "Invalid comparator 'IN' for attribute 'name'"],
    ["tags.a > 'x'", "Invalid comparator '>' for tag 'a'"],
    ["name = 'a' OR name = 'b'", 'Only AND can join comparisons'],
  ])('refuses %s', (filter, message) => {
    expectInvalid(() => parseRegisteredModelFilter(filter), message);
  });
});

describe('parseModelVersionFilter', () => {
  it('maps source_path and version_number to their columns', () => {
    expect(parseModelVersionFilter("source_path LIKE 'runs:/%' AND version_number >= 2")).toEqual([
      { entity: 'attribute', key: 'source', op: 'LIKE', value: { kind: 'string', value: 'runs:/%' } },
      { entity: 'attribute', key: 'version', op: '>=', value: { kind: 'number', value: 2 } },
    ]);
  });

  it('takes IN for run_id only', () => {
    expect(parseModelVersionFilter("run_id IN ('a', 'b')")).toEqual([
      { entity: 'attribute', key: 'run_id', op: 'IN', value: { kind: 'list', values: ['a', 'b'] } },
    ]);
    expectInvalid(() => parseModelVersionFilter("name IN ('a')"), "Invalid comparator 'IN' for attribute 'name'");
    expectInvalid(() => parseModelVersionFilter("run_id NOT IN ('a')"), "Invalid comparator 'NOT IN'");
  });

  it.each([
    ['creation_timestamp > 1', "Invalid attribute key 'creation_timestamp' specified"],
    ["version_number = 'x'", "Expected a numeric value for attribute 'version_number'"],
    ['run_id = 1', "Expected a quoted string value for attribute 'run_id'"],
  ])('refuses %s', (filter, message) => {
    expectInvalid(() => parseModelVersionFilter(filter), message);
  });
});

describe('order_by', () => {
  it('reads registered-model keys, timestamp meaning the last update', () => {
    expect(parseRegisteredModelOrderBy(['timestamp DESC', 'name'])).toEqual([
      { entity: 'attribute', key: 'last_updated_timestamp', ascending: false },
      { entity: 'attribute', key: 'name', ascending: true },
    ]);
    expect(parseRegisteredModelOrderBy(['creation_timestamp asc'])).toEqual([{ entity: 'attribute', key: 'creation_timestamp', ascending: true }]);
  });

  it('refuses unknown keys and a field named twice', () => {
    expectInvalid(() => parseRegisteredModelOrderBy(['version']), "Invalid attribute key 'version' specified");
    expectInvalid(() => parseRegisteredModelOrderBy(['timestamp', 'last_updated_timestamp DESC']), '`order_by` contains duplicate fields');
    expectInvalid(() => parseRegisteredModelOrderBy(['tags.x']), 'cannot be ordered by tag fields');
    expectInvalid(() => parseModelVersionOrderBy(['version_number', 'version_number DESC']), 'duplicate fields');
  });

  it("defaults model versions to MLflow's order", () => {
    expect(parseModelVersionOrderBy([])).toEqual([
      { entity: 'attribute', key: 'last_updated_timestamp', ascending: false },
      { entity: 'attribute', key: 'name', ascending: true },
      { entity: 'attribute', key: 'version', ascending: false },
    ]);
  });
});

describe('promptScope', () => {
  it.each([`${IS_PROMPT} = 'true'`, `${IS_PROMPT} = 'TRUE'`, `${IS_PROMPT} != 'false'`])('searches prompts for %s, keeping the clause', (filter) => {
    const parsed = parseRegisteredModelFilter(`${filter} AND name = 'p'`);
    expect(promptScope(parsed)).toEqual({ prompts: true, filter: parsed });
  });

  it.each(['', `${IS_PROMPT} = 'false'`, `${IS_PROMPT} != 'true'`, `${IS_PROMPT} LIKE 'tr%'`])('searches models for %j, dropping prompt clauses', (filter) => {
    const parsed = parseRegisteredModelFilter(filter ? `${filter} AND name = 'm'` : "name = 'm'");
    expect(promptScope(parsed)).toEqual({ prompts: false, filter: [{ entity: 'attribute', key: 'name', op: '=', value: { kind: 'string', value: 'm' } }] });
  });

  it('is decided by the first clause on the prompt tag', () => {
    const parsed = parseRegisteredModelFilter(`${IS_PROMPT} = 'false' AND ${IS_PROMPT} = 'true'`);
    expect(promptScope(parsed)).toEqual({ prompts: false, filter: [] });
  });
});
