import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { aliasNameProblem, hasPromptTag, registeredModelNameProblem, registryTagList, reservedAliasProblem } from './registry-fields.js';
import * as R from './registry-requests.js';

describe('registeredModelNameProblem', () => {
  it.each(['fraud-detector', 'a.b_c', 'Modèle 1', '..x'.slice(1), 'x'.repeat(256)])('accepts %j', (name) => {
    expect(registeredModelNameProblem(name)).toBeUndefined();
  });
  it.each([
    ['team/model', "Invalid model name 'team/model'. Names cannot contain '/' or ':'."],
    ['a:b', "Names cannot contain '/' or ':'."],
    ['..', "This name would resolve to '..'"],
    ['.', "This name would resolve to '.'"],
    ['..hidden', "This name would resolve to '..hidden'"],
    ['nul\u0000', 'Names cannot contain NUL characters.'],
    ['x'.repeat(257), "'name' exceeds the maximum length of 256 characters (got 257)."],
  ])('refuses %j', (name, message) => {
    expect(registeredModelNameProblem(name)).toContain(message);
  });
});

describe('aliases', () => {
  it('accepts word characters and dashes, in any script', () => {
    expect(aliasNameProblem('champion-2')).toBeUndefined();
    expect(aliasNameProblem('производство')).toBeUndefined();
  });
  it.each(['a b', 'a@b', 'a/b', 'a.b'])('refuses %j', (alias) => {
    expect(aliasNameProblem(alias)).toBe(`Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`);
  });
  it('reserves latest and version-like names for setting only', () => {
    expect(reservedAliasProblem('LATEST')).toBe("'latest' alias name (case insensitive) is reserved.");
    expect(reservedAliasProblem('v12')).toBe("Version alias name 'v12' is reserved.");
    expect(reservedAliasProblem('v1x')).toBeUndefined();
    expect(R.RegisteredModelAlias.safeParse({ name: 'm', alias: 'latest' }).success).toBe(true);
    expect(R.SetRegisteredModelAlias.safeParse({ name: 'm', alias: 'latest', version: '1' }).success).toBe(false);
  });
});

describe('registry requests', () => {
  const issue = (schema: z.ZodType, input: unknown) => {
    const r = schema.safeParse(input);
    return r.success ? undefined : r.error.issues[0]?.message;
  };

  it('reads versions as integers', () => {
    expect(R.ModelVersionOnly.parse({ name: 'm', version: '3' })).toEqual({ name: 'm', version: 3 });
    expect(R.ModelVersionOnly.parse({ name: 'm', version: 3 })).toEqual({ name: 'm', version: 3 });
    expect(issue(R.ModelVersionOnly, { name: 'm', version: 'latest' })).toBe("Parameter 'version' must be an integer, got 'latest'.");
  });

  it('canonicalizes stages and refuses unknown ones', () => {
    expect(R.TransitionModelVersionStage.parse({ name: 'm', version: '1', stage: 'production' }).stage).toBe('Production');
    expect(issue(R.TransitionModelVersionStage, { name: 'm', version: '1', stage: 'prod' })).toBe(
      'Invalid Model Version stage: prod. Value must be one of None, Staging, Production, Archived.',
    );
    expect(R.GetLatestVersions.parse({ name: 'm', stages: ['staging', 'NONE'] }).stages).toEqual(['Staging', 'None']);
  });

  it('bounds tag values, with the prompt text message for templates', () => {
    const long = 'x'.repeat(100_001);
    expect(issue(R.SetModelVersionTag, { name: 'm', version: '1', key: 'k', value: long })).toBe(
      "'value' exceeds the maximum length of 100000 characters (got 100001).",
    );
    expect(issue(R.CreateModelVersion, { name: 'm', source: 's', tags: [{ key: 'mlflow.prompt.text', value: long }] })).toBe(
      'Prompt text exceeds max length of 100000 characters.',
    );
    expect(registryTagList().parse([{ key: 'a' }])).toEqual([{ key: 'a', value: '' }]);
  });

  it('refuses NUL in stored text and oversize descriptions', () => {
    expect(issue(R.CreateRegisteredModel, { name: 'm', description: 'a\u0000' })).toContain('NUL');
    expect(issue(R.CreateModelVersion, { name: 'm', source: 'x\u0000' })).toContain('NUL');
    expect(issue(R.CreateRegisteredModel, { name: 'm', description: 'd'.repeat(5001) })).toContain("'description' exceeds the maximum length of 5000");
  });

  it('knows a prompt by the key of its tag', () => {
    expect(hasPromptTag([{ key: 'mlflow.prompt.is_prompt' }])).toBe(true);
    expect(hasPromptTag([{ key: 'team' }])).toBe(false);
  });
});
