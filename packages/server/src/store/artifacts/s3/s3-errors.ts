import { ApiError } from '@loupe/protocol';

/**
 * The error code S3 answered with (`NoSuchKey`, `AccessDenied`, ...), or undefined for an error that
 * did not come from S3 (a refused connection).
 *
 * @example
 * if (s3ErrorCode(err) === 'NoSuchUpload') ...
 */
export function s3ErrorCode(err: unknown): string | undefined {
  if (!(err instanceof Error) || !('$metadata' in err)) return undefined;
  const code = (err as { Code?: unknown }).Code;
  return typeof code === 'string' ? code : err.name;
}

/** The HTTP status of an error S3 answered with. */
function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

/**
 * True when S3 says the object is not there: `NoSuchKey` from GET, a bare 404 from HEAD.
 *
 * @example
 * try { await client.send(new HeadObjectCommand(...)); } catch (err) { if (isMissingObject(err)) return null; throw err; }
 */
export function isMissingObject(err: unknown): boolean {
  const code = s3ErrorCode(err);
  return code === 'NoSuchKey' || code === 'NotFound' || (code !== undefined && code !== 'NoSuchBucket' && statusOf(err) === 404);
}

/** S3 errors a client's own multipart request causes (a wrong upload id, ETag or part order). */
const CLIENT_MULTIPART_ERRORS: Readonly<Record<string, (message: string) => ApiError>> = {
  NoSuchUpload: (m) => ApiError.notFound(`No such multipart upload: ${m}`),
  InvalidPart: (m) => ApiError.invalid(`Invalid part: ${m}`),
  InvalidPartOrder: (m) => ApiError.invalid(`Invalid part order: ${m}`),
  EntityTooSmall: (m) => ApiError.invalid(`A part is too small (every part but the last must be at least 5 MiB): ${m}`),
  MalformedXML: (m) => ApiError.invalid(`The parts are not valid: ${m}`),
  InvalidArgument: (m) => ApiError.invalid(`Invalid multipart upload request: ${m}`),
};

/**
 * An S3 error a multipart request of the client caused, as the 400 or 404 it is; any other error (the
 * store is unreachable, refuses the server's credentials) as it is, a 500 the server logs.
 *
 * @example
 * await client.send(new CompleteMultipartUploadCommand(...)).catch((err) => { throw multipartClientError(err); });
 */
export function multipartClientError(err: unknown): unknown {
  const code = s3ErrorCode(err);
  const make = code === undefined ? undefined : CLIENT_MULTIPART_ERRORS[code];
  return make ? make((err as Error).message) : err;
}
