import { bedrockEvent, encodeEventStreamMessage } from '@loupe/fake-providers/bedrock';
import { describe, expect, it } from 'vitest';
import { EventStreamFramingError, readEventStream } from './event-stream.js';
import { collect, rejectionOf } from './testing/test-kit.js';

async function* pieces(buffer: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
}

describe('readEventStream', () => {
  it('decodes messages split across chunks of any size', async () => {
    const body = Buffer.concat([
      bedrockEvent('messageStart', { role: 'assistant' }),
      bedrockEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' } }),
    ]);
    for (const size of [1, 7, 1000]) {
      const messages = await collect(readEventStream(pieces(body, size)));
      expect(messages.map((m) => [m.headers[':event-type'], JSON.parse(Buffer.from(m.payload).toString('utf8'))])).toEqual([
        ['messageStart', { role: 'assistant' }],
        ['contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' } }],
      ]);
      expect(messages[0]!.headers[':message-type']).toBe('event');
    }
  });

  it('refuses a message whose checksum does not match', async () => {
    const frame = Buffer.from(encodeEventStreamMessage({ ':message-type': 'event', ':event-type': 'metadata' }, '{"usage":{}}'));
    frame.writeUInt8(frame.readUInt8(frame.length - 6) ^ 0xff, frame.length - 6); // a payload byte
    const error = await rejectionOf(collect(readEventStream(pieces(frame, 1000))));
    expect(error).toBeInstanceOf(EventStreamFramingError);
    expect((error as Error).message).toContain('message checksum');
  });

  it('refuses a body that ends inside a message', async () => {
    const frame = bedrockEvent('messageStop', { stopReason: 'end_turn' });
    const error = await rejectionOf(collect(readEventStream(pieces(frame.subarray(0, frame.length - 3), 1000))));
    expect(error).toBeInstanceOf(EventStreamFramingError);
  });
});
