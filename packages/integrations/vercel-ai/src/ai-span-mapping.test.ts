import { describe, expect, it } from 'vitest';
import { aiChatMessages, aiChatTools, aiSpanName, aiSpanRecord, aiSpanType, aiUsage, modelUsage } from './index.js';

describe('AI SDK span mapping', () => {
  it('names and types spans by operation, tools by their name and calls by their functionId', () => {
    expect(['ai.generateText', 'ai.streamText.doStream', 'ai.toolCall', 'ai.embedMany.doEmbed', 'ai.rerank.doRerank', 'custom'].map(aiSpanType)).toEqual([
      'CHAIN',
      'CHAT_MODEL',
      'TOOL',
      'EMBEDDING',
      'RERANKER',
      'UNKNOWN',
    ]);
    expect(aiSpanName('ai.toolCall', { 'ai.toolCall.name': 'weather' })).toBe('weather');
    expect(aiSpanName('ai.streamText', { 'ai.telemetry.functionId': 'chat-route' })).toBe('chat-route');
    expect(aiSpanName('ai.streamText.doStream', { 'ai.telemetry.functionId': 'chat-route' })).toBe('streamText.doStream');
  });

  it('reads usage under AI SDK 6 names, the older prompt/completion names, and embedding tokens', () => {
    expect(
      aiUsage({
        'ai.usage.inputTokens': 100,
        'ai.usage.outputTokens': 20,
        'ai.usage.inputTokenDetails.cacheReadTokens': 40,
        'ai.usage.inputTokenDetails.cacheWriteTokens': 10,
      }),
    ).toEqual({
      input_tokens: 100,
      output_tokens: 20,
      total_tokens: 120,
      cache_read_input_tokens: 40,
      cache_creation_input_tokens: 10,
    });
    expect(aiUsage({ 'ai.usage.promptTokens': 7, 'ai.usage.completionTokens': 3, 'ai.usage.cachedInputTokens': 2 })).toEqual({
      input_tokens: 7,
      output_tokens: 3,
      total_tokens: 10,
      cache_read_input_tokens: 2,
    });
    expect(aiUsage({ 'ai.usage.tokens': 5 })).toEqual({ input_tokens: 5, output_tokens: 0, total_tokens: 5 });
    expect(aiUsage({})).toBeUndefined();
    expect(
      modelUsage({ inputTokens: { total: 100, noCache: 50, cacheRead: 40, cacheWrite: 10 }, outputTokens: { total: 20, text: 15, reasoning: 5 } }),
    ).toEqual({
      input_tokens: 100,
      output_tokens: 20,
      total_tokens: 120,
      cache_read_input_tokens: 40,
      cache_creation_input_tokens: 10,
    });
    expect(modelUsage({ inputTokens: 9, outputTokens: 1, cachedInputTokens: 4 })).toEqual({
      input_tokens: 9,
      output_tokens: 1,
      total_tokens: 10,
      cache_read_input_tokens: 4,
    });
    expect(modelUsage({ tokens: 3 })).toBeUndefined();
  });

  it('converts prompt messages with images, files, tool calls and tool results (text, json, error outputs)', () => {
    const messages = aiChatMessages(
      [
        { role: 'system', content: 'sys' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'file', mediaType: 'image/png', data: 'iVBORw0=' },
            { type: 'file', mediaType: 'application/pdf', data: 'https://example.com/a.pdf' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'hmm' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool-call', toolCallId: 't1', toolName: 'lookup', input: { q: 'png' } },
          ],
        },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 't1', toolName: 'lookup', output: { type: 'error-text', value: 'not found' } }] },
      ],
      { text: 'An image.', toolCalls: [{ toolCallId: 't2', toolName: 'lookup', input: '{"q":"again"}' }] },
    );
    expect(messages).toEqual([
      { role: 'system', content: 'sys' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0=' } },
          { type: 'text', text: '[application/pdf: https://example.com/a.pdf]' },
        ],
      },
      { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 't1', type: 'function', function: { name: 'lookup', arguments: '{"q":"png"}' } }] },
      { role: 'tool', tool_call_id: 't1', name: 'lookup', content: 'not found' },
      { role: 'assistant', content: 'An image.', tool_calls: [{ id: 't2', type: 'function', function: { name: 'lookup', arguments: '{"q":"again"}' } }] },
    ]);
  });

  it('keeps function tools and leaves provider tools and broken entries out', () => {
    expect(
      aiChatTools([
        '{"type":"function","name":"f","description":"d","inputSchema":{"type":"object"}}',
        '{"type":"provider","id":"openai.web_search","name":"web"}',
        'not json',
      ]),
    ).toEqual([{ type: 'function', function: { name: 'f', description: 'd', parameters: { type: 'object' } } }]);
  });

  it('records model calls with model (response first), provider without the API suffix, and the answer in the chat', () => {
    const record = aiSpanRecord('ai.generateText.doGenerate', {
      'ai.model.id': 'claude-sonnet-4',
      'ai.model.provider': 'anthropic.messages',
      'ai.response.model': 'claude-sonnet-4-20250514',
      'ai.prompt.messages': '[{"role":"user","content":[{"type":"text","text":"hi"}]}]',
      'ai.response.text': 'hello',
      'ai.usage.inputTokens': 3,
      'ai.usage.outputTokens': 1,
    });
    expect(record.llm).toMatchObject({
      model: 'claude-sonnet-4-20250514',
      provider: 'anthropic',
      usage: { input_tokens: 3, output_tokens: 1, total_tokens: 4 },
    });
    expect(record.llm?.messages).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
    ]);
    expect(aiSpanRecord('ai.toolCall', { 'ai.toolCall.args': '{"a":1}', 'ai.toolCall.result': 'plain text' })).toEqual({
      inputs: { a: 1 },
      outputs: 'plain text',
    });
  });
});
