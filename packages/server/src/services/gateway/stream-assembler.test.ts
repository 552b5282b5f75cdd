import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '@loupe/llm';
import { StreamAssembler } from './stream-assembler.js';

const chunk = (
  delta: ChatCompletionChunk['choices'][number]['delta'],
  finish: ChatCompletionChunk['choices'][number]['finish_reason'] = null,
): ChatCompletionChunk => ({
  id: 'c-1',
  object: 'chat.completion.chunk',
  created: 7,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, delta, finish_reason: finish }],
});

describe('StreamAssembler', () => {
  it('adds up text, tool-call pieces, the finish reason and the last usage into one completion', () => {
    const assembler = new StreamAssembler();
    expect(assembler.completion()).toBeUndefined();
    assembler.add(chunk({ role: 'assistant', content: 'Hel' }));
    assembler.add(chunk({ content: 'lo' }));
    assembler.add(chunk({ tool_calls: [{ index: 0, id: 'call-1', type: 'function', function: { name: 'get_weather', arguments: '{"ci' } }] }));
    assembler.add(chunk({ tool_calls: [{ index: 0, function: { arguments: 'ty":"Paris"}' } }] }, 'tool_calls'));
    assembler.add({ ...chunk({}), choices: [], usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } });
    expect(assembler.completion()).toEqual({
      id: 'c-1',
      object: 'chat.completion',
      created: 7,
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Hello',
            tool_calls: [{ id: 'call-1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
    });
  });
});
