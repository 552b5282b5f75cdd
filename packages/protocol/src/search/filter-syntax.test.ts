import { describe, expect, it } from 'vitest';
import { parseFilterSyntax } from './filter-syntax.js';
import { expectInvalid } from './testing/expect-invalid.js';

const idents = (filter: string) => parseFilterSyntax(filter).map((c) => c.ident);
const values = (filter: string) => parseFilterSyntax(filter).map((c) => c.value);
const ops = (filter: string) => parseFilterSyntax(filter).map((c) => c.op);

describe('parseFilterSyntax: structure', () => {
  it('returns one clause per comparison, in order', () => {
    expect(parseFilterSyntax("metrics.acc > 0.9 AND params.lr = '0.1'")).toEqual([
      { ident: { prefix: 'metrics', key: 'acc', text: 'metrics.acc' }, op: '>', value: { kind: 'number', value: 0.9 }, valueText: '0.9' },
      { ident: { prefix: 'params', key: 'lr', text: 'params.lr' }, op: '=', value: { kind: 'string', value: '0.1' }, valueText: "'0.1'" },
    ]);
  });

  it.each(['AND', 'and', 'And', 'aNd'])('joins clauses with %s in any case', (and) => {
    expect(parseFilterSyntax(`a = 'x' ${and} b = 'y' ${and} c = 'z'`)).toHaveLength(3);
  });

  it('needs no whitespace around operators', () => {
    expect(parseFilterSyntax("metrics.a>=-1 and tags.t!='x'")).toEqual([
      { ident: { prefix: 'metrics', key: 'a', text: 'metrics.a' }, op: '>=', value: { kind: 'number', value: -1 }, valueText: '-1' },
      { ident: { prefix: 'tags', key: 't', text: 'tags.t' }, op: '!=', value: { kind: 'string', value: 'x' }, valueText: "'x'" },
    ]);
  });

  it('returns no clauses for an empty filter', () => {
    expect(parseFilterSyntax('')).toEqual([]);
    expect(parseFilterSyntax('   ')).toEqual([]);
  });
});

describe('parseFilterSyntax: identifiers', () => {
  it.each([
    ['metrics.acc', { prefix: 'metrics', key: 'acc', text: 'metrics.acc' }],
    ['params.a.b', { prefix: 'params', key: 'a.b', text: 'params.a.b' }],
    ['tags.mlflow.runName', { prefix: 'tags', key: 'mlflow.runName', text: 'tags.mlflow.runName' }],
    ['tags.`mlflow.runName`', { prefix: 'tags', key: 'mlflow.runName', text: 'tags.`mlflow.runName`' }],
    ['metrics."my metric"', { prefix: 'metrics', key: 'my metric', text: 'metrics."my metric"' }],
    ["tags.'single quoted'", { prefix: 'tags', key: 'single quoted', text: "tags.'single quoted'" }],
    ['`tags`.`a b`', { prefix: 'tags', key: 'a b', text: '`tags`.`a b`' }],
    ['"tags".x', { prefix: 'tags', key: 'x', text: '"tags".x' }],
    ['`params`.a.b', { prefix: 'params', key: 'a.b', text: '`params`.a.b' }],
    ['span.attributes.`mlflow.spanType`', { prefix: 'span', key: 'attributes.mlflow.spanType', text: 'span.attributes.`mlflow.spanType`' }],
    ['start_time', { key: 'start_time', text: 'start_time' }],
    ['`Run name`', { key: 'Run name', text: '`Run name`' }],
    ['"run name"', { key: 'run name', text: '"run name"' }],
    ['`a.b`', { key: 'a.b', text: '`a.b`' }],
    ['tags.`a``b`', { prefix: 'tags', key: 'a`b', text: 'tags.`a``b`' }],
    ['params.learning-rate', { prefix: 'params', key: 'learning-rate', text: 'params.learning-rate' }],
  ])('reads %s', (lhs, ident) => {
    expect(idents(`${lhs} = 'v'`)).toEqual([ident]);
  });

  it.each([
    ["tags. = 'x'", "Invalid identifier 'tags.'. Expected a key after '.'."],
    ["tags.`` = 'x'", "Invalid identifier 'tags.``'. The key must not be empty."],
    ["`` = 'x'", "Invalid identifier '``'. The key must not be empty."],
    ["tags.a`b` = 'x'", "Invalid identifier 'tags.a`b`'. Quote the whole key after the prefix."],
    ["tags.`a`b = 'x'", "Invalid identifier 'tags.`a`b'. Quote the whole key after the prefix."],
    ["tags.`a`'b' = 'x'", "Invalid identifier 'tags.`a`'b''."],
    ["tags`a` = 'x'", "Invalid identifier 'tags`a`'."],
    [".x = 'y'", "Invalid identifier '.x'. Expected a prefix before '.'."],
    ['metrics.a. > 1', "Invalid identifier 'metrics.a.'. Expected a key after '.'."],
    ["'tags.x' = 'y'", "Expected an identifier but found the string 'tags.x'."],
    ["= 'x'", "Expected an identifier but found '='."],
    ["AND a = 'x'", "Expected an identifier but found keyword 'AND'."],
    ["(a = 'x')", 'Parentheses for grouping are not supported'],
  ])('rejects %s', (filter, message) => {
    expectInvalid(() => parseFilterSyntax(filter), `Invalid filter '${filter}'. Could not be parsed.`, message);
  });

  it('accepts a multi-dot key after a dotted prefix once quoted', () => {
    // `tags.a.` followed by a quoted token is `a.` + the quoted text.
    expect(idents("tags.a.`b c` = 'x'")).toEqual([{ prefix: 'tags', key: 'a.b c', text: 'tags.a.`b c`' }]);
  });
});

