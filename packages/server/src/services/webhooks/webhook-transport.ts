/** One POST of a webhook body. */
export interface WebhookPost {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** The receiver's answer: its status, its `Retry-After` header when it sent one, and the start of its body. */
export interface WebhookAnswer {
  status: number;
  retryAfter?: string;
  body: string;
}

/** Why a POST got no answer. */
export type WebhookFailureKind = 'refused' | 'network' | 'timeout' | 'aborted';

/**
 * A POST that got no answer: `refused` when the address is not allowed (never retried: the delivery
 * fails closed), `network` and `timeout` when the receiver could not be reached in time (retried).
 *
 * @example
 * throw new WebhookTransportError('timeout', 'No answer within 30000 ms');
 */
export class WebhookTransportError extends Error {
  override readonly name = 'WebhookTransportError';
  constructor(
    readonly kind: WebhookFailureKind,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Sends webhook POSTs: the outbound HTTP client, with its SSRF checks at connect time, timeouts and no
 * redirects (`outbound/guarded-http-transport.ts`).
 */
export interface WebhookTransport {
  /** Resolves with any HTTP answer; rejects with a {@link WebhookTransportError} when there is none. */
  post(request: WebhookPost): Promise<WebhookAnswer>;
}
