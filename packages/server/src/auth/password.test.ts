import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password.js';

const CHEAP = { N: 1024, r: 8, p: 1 };

describe('scrypt passwords', () => {
  it('verify the password they were made from, and no other', async () => {
    const stored = await hashPassword('correct horse battery staple', CHEAP);
    expect(stored).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salt every hash', async () => {
    expect(await hashPassword('same password!', CHEAP)).not.toBe(await hashPassword('same password!', CHEAP));
  });

  it('never match a malformed stored hash', async () => {
    for (const stored of ['', 'plain', 'scrypt$1024$8$1$c2FsdA==', 'bcrypt$1$2$3$4$5', 'scrypt$0$8$1$c2FsdA==$aGFzaA==', 'scrypt$1024$8$1$c2FsdA==$c2hvcnQ=']) {
      expect(await verifyPassword('x', stored), stored).toBe(false);
    }
  });
});