describe('parseFilterSyntax: comparators', () => {
  it.each([
    ['=', '='],
    ['!=', '!='],
    ['<', '<'],
    ['<=', '<='],
    ['>', '>'],
    ['>=', '>='],
    ['LIKE', 'LIKE'],
    ['like', 'LIKE'],
    ['Like', 'LIKE'],
    ['ILIKE', 'ILIKE'],
    ['ilike', 'ILIKE'],
    ['RLIKE', 'RLIKE'],
    ['rlike', 'RLIKE'],
  ])('reads %s as %s', (written, op) => {
    expect(ops(`a ${written} 'x'`)).toEqual([op]);
  });

  it.each([
    ['IN', 'IN'],
    ['in', 'IN'],
    ['NOT IN', 'NOT IN'],
    ['not in', 'NOT IN'],
    ['Not In', 'NOT IN'],
  ])('reads %s as %s', (written, op) => {
    expect(parseFilterSyntax(`a ${written} ('x')`)).toEqual([
      { ident: { key: 'a', text: 'a' }, op, value: { kind: 'list', values: ['x'] }, valueText: "('x')" },
    ]);
  });

  it.each([
    ['IS NULL', 'IS NULL'],
    ['is null', 'IS NULL'],
    ['IS NOT NULL', 'IS NOT NULL'],
    ['is not null', 'IS NOT NULL'],
  ])('reads %s as %s with no value', (written, op) => {
    expect(parseFilterSyntax(`metadata.k ${written} and a = 'x'`)[0]).toEqual({
      ident: { prefix: 'metadata', key: 'k', text: 'metadata.k' },
      op,
      value: { kind: 'none' },
      valueText: '',
    });
  });

  it.each([
    [
      "a == 'x'",
      "Invalid comparator '=='. Valid comparators are ['=', '!=', '<', '<=', '>', '>=', 'LIKE', 'ILIKE', 'RLIKE', 'IN', 'NOT IN', 'IS NULL', 'IS NOT NULL'].",
    ],
    ["a <> 'x'", "Invalid comparator '<>'."],
    ["a ! 'x'", "Invalid comparator '!'."],
    ["a NOT LIKE 'x'", "Invalid comparator 'NOT LIKE'. Only 'NOT IN' is supported."],
    ['a NOT', "Invalid comparator 'NOT'. Only 'NOT IN' is supported."],
    ['a IS', "Expected NULL after 'IS'."],
    ["a IS 'x'", "Expected NULL after 'IS'."],
    ['a IS NOT', "Expected NULL after 'IS NOT'."],
    ["a CONTAINS 'x'", "Expected a comparison operator after 'a' but found 'CONTAINS'."],
    ['xyz', "Expected a comparison operator after 'xyz'."],
    ["a 'x'", "Expected a comparison operator after 'a' but found ''x''."],
  ])('rejects %s', (filter, message) => {
    expectInvalid(() => parseFilterSyntax(filter), `Invalid filter '${filter}'. Could not be parsed.`, message);
  });

  it('words the bare-identifier error like MLflow', () => {
    expect(expectInvalid(() => parseFilterSyntax('xyz'))).toBe("Invalid filter 'xyz'. Could not be parsed. Expected a comparison operator after 'xyz'.");
  });
});

