/**
 * Why the server, or a `loupe db` command, cannot start: one line for the person starting it that names
 * the path, URI or port at fault and the fix. The CLI prints it after `loupe: ` and exits with
 * `exitCode`: 2 when the command line is wrong (a malformed URI), 1 when the machine is not ready for
 * it (a port in use, a folder that cannot be written, a database that does not answer).
 *
 * @example
 * throw new StartupError(`port 5000 on 127.0.0.1 is already in use: stop what holds it, or choose another with --port`);
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';

  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const FS_REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'part of the path is a file, not a folder',
  EEXIST: 'a file is in the way of the folder',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  ENAMETOOLONG: 'the path is too long',
};

/**
 * A short reason for a start-up failure's cause: a plain phrase for common file-system errors, the
 * messages of every attempt of an `AggregateError` (a connection tried over IPv6 and IPv4), else the
 * error's message.
 *
 * @example
 * describeCause(Object.assign(new Error('EACCES: permission denied, mkdir /srv/x'), { code: 'EACCES' })); // 'permission denied'
 */
export function describeCause(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && FS_REASONS[code]) return FS_REASONS[code];
  if (err instanceof AggregateError && !err.message) return [...new Set(err.errors.map((e) => describeCause(e)))].join('; ');
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n', 1)[0] ?? message;
}
