/**
 * Why a provider call failed:
 * - `client`: the provider refused the request (a 4xx other than 429); pass its status and message on;
 * - `rate_limited`: the provider answered 429;
 * - `server`: the provider answered 5xx (Anthropic's 529 included), or an error event in its stream;
 * - `connection`: no answer (refused, reset, DNS) or the connection dropped mid-answer;
 * - `timeout`: no answer within the time limit;
 * - `invalid_response`: an answer that could not be read;
 * - `endpoint_rate_limited`: the endpoint's own rate limit, before any provider was called;
 * - `configuration`: the endpoint cannot be called as configured (no model, a missing key, an address
 *   the outbound transport refuses).
 */
export type LlmErrorKind = 'client' | 'rate_limited' | 'server' | 'connection' | 'timeout' | 'invalid_response' | 'endpoint_rate_limited' | 'configuration';

const RETRYABLE: ReadonlySet<LlmErrorKind> = new Set(['rate_limited', 'server', 'connection', 'timeout']);

/**
 * The one error of the provider layer. `status` is what a gateway should answer with: the
 * provider's own for `client` errors, 429 for rate limits, 502/504 for upstream failures.
 *
 * @example
 * try { await engine.chat(endpoint, request); } catch (err) {
 *   if (err instanceof LlmError) return c.json({ error_code: err.kind, message: err.message }, err.status);
 * }
 */
export class LlmError extends Error {
  override readonly name = 'LlmError';
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    /** The HTTP status to answer with. */
    readonly status: number,
    options?: { cause?: unknown; provider?: string; retryAfterMs?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.provider = options?.provider;
    this.retryAfterMs = options?.retryAfterMs;
  }

  readonly provider: string | undefined;
  /** The wait a 429 asked for, when it asked. */
  readonly retryAfterMs: number | undefined;

  /** Worth trying again or on a fallback model: 429, 5xx, connection errors and timeouts. */
  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

/**
 * The message of a provider's error body: OpenAI's and Gemini's `{error: {message}}`, Anthropic's
 * `{type: 'error', error: {message}}`, Bedrock's `{message}` or `{Message}`; else the text itself, cut short.
 *
 * @example
 * providerErrorMessage('{"error":{"message":"bad model"}}'); // 'bad model'
 */
export function providerErrorMessage(body: string): string {
  try {
    const json = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown; Message?: unknown };
    const e = json.error;
    const message = typeof e === 'string' ? e : (e?.message ?? json.message ?? json.Message);
    if (typeof message === 'string' && message) return message;
  } catch {
    // not JSON: the text itself
  }
  return body.slice(0, 500) || '(no message)';
}

/**
 * The error for a provider's non-2xx answer: 429 is `rate_limited`, 5xx `server` (both retryable),
 * other statuses `client` with the provider's status and message.
 *
 * @example
 * errorFromStatus('openai', 400, '{"error":{"message":"Unknown parameter"}}'); // LlmError client 400
 */
export function errorFromStatus(provider: string, status: number, body: string, retryAfterMs?: number): LlmError {
  const message = `${provider} answered ${status}: ${providerErrorMessage(body)}`;
  const options = { provider, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  if (status === 429) return new LlmError('rate_limited', message, 429, options);
  if (status >= 500) return new LlmError('server', message, 502, options);
  if (status === 408) return new LlmError('timeout', message, 504, options);
  return new LlmError('client', message, status >= 400 && status < 500 ? status : 502, options);
}
