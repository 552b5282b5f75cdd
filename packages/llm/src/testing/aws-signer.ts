import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentials } from '../sigv4.js';

/** The hash constructor AWS's signer takes, over node:crypto. */
class NodeSha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: unknown) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', typeof secret === 'string' ? secret : Buffer.from(secret as Uint8Array));
  }
  update(data: string | Uint8Array) {
    this.h.update(data);
  }
  digest() {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
}

/**
 * The `Authorization` header AWS's own signer (`@smithy/signature-v4`) computes for a POST, signing
 * the same headers as ours (host, x-amz-date, x-amz-security-token): the reference a test checks against.
 *
 * @example
 * const expected = await awsReferenceAuthorization({ url, body, region: 'us-west-2', credentials, at: new Date(now) });
 */
export async function awsReferenceAuthorization(args: { url: string; body: string; region: string; credentials: AwsCredentials; at: Date }): Promise<string> {
  const url = new URL(args.url);
  const signer = new SignatureV4({ credentials: args.credentials, region: args.region, service: 'bedrock', sha256: NodeSha256, applyChecksum: false });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { host: url.host },
      body: args.body,
    },
    { signingDate: args.at },
  );
  return String(signed.headers.authorization);
}
