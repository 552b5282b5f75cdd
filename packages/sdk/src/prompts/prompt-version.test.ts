import { describe, expect, it } from 'vitest';
import { parsePromptUri, PromptFormatError, PromptVersion, promptVersionFrom } from './prompt-version.js';

describe('PromptVersion.format', () => {
  const text = new PromptVersion({ name: 'qa', version: 3, template: 'Hi {{name}}, answer {{ question }} for {{ user.plan }}. {not} {{ 9x }}' });

  it('fills text variables with or without spaces, dotted names from nested values or dotted keys', () => {
    expect(text.variables).toEqual(new Set(['name', 'question', 'user.plan']));
    expect(text.format({ name: 'Ann', question: 'why', user: { plan: 'pro' } })).toBe('Hi Ann, answer why for pro. {not} {{ 9x }}');
    expect(text.format({ name: 'Ann', question: 'why', 'user.plan': 'free' })).toBe('Hi Ann, answer why for free. {not} {{ 9x }}');
    // Values are not re-read as templates, and `$&` is taken literally.
    expect(text.format({ name: '{{ question }}', question: '$&', user: { plan: 1 } })).toBe('Hi {{ question }}, answer $& for 1. {not} {{ 9x }}');
  });

  it('throws naming every missing variable; formatPartial fills some and keeps the rest', () => {
    expect(() => text.format({ name: 'Ann' })).toThrow(PromptFormatError);
    expect(() => text.format({ name: 'Ann' })).toThrow('Missing variables for prompt prompts:/qa/3: question, user.plan');
    const half = text.formatPartial({ name: 'Ann' });
    expect(half.template).toBe('Hi Ann, answer {{ question }} for {{ user.plan }}. {not} {{ 9x }}');
    expect(half.variables).toEqual(new Set(['question', 'user.plan']));
    expect(half.format({ question: 'q', user: { plan: 'p' } })).toBe('Hi Ann, answer q for p. {not} {{ 9x }}');
  });

  it('formats chat templates message by message and converts to single braces', () => {
    const chat = new PromptVersion({
      name: 'bot',
      version: 1,
      template: [
        { role: 'system', content: 'You are a {{ style }} assistant.' },
        { role: 'user', content: '{{question}}' },
      ],
    });
    expect(chat.type).toBe('chat');
    expect(chat.format({ style: 'terse', question: 'Hi?' })).toEqual([
      { role: 'system', content: 'You are a terse assistant.' },
      { role: 'user', content: 'Hi?' },
    ]);
    expect(() => chat.format({ style: 'terse' })).toThrow('question');
    expect(chat.toSingleBraceFormat()).toEqual([
      { role: 'system', content: 'You are a {style} assistant.' },
      { role: 'user', content: '{question}' },
    ]);
  });
});

describe('prompt URIs and stored versions', () => {
  it('parses versions, aliases and bare names, and refuses malformed URIs', () => {
    expect(parsePromptUri('prompts:/qa/3')).toEqual({ name: 'qa', version: 3 });
    expect(parsePromptUri('prompts:/qa@production')).toEqual({ name: 'qa', alias: 'production' });
    expect(parsePromptUri('prompts:/qa@latest')).toEqual({ name: 'qa', alias: 'latest' });
    expect(parsePromptUri('qa')).toEqual({ name: 'qa', alias: 'latest' });
    for (const bad of ['prompts:/qa', 'prompts:/qa/0', 'prompts:/qa/x', 'prompts:/qa@', 'prompts:/', 'a/b', '']) {
      expect(() => parsePromptUri(bad), bad).toThrow('Invalid prompt URI');
    }
  });

  it('decodes a stored chat version and keeps reserved tags out of its tags', () => {
    const pv = promptVersionFrom({
      name: 'bot',
      version: '2',
      creation_timestamp: 5,
      description: 'chat version',
      aliases: ['production'],
      tags: [
        { key: 'mlflow.prompt.is_prompt', value: 'true' },
        { key: '_mlflow_prompt_type', value: 'chat' },
        { key: 'mlflow.prompt.text', value: '[{"role":"user","content":"{{ q }}"}]' },
        { key: '_mlflow_prompt_response_format', value: '{"type":"object"}' },
        { key: '_mlflow_prompt_model_config', value: '{"model_name":"gpt-4o","temperature":0.2}' },
        { key: 'author', value: 'ann' },
      ],
    });
    expect(pv).toMatchObject({
      name: 'bot',
      version: 2,
      type: 'chat',
      template: [{ role: 'user', content: '{{ q }}' }],
      commitMessage: 'chat version',
      tags: { author: 'ann' },
      aliases: ['production'],
      responseFormat: { type: 'object' },
      modelConfig: { model_name: 'gpt-4o', temperature: 0.2 },
      uri: 'prompts:/bot/2',
    });
    expect(() => promptVersionFrom({ name: 'm', version: '1', creation_timestamp: 1, tags: [] })).toThrow('not a prompt version');
  });
});
