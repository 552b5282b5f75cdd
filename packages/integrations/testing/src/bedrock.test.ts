import http2 from 'node:http2';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeEventStreamMessage, installBedrock, startBedrockFront, type BedrockFront } from './bedrock.js';
import { startFakeProvider, type FakeProvider } from './fake-server.js';

let fake: FakeProvider;
let front: BedrockFront;
beforeAll(async () => {
  fake = await startFakeProvider();
  installBedrock(fake);
  front = await startBedrockFront(fake);
});
afterAll(async () => {
  await front.close();
  await fake.close();
});

const converse = JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'hi' }] }] });

describe('fake Bedrock', () => {
  it('encodes event stream messages with their lengths and CRC32 checksums', () => {
    const frame = encodeEventStreamMessage({ ':event-type': 'chunk' }, '{"a":1}');
    const headersLength = 1 + ':event-type'.length + 1 + 2 + 'chunk'.length;
    expect(frame.readUInt32BE(0)).toBe(frame.length);
    expect(frame.readUInt32BE(4)).toBe(headersLength);
    expect(frame.readUInt32BE(8)).toBe(zlib.crc32(frame.subarray(0, 8)));
    expect(frame.subarray(12 + headersLength, frame.length - 4).toString()).toBe('{"a":1}');
    expect(frame.readUInt32BE(frame.length - 4)).toBe(zlib.crc32(frame.subarray(0, frame.length - 4)));
  });

  it('the front answers HTTP/1.1 and HTTP/2 on one port, from the fake', async () => {
    const h1 = await fetch(`${front.url}/model/m/converse`, { method: 'POST', body: converse, headers: { 'content-type': 'application/json' } });
    expect(((await h1.json()) as { output: unknown }).output).toEqual({ message: { role: 'assistant', content: [{ text: 'Echo: hi' }] } });
    const session = http2.connect(front.url);
    const body = await new Promise<string>((resolve, reject) => {
      const req = session.request({ ':method': 'POST', ':path': '/model/m/converse', 'content-type': 'application/json' });
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => resolve(text));
      req.on('error', reject);
      req.end(converse);
    });
    session.close();
    expect(JSON.parse(body).output.message.content[0].text).toBe('Echo: hi');
    expect(fake.requests.map((r) => r.path)).toEqual(['/model/m/converse', '/model/m/converse']);
  });
});
