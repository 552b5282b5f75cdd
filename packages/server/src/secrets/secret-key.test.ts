import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { SecretCipher, SecretDecryptError } from '../services/webhooks/secret-cipher.js';
import { chooseSecretKey, SECRET_KEY_FILE } from './secret-key.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const tempDb = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-key-'));
  dirs.push(dir);
  return path.join(dir, 'loupe.db');
};

it('keeps a key file (mode 0600) beside a SQLite database, made once and then reused, and says where', () => {
  const db = tempDb();
  const first = chooseSecretKey(undefined, db);
  const file = path.join(path.dirname(db), SECRET_KEY_FILE);
  expect(first.notice).toBe(
    `Webhook secrets and AI gateway credentials are encrypted with a new key in ${file} (keep it with the database, or set --secret-key).`,
  );
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(first.key?.length).toBeGreaterThanOrEqual(32);
  const again = chooseSecretKey(undefined, db);
  expect(again).toEqual({ key: first.key, notice: `Webhook secrets and AI gateway credentials are encrypted with the key in ${file}.` });
  fs.writeFileSync(file, 'short');
  expect(() => chooseSecretKey(undefined, db)).toThrow(/fewer than 32 characters/);
});

it('prefers the configured key, makes a throwaway one in memory, and has none for PostgreSQL', () => {
  const db = tempDb();
  expect(chooseSecretKey('c'.repeat(32), db)).toEqual({ key: 'c'.repeat(32) });
  expect(fs.existsSync(path.join(path.dirname(db), SECRET_KEY_FILE))).toBe(false);
  expect(chooseSecretKey(undefined, ':memory:').key).toMatch(/^[\w-]{43}$/);
  expect(chooseSecretKey(undefined, undefined)).toEqual({ key: undefined, notice: expect.stringContaining('--secret-key / LOUPE_SECRET_KEY') });
});

it('encrypts secrets with AES-256-GCM: fresh IV each time, wrong key or tampering detected', () => {
  const cipher = new SecretCipher('k'.repeat(40));
  const a = cipher.encrypt('whsec-abc');
  const b = cipher.encrypt('whsec-abc');
  expect(a).toMatch(/^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
  expect(a).not.toBe(b);
  expect(a).not.toContain('whsec');
  expect(cipher.decrypt(a)).toBe('whsec-abc');
  expect(() => new SecretCipher('x'.repeat(40)).decrypt(a)).toThrow(SecretDecryptError);
  const [v, iv, tag, data] = a.split('.') as [string, string, string, string];
  const flipped = `${data[0] === 'A' ? 'B' : 'A'}${data.slice(1)}`;
  expect(() => cipher.decrypt([v, iv, tag, flipped].join('.'))).toThrow(SecretDecryptError);
  expect(() => cipher.decrypt('plain-text-secret')).toThrow(SecretDecryptError);
});

it('keeps each purpose on its own key and binds a ciphertext to its additional data', () => {
  const webhooks = new SecretCipher('k'.repeat(40));
  const gateway = new SecretCipher('k'.repeat(40), 'gateway-secret-v1');
  const stored = gateway.encrypt('{"api_key":"sk-abc"}', 's-1');
  expect(gateway.decrypt(stored, 's-1')).toBe('{"api_key":"sk-abc"}');
  // Copied onto another row, or read without its row's id, or with the webhooks' key: refused.
  expect(() => gateway.decrypt(stored, 's-2')).toThrow(SecretDecryptError);
  expect(() => gateway.decrypt(stored)).toThrow(SecretDecryptError);
  expect(() => webhooks.decrypt(stored, 's-1')).toThrow(SecretDecryptError);
});
