import https from 'node:https';
import { S3Client } from '@aws-sdk/client-s3';

/** How to reach S3 (MLflow's environment: `MLFLOW_S3_ENDPOINT_URL`, `AWS_*`, `MLFLOW_S3_IGNORE_TLS`). */
export interface S3ConnectionSettings {
  /** An S3-compatible server (Ceph, MinIO, ...); undefined: AWS S3. */
  endpointUrl?: string | undefined;
  /** Static credentials; both undefined: the AWS SDK's default chain (shared files, instance and container roles). */
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  sessionToken?: string | undefined;
  region: string;
  /** Accept any TLS certificate from the endpoint (a self-signed test server). */
  ignoreTls: boolean;
  /** `auto`: path-style when an endpoint URL is set (most non-AWS servers need it), virtual-hosted on AWS. */
  addressingStyle: 'auto' | 'path' | 'virtual';
}

/** How long opening a connection to S3 may take before the request fails (a dead endpoint fails fast). */
const CONNECTION_TIMEOUT_MS = 10_000;

/**
 * The S3 client every S3 artifact store of a server shares. Checksums are only sent where S3 requires
 * them: the SDK's default (a CRC32 trailer in `aws-chunked` bodies) is not understood by many
 * S3-compatible servers, which would store the chunk framing as data, and presigned part URLs would be
 * signed for a checksum header clients never send.
 *
 * @example
 * const client = createS3Client({ endpointUrl: 'http://127.0.0.1:7480', region: 'us-east-1', ignoreTls: false, addressingStyle: 'auto' });
 */
export function createS3Client(settings: S3ConnectionSettings): S3Client {
  const pathStyle = settings.addressingStyle === 'path' || (settings.addressingStyle === 'auto' && settings.endpointUrl !== undefined);
  const credentials =
    settings.accessKeyId && settings.secretAccessKey
      ? {
          accessKeyId: settings.accessKeyId,
          secretAccessKey: settings.secretAccessKey,
          ...(settings.sessionToken ? { sessionToken: settings.sessionToken } : {}),
        }
      : undefined;
  return new S3Client({
    region: settings.region,
    forcePathStyle: pathStyle,
    // On AWS a bucket in another region answers with a redirect; follow it rather than fail.
    followRegionRedirects: settings.endpointUrl === undefined,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: {
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      ...(settings.ignoreTls ? { httpsAgent: new https.Agent({ keepAlive: true, rejectUnauthorized: false }) } : {}),
    },
    ...(settings.endpointUrl !== undefined ? { endpoint: settings.endpointUrl } : {}),
    ...(credentials ? { credentials } : {}),
  });
}
