import { describe, expect, it } from 'vitest';
import { awsReferenceAuthorization } from './testing/aws-signer.js';
import { signAwsRequest } from './sigv4.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

describe('signAwsRequest', () => {
  it('matches the known answer of AWS’s SigV4 test suite (post-vanilla)', () => {
    const headers = signAwsRequest({
      url: 'https://example.amazonaws.com/',
      body: '',
      region: 'us-east-1',
      service: 'service',
      credentials,
      now: new Date(Date.UTC(2015, 7, 30, 12, 36, 0)),
    });
    expect(headers).toEqual({
      'x-amz-date': '20150830T123600Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b',
    });
  });

  it('agrees with AWS’s own signer on a Bedrock path with escaped characters, a body and a session token', async () => {
    const url = `https://bedrock-runtime.eu-west-1.amazonaws.com/model/${encodeURIComponent('eu.anthropic.claude-sonnet-4-5-20250929-v1:0')}/converse-stream`;
    const body = JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'Grüß Gott (*!)' }] }] });
    const at = new Date(Date.UTC(2026, 5, 1, 8, 30, 15));
    const withToken = { ...credentials, sessionToken: 'FwoGZXIvYXdzEJr//////////wEaDHEXAMPLE' };
    const ours = signAwsRequest({ url, body, region: 'eu-west-1', service: 'bedrock', credentials: withToken, now: at });
    expect(ours['x-amz-security-token']).toBe(withToken.sessionToken);
    expect(ours.authorization).toBe(await awsReferenceAuthorization({ url, body, region: 'eu-west-1', credentials: withToken, at }));
  });
});
