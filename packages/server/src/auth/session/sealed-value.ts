import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts and authenticates small values (AES-256-GCM) under a key derived from the server's secret
 * key with HKDF-SHA256 and a purpose label, so this key is unrelated to any other use of the secret
 * (webhook secrets). Every server started with the same secret opens what another sealed. The
 * additional data binds a sealed value to where it travels (a cookie's name): it cannot be moved.
 *
 * @example
 * const box = new SealedValues(secretKey, 'loupe pending-login cookie');
 * const text = box.seal('{"a":1}', '__Host-loupe-login');
 * box.open(text, '__Host-loupe-login'); // '{"a":1}'; undefined when forged, altered or moved
 */
export class SealedValues {
  private readonly key: Buffer;

  constructor(secret: string, purpose: string) {
    if (secret.length < 32) throw new Error('The secret key must be at least 32 characters');
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.from('loupe'), Buffer.from(purpose, 'utf8'), 32));
  }

  /** `v1.<base64url(iv | ciphertext | tag)>`. */
  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(`${VERSION}:${context}`));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
  }

  /** The plaintext, or undefined when the value was not sealed by this key for this context. */
  open(sealed: string, context: string): string | undefined {
    const [version, data, extra] = sealed.split('.');
    if (version !== VERSION || data === undefined || extra !== undefined) return undefined;
    const bytes = Buffer.from(data, 'base64url');
    if (bytes.length < IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(`${VERSION}:${context}`));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
