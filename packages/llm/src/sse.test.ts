import { describe, expect, it } from 'vitest';
import { readServerSentEvents } from './sse.js';
import { collect } from './testing/test-kit.js';

async function* bytes(...pieces: string[]): AsyncGenerator<Uint8Array> {
  for (const piece of pieces) yield new TextEncoder().encode(piece);
}

describe('readServerSentEvents', () => {
  it('reads named events, joins data lines, skips comments and unknown fields', async () => {
    const events = await collect(
      readServerSentEvents(bytes(': ping\n', 'event: message_start\ndata: {"a":1}\n\n', 'id: 7\ndata: line one\ndata: line two\n\n')),
    );
    expect(events).toEqual([{ event: 'message_start', data: '{"a":1}' }, { data: 'line one\nline two' }]);
  });

  it('reads events split anywhere across chunks, with CRLF line ends and a multi-byte character cut in two', async () => {
    const text = 'data: {"t":"héllo"}\r\n\r\ndata: [DONE]\r\n\r\n';
    const encoded = new TextEncoder().encode(text);
    async function* oneByteAtATime() {
      for (const byte of encoded) yield new Uint8Array([byte]);
    }
    expect(await collect(readServerSentEvents(oneByteAtATime()))).toEqual([{ data: '{"t":"héllo"}' }, { data: '[DONE]' }]);
  });

  it('yields a last event the stream did not close with a blank line', async () => {
    expect(await collect(readServerSentEvents(bytes('data: tail')))).toEqual([{ data: 'tail' }]);
  });
});
