import { describe, expect, it } from 'vitest';
import { artifactLocationProblem, parseRetentionDays, trackingKeyProblem } from './tracking-fields.js';

describe('trackingKeyProblem', () => {
  it.each(['loss', 'val/loss', 'a.b-c_d e:f', 'métrique', '指标', 'x'.repeat(250)])('accepts %s', (key) => {
    expect(trackingKeyProblem('metric', key)).toBeUndefined();
  });
  it.each([
    ['../x', "This name would resolve to '../x'"],
    ['a/../b', "resolve to 'b'"],
    ['/abs', "resolve to '/abs'"],
    ['a//b', "resolve to 'a/b'"],
    ['./a', "resolve to 'a'"],
    ['a/', "resolve to 'a'"],
    ['bad\\key', 'Names may only contain'],
    ['nul\u0000', 'Names may only contain'],
    ['semi;colon', 'Names may only contain'],
    ['x'.repeat(251), "'param key' exceeds the maximum length of 250 characters (got 251)."],
  ])('rejects %j', (key, message) => {
    expect(trackingKeyProblem('param', key)).toContain(message);
  });
});

describe('artifactLocationProblem', () => {
  it.each(['s3://bucket/path', '/local/path', 'mlflow-artifacts:/x', 'file:///tmp/x', 'https://h/p?x=1'])('accepts %s', (loc) => {
    expect(artifactLocationProblem(loc)).toBeUndefined();
  });
  it.each(['s3://b/p#frag', 'http://h/p;a=b', 'runs:/abc/model', 'http://h/p?path=../etc', 'http://h/p?x=%2e%2e/y'])('rejects %s', (loc) => {
    expect(artifactLocationProblem(loc)).toEqual(expect.any(String));
  });
});

describe('parseRetentionDays', () => {
  it('reads whole days and never', () => {
    expect(parseRetentionDays(' 30 ')).toBe(30);
    expect(parseRetentionDays('NEVER')).toBeNull();
  });
  it.each(['0', '36501', '1.5', 'soon', ''])('refuses %j', (value) => {
    expect(parseRetentionDays(value)).toBeUndefined();
  });
});
