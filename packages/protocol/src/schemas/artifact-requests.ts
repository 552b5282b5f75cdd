import { z } from 'zod';
import { int64, repeated, required, requiredStr, str, wireCheck } from './fields.js';

/**
 * Request bodies of the proxied artifact service's multipart upload (spec §2.6,
 * `mlflow_artifacts.proto`). `path` is the client's local file path, of which only the base name is
 * used; the folder comes from the URL.
 */

/** S3 takes at most 10,000 parts per upload. */
export const MAX_MULTIPART_PARTS = 10_000;

const partNumber = wireCheck(int64(), (n) => n >= 1 && n <= MAX_MULTIPART_PARTS, `part_number must be between 1 and ${MAX_MULTIPART_PARTS}.`);

/** `POST mlflow-artifacts/mpu/create/<dir>`: `num_parts` unset is 0, as protobuf reads it (an empty file). */
export const CreateMultipartUpload = z.object({
  path: requiredStr(),
  num_parts: wireCheck(int64(), (n) => n >= 0 && n <= MAX_MULTIPART_PARTS, `num_parts must be between 0 and ${MAX_MULTIPART_PARTS}.`)
    .optional()
    .default(0),
});

/** `POST mlflow-artifacts/mpu/complete/<dir>`: the parts as the object store acknowledged them. */
export const CompleteMultipartUpload = z.object({
  path: requiredStr(),
  upload_id: requiredStr(),
  parts: required(
    repeated(
      z.object({
        part_number: required(partNumber, 'part_number'),
        etag: requiredStr({ field: 'etag' }),
        url: str().nullish(),
      }),
    ),
  ),
});

/** `POST mlflow-artifacts/mpu/abort/<dir>`. */
export const AbortMultipartUpload = z.object({ path: requiredStr(), upload_id: requiredStr() });
