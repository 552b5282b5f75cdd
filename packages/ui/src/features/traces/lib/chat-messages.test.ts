import { describe, expect, it } from 'vitest';
import { extractChat } from './chat-messages';

describe('extractChat', () => {
  it('reads OpenAI chat: system, user, assistant tool calls, tool results, the final choice', () => {
    const inputs = {
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'You are helpful.' },
        { role: 'user', content: [{ type: 'text', text: 'Where is order 42?' }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: '{"id":42}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '{"status":"shipped"}' },
      ],
    };
    const outputs = { choices: [{ index: 0, message: { role: 'assistant', content: 'It has shipped.' } }] };
    expect(extractChat(inputs, outputs)).toEqual([
      { role: 'system', content: 'You are helpful.' },
      { role: 'user', content: 'Where is order 42?' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'lookup_order', arguments: '{\n  "id": 42\n}' }] },
      { role: 'tool', content: '{"status":"shipped"}', toolCallId: 'call_1' },
      { role: 'assistant', content: 'It has shipped.' },
    ]);
  });

  it('reads Anthropic content blocks: system, tool_use, tool_result', () => {
    const inputs = {
      system: 'Be brief.',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'tu_1', name: 'weather', input: { city: 'Paris' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu_1', content: [{ type: 'text', text: '18°C' }] }] },
      ],
    };
    const outputs = { role: 'assistant', content: [{ type: 'text', text: '18°C and sunny.' }] };
    expect(extractChat(inputs, outputs)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: 'Checking.', toolCalls: [{ id: 'tu_1', name: 'weather', arguments: '{\n  "city": "Paris"\n}' }] },
      { role: 'tool', content: '18°C', toolCallId: 'tu_1' },
      { role: 'assistant', content: '18°C and sunny.' },
    ]);
  });

  it('reads OpenTelemetry GenAI parts and MLflow chat attributes', () => {
    const genai = [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }];
    expect(extractChat(genai, [{ role: 'assistant', parts: [{ type: 'tool_call', id: 'c', name: 'f', arguments: { a: 1 } }] }])).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 'f', arguments: '{\n  "a": 1\n}' }] },
    ]);
    expect(
      extractChat({ x: 1 }, null, {
        'mlflow.chat.messages': [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a' },
        ],
      }),
    ).toEqual([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'a' },
    ]);
  });

  it('is null for inputs that are not a conversation', () => {
    expect(extractChat({ query: 'docs about x' }, { documents: [] })).toBeNull();
    expect(extractChat('text', 'text')).toBeNull();
  });
});
