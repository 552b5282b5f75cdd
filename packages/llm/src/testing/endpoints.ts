import type { EndpointModel, ResolvedEndpoint } from '../engine/routing.js';
import type { ChatCompletionChunk, ChatToolCall } from '../types.js';

/** An endpoint with one PRIMARY model. */
export function singleModelEndpoint(model: Omit<EndpointModel, 'linkage' | 'weight'>, name = 'test-endpoint'): ResolvedEndpoint {
  return { name, models: [{ ...model, linkage: 'PRIMARY', weight: 1 }] };
}

/** The text and tool calls a stream of chunks adds up to, as a client would assemble them. */
export function assemble(chunks: ChatCompletionChunk[]): { text: string; toolCalls: ChatToolCall[]; finish: string | null } {
  let text = '';
  const calls: ChatToolCall[] = [];
  let finish: string | null = null;
  for (const chunk of chunks) {
    for (const choice of chunk.choices) {
      text += choice.delta.content ?? '';
      for (const d of choice.delta.tool_calls ?? []) {
        const call = (calls[d.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
        if (d.id) call.id = d.id;
        if (d.function?.name) call.function.name = d.function.name;
        call.function.arguments += d.function?.arguments ?? '';
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
  }
  return { text, toolCalls: calls, finish };
}

/** A weather tool, as tests send it. */
export const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather of a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
