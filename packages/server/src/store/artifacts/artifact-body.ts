import type { ArtifactBody } from './artifact-store.js';

function isWebStream(body: ArtifactBody): body is ReadableStream<Uint8Array> {
  return typeof (body as ReadableStream<Uint8Array>).getReader === 'function';
}

function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  // Node streams in string mode yield strings.
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new TypeError(`Artifact bodies must yield bytes, got ${typeof chunk}`);
}

/**
 * Iterates an {@link ArtifactBody} chunk by chunk. Stopping early (a `break`, or an error thrown by
 * the consumer) cancels a web stream, so its producer is released.
 *
 * @example
 * for await (const chunk of bodyChunks(request.body)) await file.write(chunk);
 */
export async function* bodyChunks(body: ArtifactBody): AsyncGenerator<Uint8Array, void, undefined> {
  if (!isWebStream(body)) {
    for await (const chunk of body as AsyncIterable<unknown>) yield toBytes(chunk);
    return;
  }
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield toBytes(value);
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
