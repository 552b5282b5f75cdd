import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/** A stored secret that cannot be decrypted with this server's key. */
export class SecretDecryptError extends Error {
  override readonly name = 'SecretDecryptError';
}

/**
 * Encrypts secrets at rest with AES-256-GCM (webhook secrets, the AI gateway's provider credentials).
 * The 256-bit key is derived (HKDF-SHA256) from the server's key material (`--secret-key` /
 * `LOUPE_SECRET_KEY`, or the key file beside a SQLite database) and a purpose, so each kind of secret
 * has its own key; each secret gets a random 96-bit IV, and the GCM tag makes tampering or a wrong key
 * an error instead of garbage. `aad` (additional authenticated data, e.g. the secret's id) binds a
 * ciphertext to its row: copied onto another row it no longer decrypts. Stored form:
 * `v1.<iv>.<tag>.<ciphertext>`, base64url.
 *
 * @example
 * const cipher = new SecretCipher(keyMaterial);
 * const stored = cipher.encrypt('s3cret');
 * cipher.decrypt(stored); // 's3cret'
 */
export class SecretCipher {
  private readonly key: Buffer;

  /** `purpose` names the kind of secret (HKDF info); webhook secrets keep the original one. */
  constructor(keyMaterial: string, purpose = 'webhook-secret-v1') {
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(keyMaterial, 'utf8'), Buffer.from('loupe'), Buffer.from(purpose), 32));
  }

  encrypt(plaintext: string, aad?: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    if (aad !== undefined) cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  /** The secret, or a {@link SecretDecryptError} when the key is not the one it was stored with. */
  decrypt(stored: string, aad?: string): string {
    const [version, iv, tag, ciphertext] = stored.split('.');
    if (version !== VERSION || iv === undefined || tag === undefined || ciphertext === undefined)
      throw new SecretDecryptError('The stored secret is not in a form this server reads.');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretDecryptError("The stored secret cannot be decrypted with this server's secret key (was --secret-key / LOUPE_SECRET_KEY changed?).");
    }
  }
}
