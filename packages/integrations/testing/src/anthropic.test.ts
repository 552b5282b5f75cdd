import { describe, expect, it } from 'vitest';
import { anthropicMessage, anthropicStreamEvents } from './anthropic.js';

describe('fake Anthropic', () => {
  it('streams a message as events that add up to it: text deltas, tool input JSON in pieces, output usage last', () => {
    const message = anthropicMessage({
      text: 'Looking it up for you.',
      toolUses: [{ id: 't1', name: 'lookup', input: { q: 'weather in Paris' } }],
      usage: { input_tokens: 9, output_tokens: 7 },
    });
    const events = anthropicStreamEvents(message);
    expect(events.map((e) => e.type).filter((t, i, all) => t !== all[i - 1])).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const deltas = events.filter((e) => e.type === 'content_block_delta').map((e) => e.delta as { text?: string; partial_json?: string });
    expect(deltas.map((d) => d.text ?? '').join('')).toBe('Looking it up for you.');
    expect(JSON.parse(deltas.map((d) => d.partial_json ?? '').join(''))).toEqual({ q: 'weather in Paris' });
    expect(events.find((e) => e.type === 'message_delta')).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 7 } });
  });
});
