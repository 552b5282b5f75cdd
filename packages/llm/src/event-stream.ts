import { crc32 } from 'node:zlib';

/**
 * The AWS event stream binary framing (`application/vnd.amazon.eventstream`), as Bedrock's
 * ConverseStream sends it: each message is a prelude (total length, headers length, CRC32 of those
 * 8 bytes), typed headers, a payload and a CRC32 of everything before it.
 */

/** One decoded message: its headers (`:message-type`, `:event-type`, ...) and payload bytes. */
export interface EventStreamMessage {
  headers: Record<string, string | number | boolean | Uint8Array>;
  payload: Uint8Array;
}

/** A stream that is not valid event-stream framing. */
export class EventStreamFramingError extends Error {
  override readonly name = 'EventStreamFramingError';
}

function readHeaders(bytes: Buffer): EventStreamMessage['headers'] {
  const headers: EventStreamMessage['headers'] = {};
  let at = 0;
  while (at < bytes.length) {
    const nameLength = bytes.readUInt8(at);
    const name = bytes.toString('utf8', at + 1, at + 1 + nameLength);
    at += 1 + nameLength;
    const type = bytes.readUInt8(at++);
    switch (type) {
      case 0:
      case 1:
        headers[name] = type === 0;
        break;
      case 2:
        headers[name] = bytes.readInt8(at);
        at += 1;
        break;
      case 3:
        headers[name] = bytes.readInt16BE(at);
        at += 2;
        break;
      case 4:
        headers[name] = bytes.readInt32BE(at);
        at += 4;
        break;
      case 5:
      case 8:
        headers[name] = Number(bytes.readBigInt64BE(at));
        at += 8;
        break;
      case 6:
      case 7: {
        const length = bytes.readUInt16BE(at);
        const value = bytes.subarray(at + 2, at + 2 + length);
        headers[name] = type === 7 ? value.toString('utf8') : new Uint8Array(value);
        at += 2 + length;
        break;
      }
      case 9:
        headers[name] = new Uint8Array(bytes.subarray(at, at + 16));
        at += 16;
        break;
      default:
        throw new EventStreamFramingError(`unknown event-stream header type ${type}`);
    }
  }
  return headers;
}

/**
 * The messages of an event-stream body, checked against both CRCs; throws an
 * {@link EventStreamFramingError} on a bad checksum or a body that ends inside a message.
 *
 * @example
 * for await (const m of readEventStream(response.body)) if (m.headers[':event-type'] === 'contentBlockDelta') ...
 */
export async function* readEventStream(body: AsyncIterable<Uint8Array>): AsyncGenerator<EventStreamMessage> {
  let buffer = Buffer.alloc(0);
  for await (const chunk of body) {
    buffer = buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([buffer, chunk]);
    while (buffer.length >= 12) {
      const total = buffer.readUInt32BE(0);
      const headersLength = buffer.readUInt32BE(4);
      if (crc32(buffer.subarray(0, 8)) !== buffer.readUInt32BE(8)) throw new EventStreamFramingError('event-stream prelude checksum mismatch');
      if (total < 16 + headersLength) throw new EventStreamFramingError('event-stream message shorter than its headers');
      if (buffer.length < total) break;
      if (crc32(buffer.subarray(0, total - 4)) !== buffer.readUInt32BE(total - 4)) throw new EventStreamFramingError('event-stream message checksum mismatch');
      const headers = readHeaders(buffer.subarray(12, 12 + headersLength));
      const payload = new Uint8Array(buffer.subarray(12 + headersLength, total - 4));
      buffer = buffer.subarray(total);
      yield { headers, payload };
    }
  }
  if (buffer.length > 0) throw new EventStreamFramingError('event-stream body ended inside a message');
}
