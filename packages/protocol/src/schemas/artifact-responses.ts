import { z } from 'zod';

/**
 * Replies of the proxied artifact service's direct transfers (spec §2.6): multipart upload creation
 * (protobuf-JSON: empty maps and lists omitted) and the presigned download (MLflow answers a plain
 * JSON object there, `headers` always present).
 */

export const CreateMultipartUpload = z.strictObject({
  upload_id: z.string(),
  credentials: z.array(z.strictObject({ url: z.string(), part_number: z.number().int(), headers: z.record(z.string(), z.string()).optional() })).optional(),
});

export const PresignedDownload = z.strictObject({ url: z.string(), headers: z.record(z.string(), z.string()), file_size: z.number().int() });
