import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error.js';
import type { FieldRule, Namespace, SearchGrammar } from './grammar.js';
import { parseExperimentFilter, parseExperimentOrderBy } from './experiment-search.js';
import { parseLoggedModelFilter, parseLoggedModelOrderByField } from './logged-model-search.js';
import { parseFilterWithGrammar, parseOrderByWithGrammar } from './parse-with-grammar.js';
import { parseRunFilter, parseRunOrderBy } from './run-search.js';
import { expectInvalid } from './testing/expect-invalid.js';
import { parseTraceFilter, parseTraceOrderBy } from './trace-search.js';

type E = 'thing' | 'part' | 'label';

const EVEN: FieldRule = {
  type: 'number',
  ops: ['='],
  label: 'even numbers',
  check: (v) => (v.kind === 'number' && v.value % 2 !== 0 ? `Value ${v.value} is odd.` : undefined),
};
const THROWING: FieldRule = {
  type: 'string',
  ops: ['='],
  label: 'bombs',
  check: () => {
    throw new TypeError('boom');
  },
};
const TEXT: FieldRule = { type: 'string', ops: ['=', 'LIKE'], label: 'texts' };

const things: Namespace<E> = {
  entity: 'thing',
  label: 'thing',
  filter: {
    fields: { size: { rule: EVEN }, alias: { rule: EVEN, key: 'size' }, bomb: { rule: THROWING }, other: { rule: TEXT, entity: 'label', key: 'x' } },
    nested: { parts: { rule: TEXT, entity: 'part' } },
  },
  orderBy: { fields: { size: {} }, nested: { parts: { entity: 'part' } } },
};
const labels: Namespace<E> = { entity: 'label', label: 'label', filter: { anyKey: { rule: TEXT }, validKeysHint: 'anything' } };
const GRAMMAR: SearchGrammar<E> = { subject: 'things', prefixes: { thing: things, label: labels }, bare: things };

describe('parseFilterWithGrammar', () => {
  it('applies exact fields, aliases, entity overrides, nested and open key spaces', () => {
    expect(parseFilterWithGrammar(GRAMMAR, "size = 2 and thing.alias = 4 and other LIKE 'o%' and thing.parts.a.b = 'p' and label.`any key` = 'l'")).toEqual([
      { entity: 'thing', key: 'size', op: '=', value: { kind: 'number', value: 2 } },
      { entity: 'thing', key: 'size', op: '=', value: { kind: 'number', value: 4 } },
      { entity: 'label', key: 'x', op: 'LIKE', value: { kind: 'string', value: 'o%' } },
      { entity: 'part', key: 'a.b', op: '=', value: { kind: 'string', value: 'p' } },
      { entity: 'label', key: 'any key', op: '=', value: { kind: 'string', value: 'l' } },
    ]);
  });

  it("runs a field's own value check after the type check", () => {
    expect(expectInvalid(() => parseFilterWithGrammar(GRAMMAR, 'size = 3'))).toBe('Value 3 is odd.');
    expectInvalid(() => parseFilterWithGrammar(GRAMMAR, "size = 'two'"), "Expected a numeric value for thing 'size'. Found 'two'.");
  });

  it('says "is" for a single allowed comparator', () => {
    expectInvalid(() => parseFilterWithGrammar(GRAMMAR, 'size != 2'), "Invalid comparator '!=' for thing 'size'. Only '=' is supported for even numbers.");
  });

  it('lists exact and nested keys for an unknown key', () => {
    expect(expectInvalid(() => parseFilterWithGrammar(GRAMMAR, "nope = 'x'"))).toBe(
      "Invalid thing key 'nope' specified. Valid keys are ['alias', 'bomb', 'other', 'parts.<key>', 'size'].",
    );
    expectInvalid(() => parseFilterWithGrammar(GRAMMAR, "parts. = 'x'"), "Invalid identifier 'parts.'");
    expectInvalid(() => parseFilterWithGrammar(GRAMMAR, "`parts.` = 'x'"), "Invalid thing key 'parts.' specified.");
  });

  it('turns any unexpected exception into INVALID_PARAMETER_VALUE', () => {
    expect(expectInvalid(() => parseFilterWithGrammar(GRAMMAR, "bomb = 'x'"))).toBe("Invalid filter 'bomb = 'x''. Could not be parsed.");
  });

  it('rejects a filter that is not a string', () => {
    expectInvalid(() => parseFilterWithGrammar(GRAMMAR, 42 as unknown as string), 'Invalid filter 42: expected a string.');
    expect(parseFilterWithGrammar(GRAMMAR, null)).toEqual([]);
  });
});

