/**
 * Where the SDK reports its own problems (an export that failed, a bad option). Tracing never throws
 * into user code, so this is the only place such problems show. Silent unless configured.
 *
 * @example
 * const loupe = init({ diagnostics: consoleDiagnostics });
 */
export interface Diagnostics {
  warn(message: string, error?: unknown): void;
  debug?(message: string): void;
}

/**
 * Diagnostics that say nothing (the default).
 *
 * @example
 * createLoupe({ diagnostics: silentDiagnostics });
 */
export const silentDiagnostics: Diagnostics = { warn: () => {} };

/**
 * Diagnostics on the console, prefixed `[loupe]`.
 *
 * @example
 * createLoupe({ diagnostics: consoleDiagnostics });
 */
export const consoleDiagnostics: Diagnostics = {
  warn: (message, error) => console.warn(`[loupe] ${message}`, ...(error === undefined ? [] : [error])),
  debug: (message) => console.debug(`[loupe] ${message}`),
};

/**
 * Runs `fn`, reporting instead of throwing. For SDK bookkeeping on the caller's path.
 *
 * @example
 * guard(diagnostics, 'set inputs', () => span.setAttribute(k, v));
 */
export function guard(diagnostics: Diagnostics, what: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    try {
      diagnostics.warn(`${what} failed`, err);
    } catch {
      // A throwing logger must not reach user code either.
    }
  }
}