describe('parseFilterSyntax: values', () => {
  it.each([
    ['0', 0],
    ['42', 42],
    ['-7', -7],
    ['0.5', 0.5],
    ['-0.25', -0.25],
    ['.5', 0.5],
    ['-.5', -0.5],
    ['1.', 1],
    ['1e3', 1000],
    ['1E3', 1000],
    ['2.5e-3', 0.0025],
    ['-1.5E+2', -150],
    ['1700000000000', 1700000000000],
  ])('reads the number %s', (written, value) => {
    expect(values(`metrics.m > ${written}`)).toEqual([{ kind: 'number', value }]);
  });

  it.each([
    ["'single'", 'single'],
    ['"double"', 'double'],
    ['\'with "inner" quotes\'', 'with "inner" quotes'],
    ['"it\'s"', "it's"],
    ["'%wild_card%'", '%wild_card%'],
    ["'  spaced  '", '  spaced  '],
    ["''", ''],
    ["'123'", '123'],
    ["'a AND b'", 'a AND b'],
  ])('reads the string %s', (written, value) => {
    expect(values(`tags.t = ${written}`)).toEqual([{ kind: 'string', value }]);
  });

  it('reads a double-quoted token on the right of an operator as a string value', () => {
    expect(parseFilterSyntax('params."my param" = "my value"')).toEqual([
      {
        ident: { prefix: 'params', key: 'my param', text: 'params."my param"' },
        op: '=',
        value: { kind: 'string', value: 'my value' },
        valueText: '"my value"',
      },
    ]);
  });

  it('keeps bare words and backticked names as bare values for the grammar to reject', () => {
    expect(values('a = abc')).toEqual([{ kind: 'bare', text: 'abc' }]);
    expect(values('a = `abc`')).toEqual([{ kind: 'bare', text: '`abc`' }]);
    expect(values('a = 1e')).toEqual([{ kind: 'bare', text: '1e' }]);
    expect(values('a = 0x1F')).toEqual([{ kind: 'bare', text: '0x1F' }]);
    expect(values('a = NaN')).toEqual([{ kind: 'bare', text: 'NaN' }]);
  });

  it.each([
    ["('a')", ['a']],
    ["('a', 'b')", ['a', 'b']],
    ["('a','b','c')", ['a', 'b', 'c']],
    ['("a", \'b\')', ['a', 'b']],
    ["( 'x y' , 'z' )", ['x y', 'z']],
    ["('a,b', ')')", ['a,b', ')']],
  ])('reads the list %s', (written, list) => {
    expect(values(`run_id IN ${written}`)).toEqual([{ kind: 'list', values: list }]);
  });

  it.each([
    ['run_id IN ()', "Expected a non-empty list of quoted strings after 'IN' but got an empty list."],
    ["run_id IN ('a',)", "Expected a quoted string in the list after 'IN' but found ')'."],
    ["run_id IN ('a' 'b')", "Expected ',' or ')' in the list after 'IN' but found ''b''."],
    ['run_id IN (1, 2)', "Expected a quoted string in the list after 'IN' but found '1'."],
    ['run_id IN (`a`)', "Expected a quoted string in the list after 'IN' but found '`a`'."],
    ["run_id IN (('a'))", "Expected a quoted string in the list after 'IN' but found '('."],
    ["run_id IN ('a'", "Expected ',' or ')' after ''a''."],
    ["run_id IN 'a'", "Expected a parenthesized list of quoted strings after 'IN' but found ''a''."],
    ['run_id NOT IN', "Expected a parenthesized list of quoted strings after 'IN'."],
    ["run_id = ('a')", "Expected a single value after '=' but found a list. Use IN (...) to compare with a list."],
    ['metrics.a >', "Expected a value after '>'."],
    ['metrics.a > AND b = 1', "Expected a value after '>' but found 'AND'."],
    ['metrics.a > = 1', "Expected a value after '>' but found '='."],
    ['metrics.a > 1e999', 'Number 1e999 is out of range.'],
  ])('rejects %s', (filter, message) => {
    expectInvalid(() => parseFilterSyntax(filter), `Invalid filter '${filter}'. Could not be parsed.`, message);
  });
});

describe('parseFilterSyntax: joining', () => {
  it.each([
    ['metrics.a > 1 OR metrics.b < 2', "'OR' is not supported. Only AND can join comparisons."],
    ['metrics.a > 1 or metrics.b < 2', "'or' is not supported."],
    ["a = 'x' AND", "Expected a comparison after the trailing 'AND'."],
    ["a = 'x' AND AND b = 'y'", "Expected an identifier but found keyword 'AND'."],
    ["a = 'x' b = 'y'", "Unexpected 'b' after 'a = 'x''. Join comparisons with AND."],
    ["a = 'x')", "Unexpected ')' after 'a = 'x''."],
    ["a = 'x' AND (b = 'y' OR c = 'z')", 'Parentheses for grouping are not supported'],
    ['metrics.a > 1 garbage', "Unexpected 'garbage' after 'metrics.a > 1'."],
    ['metadata.k IS NULL x', "Unexpected 'x' after 'metadata.k IS NULL'."],
    ["a = 'x'; DROP TABLE runs", "Multiple statements (';') are not supported. Provide an AND-ed expression list."],
    ["a = 'x';", "Multiple statements (';') are not supported."],
    [';', "Multiple statements (';') are not supported."],
  ])('rejects %s', (filter, message) => {
    expectInvalid(() => parseFilterSyntax(filter), `Invalid filter '${filter}'. Could not be parsed.`, message);
  });

  it('allows a semicolon inside a quoted value', () => {
    expect(values("tags.t = 'a;b'")).toEqual([{ kind: 'string', value: 'a;b' }]);
  });
});
