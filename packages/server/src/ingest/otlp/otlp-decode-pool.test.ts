import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Worker } from 'node:worker_threads';
import { ApiError } from '@loupe/protocol';
import { decodeOtlpInline } from './decode-otlp.js';
import { OtlpDecodePool } from './otlp-decode-pool.js';
import { encodeRequest, wireRequest, wireSpan } from './testing/otlp-builders.js';

const PROTO = 'application/x-protobuf';
const TRACE_ID = new Uint8Array(16).fill(7);
/** A distinct 8-byte span id for span `i`. */
const spanId = (i: number) => {
  const id = new Uint8Array(8).fill(1);
  new DataView(id.buffer).setUint32(4, i + 1);
  return id;
};

describe('OtlpDecodePool', () => {
  let pool: OtlpDecodePool;
  beforeEach(() => {
    pool = new OtlpDecodePool(2);
  });
  afterEach(async () => {
    await pool.close();
  });

  const body = (n: number) =>
    encodeRequest(wireRequest(Array.from({ length: n }, (_, i) => wireSpan({ traceId: TRACE_ID, spanId: spanId(i), name: `span-${i}` }))));

  it('decodes what the request thread decodes, for many bodies at once', async () => {
    const bodies = Array.from({ length: 20 }, (_, i) => body(i + 1));
    const expected = await Promise.all(bodies.map((b) => decodeOtlpInline(b.slice(), PROTO, undefined)));
    const decoded = await Promise.all(bodies.map((b) => pool.decode(b, PROTO, undefined)));
    expect(decoded).toEqual(expected);
    expect(decoded[19]?.[0]?.spans).toHaveLength(20);
  });

  it('fails a bad body with the ApiError the request thread would give', async () => {
    const truncated = body(3).subarray(0, 40);
    const inline = await decodeOtlpInline(truncated.slice(), PROTO, undefined).catch((e: unknown) => e);
    const pooled = await pool.decode(truncated.slice(), PROTO, undefined).catch((e: unknown) => e);
    expect(ApiError.is(pooled)).toBe(true);
    expect(pooled).toMatchObject({ code: (inline as ApiError).code, message: (inline as ApiError).message });
    await expect(pool.decode(new Uint8Array([1, 2, 3]), 'text/plain', undefined)).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
  });

  it('starts its threads with the first body, not before', async () => {
    const workers = (pool as unknown as { workers: unknown[] }).workers;
    expect(workers).toHaveLength(0);
    await pool.decode(body(1), PROTO, undefined);
    expect(workers.length).toBeGreaterThan(0);
  });

  it('copies a body that is a view into a larger buffer, leaving the buffer usable', async () => {
    const whole = body(2);
    const padded = new Uint8Array(whole.byteLength + 10);
    padded.set(whole, 5);
    const view = padded.subarray(5, 5 + whole.byteLength);
    expect(await pool.decode(view, PROTO, undefined)).toEqual(await decodeOtlpInline(whole.slice(), PROTO, undefined));
    expect(padded.byteLength).toBe(whole.byteLength + 10);
  });

  it('fails the bodies of a worker that dies, replaces it, and keeps decoding', async () => {
    const workers = (pool as unknown as { workers: { worker: Worker }[] }).workers;
    const inFlight = pool.decode(body(50), PROTO, undefined);
    const first = workers[0]?.worker as Worker;
    await first.terminate();
    // The exit that fails its bodies replaces the worker in the same step.
    await expect(inFlight).rejects.toThrow(/exited/);
    expect(workers[0]?.worker).not.toBe(first);
    const results = await Promise.all([1, 2, 3, 4].map((n) => pool.decode(body(n), PROTO, undefined)));
    expect(results.map((r) => r[0]?.spans.length)).toEqual([1, 2, 3, 4]);
  });

  it('refuses work once closed', async () => {
    await pool.close();
    await expect(pool.decode(body(1), PROTO, undefined)).rejects.toThrow(/closed/);
  });
});
