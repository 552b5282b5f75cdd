import { describe, expect, it } from 'vitest';
import { openAIChatCompletionMessages, openAIResponseItems, openAIResponsesMessages, openAITools, openAIUsage } from './openai-chat-format.js';

describe('OpenAI shapes in the chat format', () => {
  it('Chat Completions: developer is system, tool calls and results keep their ids, the answer comes last', () => {
    const params = {
      messages: [
        { role: 'developer', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look at ' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } },
          ],
        },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"id":1}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: '{"ok":true}' },
      ],
    };
    const messages = openAIChatCompletionMessages(params, { choices: [{ message: { role: 'assistant', content: 'Done.' } }] });
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant']);
    expect(messages[1]!.content).toEqual([
      { type: 'text', text: 'Look at ' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } },
    ]);
    expect(messages[2]!.tool_calls?.[0]).toEqual({ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"id":1}' } });
    expect(messages[3]).toMatchObject({ tool_call_id: 'c1' });
  });

  it('Responses items, snake_case and the Agents SDK camelCase alike, fold into chat turns', () => {
    const items = [
      { role: 'user', content: 'Where is A1?' },
      { type: 'function_call', callId: 'c1', name: 'lookup', arguments: '{"id":"A1"}' },
      { type: 'function_call_result', callId: 'c1', output: { type: 'text', text: 'shipped' } },
      { type: 'function_call', call_id: 'c2', name: 'track', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c2', output: 'UPS' },
    ];
    expect(openAIResponseItems(items)).toEqual([
      { role: 'user', content: 'Where is A1?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"id":"A1"}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'shipped' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c2', type: 'function', function: { name: 'track', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c2', content: 'UPS' },
    ]);
    const response = {
      output: [
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'It shipped.' }] },
        { type: 'function_call', call_id: 'c3', name: 'notify', arguments: '{}' },
      ],
    };
    expect(openAIResponsesMessages({ instructions: 'Be brief.', input: 'hi' }, response)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'It shipped.', tool_calls: [{ id: 'c3', type: 'function', function: { name: 'notify', arguments: '{}' } }] },
    ]);
  });

  it('tools in both layouts; usage in every shape, cached tokens inside the input count', () => {
    expect(
      openAITools([
        { type: 'function', function: { name: 'a', parameters: { type: 'object' } } },
        { type: 'function', name: 'b', description: 'B' },
        { type: 'web_search' },
      ]),
    ).toEqual([
      { type: 'function', function: { name: 'a', parameters: { type: 'object' } } },
      { type: 'function', function: { name: 'b', description: 'B' } },
    ]);
    expect(openAIUsage({ prompt_tokens: 100, completion_tokens: 20, prompt_tokens_details: { cached_tokens: 40 } })).toEqual({
      input_tokens: 100,
      output_tokens: 20,
      total_tokens: 120,
      cache_read_input_tokens: 40,
    });
    expect(openAIUsage({ input_tokens: 10, output_tokens: 5, total_tokens: 15, input_tokens_details: { cached_tokens: 0 } })).toEqual({
      input_tokens: 10,
      output_tokens: 5,
      total_tokens: 15,
    });
    expect(openAIUsage({ input_tokens: 10, output_tokens: 5, details: { cached_tokens: 3 } })).toMatchObject({ cache_read_input_tokens: 3 });
    expect(openAIUsage({ completion_tokens: 5 })).toBeUndefined();
  });
});
