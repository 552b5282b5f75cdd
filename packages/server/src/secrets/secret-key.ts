import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The key webhook secrets and AI gateway credentials are encrypted with, and what to tell the operator about it. */
export interface SecretKeyChoice {
  /** Undefined: no key (webhook secrets and gateway credentials are refused). */
  key: string | undefined;
  /** A line for the start-up output, when the operator should know where the key came from. */
  notice?: string;
}

/** Name of the key file kept beside a SQLite database. */
export const SECRET_KEY_FILE = 'loupe-secret.key';

/**
 * Chooses the key that encrypts webhook secrets and AI gateway credentials: the configured one (`--secret-key` /
 * `LOUPE_SECRET_KEY`); else, for a SQLite file, `loupe-secret.key` beside the database (created with
 * mode 0600 on first use: the database and its key travel together); else, for an in-memory SQLite
 * database, a key for this process only; else (PostgreSQL, where servers must share one key) none.
 *
 * @example
 * const { key, notice } = chooseSecretKey(config.secretKey, '/var/lib/loupe/loupe.db');
 */
export function chooseSecretKey(configured: string | undefined, sqliteFile: string | undefined): SecretKeyChoice {
  if (configured !== undefined) return { key: configured };
  if (sqliteFile === undefined) {
    return {
      key: undefined,
      notice:
        'No --secret-key / LOUPE_SECRET_KEY: webhooks with secrets and AI gateway credentials are refused until every server is started with the same key.',
    };
  }
  if (sqliteFile === ':memory:') return { key: randomBytes(32).toString('base64url') };
  const file = path.join(path.dirname(path.resolve(sqliteFile)), SECRET_KEY_FILE);
  try {
    fs.writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    return {
      key: readKey(file),
      notice: `Webhook secrets and AI gateway credentials are encrypted with a new key in ${file} (keep it with the database, or set --secret-key).`,
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { key: readKey(file), notice: `Webhook secrets and AI gateway credentials are encrypted with the key in ${file}.` };
  }
}

function readKey(file: string): string {
  const key = fs.readFileSync(file, 'utf8').trim();
  if (key.length < 32)
    throw new Error(
      `The secret key file ${file} holds fewer than 32 characters: restore it, or remove it to have a new one made (stored secrets then cannot be read).`,
    );
  return key;
}
