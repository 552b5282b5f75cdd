import { inflateRawSync, inflateSync, gunzipSync, type ZlibOptions } from 'node:zlib';
import { ApiError } from '@loupe/protocol';

/**
 * The two OTLP/HTTP body encodings (OTLP spec, "OTLP/HTTP Request").
 *
 * @example
 * const format: OtlpBodyFormat = otlpBodyFormat('application/x-protobuf'); // 'protobuf'
 */
export type OtlpBodyFormat = 'protobuf' | 'json';

const CONTENT_TYPES: Readonly<Record<string, OtlpBodyFormat>> = {
  'application/x-protobuf': 'protobuf',
  'application/json': 'json',
};

/**
 * Maps a Content-Type header (parameters such as charset ignored) to the body format.
 *
 * @example
 * otlpBodyFormat('application/json; charset=utf-8'); // 'json'
 */
export function otlpBodyFormat(contentType: string): OtlpBodyFormat {
  const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  const format = Object.hasOwn(CONTENT_TYPES, mediaType) ? CONTENT_TYPES[mediaType] : undefined;
  if (format === undefined) {
    throw ApiError.invalid(`Invalid Content-Type '${contentType}' for OTLP traces: expected one of ${Object.keys(CONTENT_TYPES).join(', ')}.`);
  }
  return format;
}

/** A zlib stream starts with CMF 0x?8 and a check byte making the first 16 bits a multiple of 31 (RFC 1950). */
function hasZlibHeader(body: Uint8Array): boolean {
  const [cmf, flg] = body;
  return cmf !== undefined && flg !== undefined && (cmf & 0x0f) === 8 && ((cmf << 8) | flg) % 31 === 0;
}

/**
 * Undoes the Content-Encoding (`identity`, `gzip`, `deflate` as zlib or raw, spec §4.5), refusing
 * to produce more than `maxBytes`: zlib stops at `maxOutputLength`, so a decompression bomb
 * costs at most `maxBytes` of memory.
 *
 * @example
 * const bytes = decodeContentEncoding(body, 'gzip', 64 * 1024 * 1024);
 */
export function decodeContentEncoding(body: Uint8Array, contentEncoding: string | undefined, maxBytes: number): Uint8Array {
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  const tooLarge = () => new ApiError('RESOURCE_LIMIT_EXCEEDED', `OTLP request body is too large: the limit is ${maxBytes} bytes after decompression.`);
  if (encoding === '' || encoding === 'identity') {
    if (body.byteLength > maxBytes) throw tooLarge();
    return body;
  }
  const options: ZlibOptions = { maxOutputLength: maxBytes };
  let inflate: (input: Uint8Array, options: ZlibOptions) => Buffer;
  if (encoding === 'gzip' || encoding === 'x-gzip') inflate = gunzipSync;
  else if (encoding === 'deflate') inflate = hasZlibHeader(body) ? inflateSync : inflateRawSync;
  else {
    throw ApiError.invalid(`Unsupported Content-Encoding '${contentEncoding}' for OTLP traces: expected identity, gzip or deflate.`);
  }
  try {
    return inflate(body, options);
  } catch (err) {
    if (err instanceof RangeError || (err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
    throw new ApiError('MALFORMED_REQUEST', `Malformed ${encoding} OTLP request body: ${(err as Error).message}`);
  }
}
