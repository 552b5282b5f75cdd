import { describe, expect, it } from 'vitest';
import type { Comparator } from './ast.js';
import { expectInvalid } from './testing/expect-invalid.js';
import { parseTraceFilter, parseTraceOrderBy } from './trace-search.js';

const NUMERIC: Comparator[] = ['=', '!=', '<', '<=', '>', '>='];
const REGEX_STRING: Comparator[] = ['=', '!=', 'LIKE', 'ILIKE', 'RLIKE'];

describe('parseTraceFilter: attributes', () => {
  it.each([undefined, '', '  '])('returns [] for %j', (filter) => {
    expect(parseTraceFilter(filter)).toEqual([]);
  });

  it.each(['trace', 'attribute', 'attributes'])('%s. addresses attributes', (prefix) => {
    expect(parseTraceFilter(`${prefix}.request_id = 'tr-1'`)).toEqual([
      { entity: 'attribute', key: 'request_id', op: '=', value: { kind: 'string', value: 'tr-1' } },
    ]);
  });

  it.each(['=', '!='] as const)("maps status %s to the attribute 'state'", (op) => {
    expect(parseTraceFilter(`trace.status ${op} 'OK'`)).toEqual([{ entity: 'attribute', key: 'state', op, value: { kind: 'string', value: 'OK' } }]);
  });

  it.each(['IN', 'NOT IN'] as const)('accepts status %s', (op) => {
    expect(parseTraceFilter(`status ${op} ('OK', 'ERROR')`)).toEqual([
      { entity: 'attribute', key: 'state', op, value: { kind: 'list', values: ['OK', 'ERROR'] } },
    ]);
  });

  it.each([
    ['timestamp_ms', 'timestamp_ms'],
    ['timestamp', 'timestamp_ms'],
    ['execution_time_ms', 'execution_time_ms'],
    ['execution_time', 'execution_time_ms'],
    ['end_time_ms', 'end_time_ms'],
  ])('reads the numeric attribute %s as %s', (written, key) => {
    for (const op of NUMERIC) {
      expect(parseTraceFilter(`trace.${written} ${op} 1700000000000`)).toEqual([
        { entity: 'attribute', key, op, value: { kind: 'number', value: 1700000000000 } },
      ]);
    }
  });

  it.each([...REGEX_STRING, 'IN', 'NOT IN'] as Comparator[])("maps name %s to the tag 'mlflow.traceName'", (op) => {
    const list = op === 'IN' || op === 'NOT IN';
    expect(parseTraceFilter(`trace.name ${op} ${list ? "('a', 'b')" : "'a'"}`)).toEqual([
      { entity: 'tag', key: 'mlflow.traceName', op, value: list ? { kind: 'list', values: ['a', 'b'] } : { kind: 'string', value: 'a' } },
    ]);
  });

  it.each(REGEX_STRING)('accepts client_request_id %s', (op) => {
    expect(parseTraceFilter(`trace.client_request_id ${op} 'c-1'`)).toEqual([
      { entity: 'attribute', key: 'client_request_id', op, value: { kind: 'string', value: 'c-1' } },
    ]);
  });

  it("maps run_id to the metadata 'mlflow.sourceRun' with = and IN", () => {
    expect(parseTraceFilter("run_id = 'r1' and trace.run_id IN ('r2')")).toEqual([
      { entity: 'metadata', key: 'mlflow.sourceRun', op: '=', value: { kind: 'string', value: 'r1' } },
      { entity: 'metadata', key: 'mlflow.sourceRun', op: 'IN', value: { kind: 'list', values: ['r2'] } },
    ]);
  });

  it.each([
    ["request_id = 'tr-1'", '=', { kind: 'string', value: 'tr-1' }],
    ["request_id != 'tr-1'", '!=', { kind: 'string', value: 'tr-1' }],
    ["request_id IN ('tr-1')", 'IN', { kind: 'list', values: ['tr-1'] }],
    ["request_id NOT IN ('tr-1')", 'NOT IN', { kind: 'list', values: ['tr-1'] }],
  ])('accepts %s', (filter, op, value) => {
    expect(parseTraceFilter(filter)).toEqual([{ entity: 'attribute', key: 'request_id', op, value }]);
  });

  it('reads prompt and trace.text as their own entities', () => {
    expect(parseTraceFilter("prompt = 'qa-prompt/3' AND trace.text LIKE '%refund%'")).toEqual([
      { entity: 'prompt', key: 'prompt', op: '=', value: { kind: 'string', value: 'qa-prompt/3' } },
      { entity: 'text', key: 'text', op: 'LIKE', value: { kind: 'string', value: '%refund%' } },
    ]);
  });

  it.each([
    ["status LIKE 'O%'", "Invalid comparator 'LIKE' for attribute 'status'. Only '=', '!=', 'IN', 'NOT IN' are supported for 'status'."],
    ["timestamp_ms > '5'", "Expected a numeric value for attribute 'timestamp_ms'. Found '5'."],
    ["timestamp LIKE '5'", "Invalid comparator 'LIKE' for attribute 'timestamp'."],
    ["run_id != 'r'", "Invalid comparator '!=' for attribute 'run_id'. Only '=', 'IN' are supported for 'run_id'."],
    ["request_id LIKE 'tr-%'", "Invalid comparator 'LIKE' for attribute 'request_id'."],
    ["client_request_id IN ('a')", "Invalid comparator 'IN' for attribute 'client_request_id'."],
    ["prompt != 'a/1'", "Invalid comparator '!=' for attribute 'prompt'. Only '=' is supported for 'prompt' (value '<name>/<version>')."],
    ["prompt = 'qa-prompt'", "Invalid prompt filter value 'qa-prompt'. Expected '<prompt name>/<version>'."],
    ["prompt = 'a/b/c'", "Invalid prompt filter value 'a/b/c'."],
    ["trace.text = 'x'", "Invalid comparator '=' for attribute 'text'. Only 'LIKE' is supported for 'text' (full-text search with % wildcards)."],
    ["state = 'OK'", "Invalid attribute key 'state' specified."],
    [
      "trace.foo = 'x'",
      "Invalid attribute key 'foo' specified. Valid keys are ['client_request_id', 'end_time_ms', 'execution_time', 'execution_time_ms', 'name', 'prompt', 'request_id', 'run_id', 'status', 'text', 'timestamp', 'timestamp_ms'].",
    ],
    [
      'metrics.a > 1',
      "Invalid entity type 'metrics' in 'metrics.a'. Valid values are ['attribute', 'attributes', 'expectation', 'feedback', 'metadata', 'request_metadata', 'span', 'tag', 'tags', 'trace'].",
    ],
  ])('rejects %s', (filter, message) => {
    expectInvalid(() => parseTraceFilter(filter), message);
  });
});

