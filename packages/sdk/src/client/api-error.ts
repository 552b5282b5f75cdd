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

/** The error code MLflow's client infers for a status without an `error_code` (spec §1.4). */
function codeForStatus(status: number): string {
  if (status === 400) return 'BAD_REQUEST';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 404) return 'ENDPOINT_NOT_FOUND';
  if (status === 429) return 'REQUEST_LIMIT_EXCEEDED';
  if (status === 503) return 'TEMPORARILY_UNAVAILABLE';
  return 'INTERNAL_ERROR';
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
  let code = codeForStatus(res.status);
  let message = text || `${method} ${path} answered ${res.status}`;
  try {
    const body = JSON.parse(text) as { error_code?: string; message?: string; detail?: string };
    if (body.error_code) code = body.error_code;
    if (body.message ?? body.detail) message = (body.message ?? body.detail) as string;
  } catch {
    // Not JSON: keep the text.
  }
  return new LoupeApiError(res.status, code, message, method, path);
}
