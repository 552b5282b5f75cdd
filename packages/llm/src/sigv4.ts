import { createHash, createHmac } from 'node:crypto';

/**
 * AWS Signature Version 4 for one JSON POST (Bedrock Runtime), so the SDK reaches Bedrock with
 * plain `fetch` and no AWS SDK. Follows the AWS General Reference, "Create a signed AWS API request".
 */

/** AWS credentials (access key pair, optional session token). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding, as SigV4 wants it (`encodeURIComponent` leaves `!'()*` alone). */
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The headers that sign a POST of `body` to `url` for `service` in `region` at `now`.
 *
 * @example
 * const headers = signAwsRequest({ url, body, region: 'us-east-1', service: 'bedrock', credentials, now: new Date() });
 */
export function signAwsRequest(args: {
  url: string;
  body: string;
  region: string;
  service: string;
  credentials: AwsCredentials;
  now: Date;
}): Record<string, string> {
  const url = new URL(args.url);
  const amzDate = args.now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const dateStamp = amzDate.slice(0, 8);
  const headers: Record<string, string> = { host: url.host, 'x-amz-date': amzDate };
  if (args.credentials.sessionToken) headers['x-amz-security-token'] = args.credentials.sessionToken;
  const names = Object.keys(headers).sort();
  // Services other than S3 encode each path segment a second time.
  const canonicalUri = url.pathname
    .split('/')
    .map((segment) => rfc3986(segment))
    .join('/');
  const canonicalQuery = [...url.searchParams.entries()]
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .sort()
    .join('&');
  const canonicalRequest = [
    'POST',
    canonicalUri,
    canonicalQuery,
    names.map((n) => `${n}:${headers[n]!.trim()}\n`).join(''),
    names.join(';'),
    sha256(args.body),
  ].join('\n');
  const scope = `${dateStamp}/${args.region}/${args.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${args.credentials.secretAccessKey}`, dateStamp), args.region), args.service), 'aws4_request');
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  const { host: _host, ...sent } = headers;
  return {
    ...sent,
    authorization: `AWS4-HMAC-SHA256 Credential=${args.credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}