describe('parseTraceFilter: tags, metadata, spans, assessments', () => {
  it.each(['tag', 'tags'].flatMap((prefix) => REGEX_STRING.map((op) => [prefix, op] as const)))('accepts %s.<key> %s', (prefix, op) => {
    expect(parseTraceFilter(`${prefix}.\`eval.note\` ${op} 'x'`)).toEqual([{ entity: 'tag', key: 'eval.note', op, value: { kind: 'string', value: 'x' } }]);
  });

  it.each(['metadata', 'request_metadata'].flatMap((prefix) => REGEX_STRING.map((op) => [prefix, op] as const)))('accepts %s.<key> %s', (prefix, op) => {
    expect(parseTraceFilter(`${prefix}.\`mlflow.trace.session\` ${op} "s1"`)).toEqual([
      { entity: 'metadata', key: 'mlflow.trace.session', op, value: { kind: 'string', value: 's1' } },
    ]);
  });

  it.each(['IS NULL', 'IS NOT NULL', 'is null', 'is not null'])('accepts metadata %s', (written) => {
    expect(parseTraceFilter(`metadata.\`mlflow.trace.user\` ${written}`)).toEqual([
      { entity: 'metadata', key: 'mlflow.trace.user', op: written.toUpperCase(), value: { kind: 'none' } },
    ]);
  });

  it.each(['name', 'type', 'status'].flatMap((key) => REGEX_STRING.map((op) => [key, op] as const)))('accepts span.%s %s', (key, op) => {
    expect(parseTraceFilter(`span.${key} ${op} 'LLM'`)).toEqual([{ entity: 'span', key, op, value: { kind: 'string', value: 'LLM' } }]);
  });

  it.each(['name', 'type', 'status'].flatMap((key) => (['IN', 'NOT IN'] as const).map((op) => [key, op] as const)))('accepts span.%s %s a list', (key, op) => {
    expect(parseTraceFilter(`span.${key} ${op} ('LLM', 'CHAT_MODEL')`)).toEqual([
      { entity: 'span', key, op, value: { kind: 'list', values: ['LLM', 'CHAT_MODEL'] } },
    ]);
  });

  it.each(['LIKE', 'ILIKE', 'RLIKE'] as const)('accepts span.attributes.<key> %s', (op) => {
    expect(parseTraceFilter(`span.attributes.\`mlflow.spanInputs\` ${op} '%question%'`)).toEqual([
      { entity: 'span_attribute', key: 'mlflow.spanInputs', op, value: { kind: 'string', value: '%question%' } },
    ]);
    expect(parseTraceFilter(`span.attributes.model ${op} '%gpt%'`)).toEqual([
      { entity: 'span_attribute', key: 'model', op, value: { kind: 'string', value: '%gpt%' } },
    ]);
  });

  it.each(['feedback', 'expectation'] as const)('accepts %s.<name> with the string comparators', (prefix) => {
    for (const op of REGEX_STRING) {
      expect(parseTraceFilter(`${prefix}.\`answer correctness\` ${op} 'true'`)).toEqual([
        { entity: prefix, key: 'answer correctness', op, value: { kind: 'string', value: 'true' } },
      ]);
    }
  });

  it.each([
    ["tags.t IN ('a')", "Invalid comparator 'IN' for tag 't'. Only '=', '!=', 'LIKE', 'ILIKE', 'RLIKE' are supported for tags."],
    ['tags.t IS NULL', "Invalid comparator 'IS NULL' for tag 't'."],
    [
      "metadata.m > 'a'",
      "Invalid comparator '>' for metadata 'm'. Only '=', '!=', 'LIKE', 'ILIKE', 'RLIKE', 'IS NULL', 'IS NOT NULL' are supported for metadata.",
    ],
    ["span.duration = '1'", "Invalid span key 'duration' specified. Valid keys are 'name', 'status', 'type' and 'attributes.<attribute_name>'."],
    ["span.attributes = 'x'", "Invalid span key 'attributes' specified."],
    ["span.attributes.model = 'gpt'", "Invalid comparator '=' for span 'attributes.model'. Only 'LIKE', 'ILIKE', 'RLIKE' are supported for span attributes."],
    ["span.name > 'a'", "Invalid comparator '>' for span 'name'. Only '=', '!=', 'LIKE', 'ILIKE', 'RLIKE', 'IN', 'NOT IN' are supported for span fields."],
    ["span.attributes.model IN ('a')", "Invalid comparator 'IN' for span 'attributes.model'."],
    ['feedback.correct = true', "Expected a quoted string value for feedback 'correct' (e.g. 'my-value'). Found true."],
    ['expectation.score > 3', "Invalid comparator '>' for expectation 'score'. Only '=', '!=', 'LIKE', 'ILIKE', 'RLIKE' are supported for assessments."],
    ["feedbacks.x = 'a'", "Invalid entity type 'feedbacks'"],
  ])('rejects %s', (filter, message) => {
    expectInvalid(() => parseTraceFilter(filter), message);
  });

  it('parses a filter as the UI sends it', () => {
    const filter =
      "trace.status = 'ERROR' AND trace.timestamp_ms > 1700000000000 AND tags.`mlflow.traceName` ILIKE '%chat%' AND metadata.`mlflow.trace.session` = 's-1' AND span.type = 'LLM' AND feedback.relevance = 'yes'";
    expect(parseTraceFilter(filter)).toEqual([
      { entity: 'attribute', key: 'state', op: '=', value: { kind: 'string', value: 'ERROR' } },
      { entity: 'attribute', key: 'timestamp_ms', op: '>', value: { kind: 'number', value: 1700000000000 } },
      { entity: 'tag', key: 'mlflow.traceName', op: 'ILIKE', value: { kind: 'string', value: '%chat%' } },
      { entity: 'metadata', key: 'mlflow.trace.session', op: '=', value: { kind: 'string', value: 's-1' } },
      { entity: 'span', key: 'type', op: '=', value: { kind: 'string', value: 'LLM' } },
      { entity: 'feedback', key: 'relevance', op: '=', value: { kind: 'string', value: 'yes' } },
    ]);
  });
});