describe('parseOrderByWithGrammar', () => {
  it('resolves fields, nested keys and directions', () => {
    expect(parseOrderByWithGrammar(GRAMMAR, ['size', 'thing.parts.`a b` DESC'])).toEqual([
      { entity: 'thing', key: 'size', ascending: true },
      { entity: 'part', key: 'a b', ascending: false },
    ]);
  });

  it('rejects namespaces without order_by keys and entries that are not strings', () => {
    expectInvalid(
      () => parseOrderByWithGrammar(GRAMMAR, ['label.x']),
      "Invalid order_by entity 'label' in 'label.x': things cannot be ordered by label fields. Valid prefixes are ['thing'].",
    );
    expectInvalid(() => parseOrderByWithGrammar(GRAMMAR, [7 as unknown as string]), 'Invalid order_by clause 7: expected a string.');
    expect(parseOrderByWithGrammar(GRAMMAR, null)).toEqual([]);
  });
});

/** A deterministic generator of filter-like garbage built from the grammar's own pieces. */
function* randomInputs(count: number): Generator<string> {
  const pieces = [
    'metrics.',
    'params.',
    'tags.',
    'attributes.',
    'datasets.',
    'trace.',
    'span.',
    'span.attributes.',
    'metadata.',
    'feedback.',
    'acc',
    'status',
    'name',
    'run_id',
    'start_time',
    'timestamp_ms',
    'prompt',
    'text',
    'created',
    '`a b`',
    '"q"',
    "'s'",
    "'it''s'",
    '=',
    '!=',
    '<',
    '<=',
    '>',
    '>=',
    '==',
    '<>',
    '!',
    'LIKE',
    'ilike',
    'RLIKE',
    'IN',
    'NOT',
    'IS',
    'NULL',
    'AND',
    'or',
    'DESC',
    'asc',
    '(',
    ')',
    ',',
    ';',
    '1',
    '-2.5',
    '1e3',
    '.5',
    '1e999',
    '`',
    "'",
    '"',
    '\\',
    '.',
    ' ',
    ' ',
    ' ',
    '%',
    'é',
    '\u00a0',
  ];
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let n = 0; n < count; n += 1) {
    const length = 1 + Math.floor(rand() * 12);
    let s = '';
    for (let i = 0; i < length; i += 1) s += pieces[Math.floor(rand() * pieces.length)];
    yield s;
  }
}

describe('robustness', () => {
  const parsers: Array<[string, (input: string) => unknown]> = [
    ['parseRunFilter', parseRunFilter],
    ['parseExperimentFilter', parseExperimentFilter],
    ['parseLoggedModelFilter', parseLoggedModelFilter],
    ['parseTraceFilter', parseTraceFilter],
    ['parseRunOrderBy', (s) => parseRunOrderBy([s])],
    ['parseExperimentOrderBy', (s) => parseExperimentOrderBy([s])],
    ['parseTraceOrderBy', (s) => parseTraceOrderBy([s])],
    ['parseLoggedModelOrderByField', parseLoggedModelOrderByField],
  ];

  it.each(parsers)('%s either parses or throws INVALID_PARAMETER_VALUE, for 3000 random inputs', (_name, parse) => {
    let parsed = 0;
    for (const input of randomInputs(3000)) {
      try {
        parse(input);
        parsed += 1;
      } catch (error) {
        if (!(error instanceof ApiError) || error.code !== 'INVALID_PARAMETER_VALUE') {
          throw new Error(`input ${JSON.stringify(input)} threw ${String(error)}`, { cause: error });
        }
      }
    }
    expect(parsed).toBeLessThan(3000);
  });
});
