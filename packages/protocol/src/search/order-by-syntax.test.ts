import { describe, expect, it } from 'vitest';
import { parseOrderBySyntax } from './order-by-syntax.js';
import { expectInvalid } from './testing/expect-invalid.js';

describe('parseOrderBySyntax', () => {
  it.each([
    ['start_time', { key: 'start_time', text: 'start_time' }, true],
    ['start_time ASC', { key: 'start_time', text: 'start_time' }, true],
    ['start_time asc', { key: 'start_time', text: 'start_time' }, true],
    ['start_time DESC', { key: 'start_time', text: 'start_time' }, false],
    ['start_time desc', { key: 'start_time', text: 'start_time' }, false],
    ['start_time Desc', { key: 'start_time', text: 'start_time' }, false],
    ['  metrics.acc   DESC  ', { prefix: 'metrics', key: 'acc', text: 'metrics.acc' }, false],
    ['metrics.`val loss` DESC', { prefix: 'metrics', key: 'val loss', text: 'metrics.`val loss`' }, false],
    ['params."my param"', { prefix: 'params', key: 'my param', text: 'params."my param"' }, true],
    ['tags.mlflow.runName ASC', { prefix: 'tags', key: 'mlflow.runName', text: 'tags.mlflow.runName' }, true],
    ['`Run name`', { key: 'Run name', text: '`Run name`' }, true],
  ])('reads %s', (input, ident, ascending) => {
    expect(parseOrderBySyntax(input)).toEqual({ ident, ascending });
  });

  it.each([
    ['', "Invalid order_by clause ''. Could not be parsed. Expected a key, optionally followed by ASC or DESC."],
    ['   ', "Invalid order_by clause '   '. Could not be parsed."],
    ['start_time DESC extra', "Invalid order_by clause 'start_time DESC extra'. Could not be parsed. Unexpected 'extra' after the ordering direction."],
    ['start_time, end_time', "Invalid ordering key in order_by clause 'start_time, end_time'. Expected ASC or DESC after 'start_time' but found ','."],
    ['start_time sideways', "Invalid ordering key in order_by clause 'start_time sideways'. Expected ASC or DESC after 'start_time' but found 'sideways'."],
    ["start_time 'DESC'", "Invalid ordering key in order_by clause 'start_time 'DESC''."],
    ['metrics.`acc DESC', "Invalid order_by clause 'metrics.`acc DESC'. Could not be parsed. Unterminated backtick-quoted identifier"],
    ['tags. DESC', "Invalid identifier 'tags.'. Expected a key after '.'."],
    ["'start_time'", "Expected an identifier but found the string 'start_time'."],
    ['start_time; DROP', "Invalid ordering key in order_by clause 'start_time; DROP'."],
  ])('rejects %j', (input, message) => {
    expectInvalid(() => parseOrderBySyntax(input), message);
  });
});