describe('parseTraceOrderBy', () => {
  it('returns [] without order_by', () => {
    expect(parseTraceOrderBy()).toEqual([]);
  });

  it.each([
    ['timestamp_ms DESC', { entity: 'attribute', key: 'timestamp_ms', ascending: false }],
    ['timestamp', { entity: 'attribute', key: 'timestamp_ms', ascending: true }],
    ['trace.execution_time_ms DESC', { entity: 'attribute', key: 'execution_time_ms', ascending: false }],
    ['execution_time', { entity: 'attribute', key: 'execution_time_ms', ascending: true }],
    ['status', { entity: 'attribute', key: 'state', ascending: true }],
    ['attributes.request_id ASC', { entity: 'attribute', key: 'request_id', ascending: true }],
    ['attribute.experiment_id', { entity: 'attribute', key: 'experiment_id', ascending: true }],
    ['name DESC', { entity: 'tag', key: 'mlflow.traceName', ascending: false }],
    ['run_id', { entity: 'metadata', key: 'mlflow.sourceRun', ascending: true }],
  ])('reads %s', (clause, orderBy) => {
    expect(parseTraceOrderBy([clause])).toEqual([orderBy]);
  });

  it.each([
    [
      'end_time_ms',
      "Invalid attribute key 'end_time_ms' specified. Valid keys are ['execution_time', 'execution_time_ms', 'experiment_id', 'name', 'request_id', 'run_id', 'status', 'timestamp', 'timestamp_ms'].",
    ],
    ['tags.t', "Invalid order_by entity 'tags' in 'tags.t': traces cannot be ordered by tag fields. Valid prefixes are ['attribute', 'attributes', 'trace']."],
    ['span.name', "Invalid order_by entity 'span'"],
    ['timestamp_ms newest', "Invalid ordering key in order_by clause 'timestamp_ms newest'."],
  ])('rejects %s', (clause, message) => {
    expectInvalid(() => parseTraceOrderBy([clause]), message);
  });
});
