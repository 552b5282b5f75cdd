import { parseApiErrorBody } from '@loupe/protocol/errors';

/**
 * An error answer from the tracking server: its HTTP status, MLflow `error_code` and message.
 * Tracking client calls throw it; tracing never does.
 *
 * @example
 * try { await client.getRun('nope'); } catch (e) { if (e instanceof LoupeApiError && e.errorCode === 'RESOURCE_DOES_NOT_EXIST') ... }
 */
export class LoupeApiError extends Error {
  override readonly name = 'LoupeApiError';

  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly method?: string,
    readonly path?: string,
  ) {
    super(message);
  }

  /** True for "not found" answers (`RESOURCE_DOES_NOT_EXIST`, `NOT_FOUND`, a bare 404). */
  get isNotFound(): boolean {
    return this.status === 404 || this.errorCode === 'RESOURCE_DOES_NOT_EXIST' || this.errorCode === 'NOT_FOUND';
  }
}

/**
 * The error for a non-2xx answer, from its JSON body when it has one.
 *
 * @example
 * throw await apiErrorFrom(res, 'GET', '/api/2.0/mlflow/runs/get');
 */
export async function apiErrorFrom(res: Response, method: string, path: string): Promise<LoupeApiError> {
  let text = '';
  try {
    text = await res.text();
  } catch {
    // The body could not be read; the status still says what happened.
  }
  const { errorCode, message } = parseApiErrorBody(res.status, text);
  return new LoupeApiError(res.status, errorCode, message ?? (text || `${method} ${path} answered ${res.status}`), method, path);
}
