import { ApiError } from '@loupe/protocol';
import { LlmError } from '@loupe/llm';

/**
 * A failed provider call as the gateway answers it: never a 500. A provider's refusal of the request
 * (a 4xx) is the caller's `BAD_REQUEST` (400) with the provider's message; rate limits (the provider's
 * 429 or the endpoint's own) are `REQUEST_LIMIT_EXCEEDED` (429); a timeout is `DEADLINE_EXCEEDED` (504);
 * provider outages, unreadable answers and endpoints that cannot be called as configured are
 * `TEMPORARILY_UNAVAILABLE` (503). A cancelled call (the caller went away) is `CANCELLED`.
 *
 * @example
 * gatewayApiError(new LlmError('server', 'openai answered 500: boom', 502)).code; // 'TEMPORARILY_UNAVAILABLE'
 */
export function gatewayApiError(err: unknown): ApiError {
  if (ApiError.is(err)) return err;
  if (!(err instanceof LlmError)) {
    const name = (err as { name?: unknown } | undefined)?.name;
    if (name === 'AbortError') return new ApiError('CANCELLED', 'The gateway call was cancelled.');
    return new ApiError('TEMPORARILY_UNAVAILABLE', `The gateway call failed: ${(err as Error)?.message ?? String(err)}`);
  }
  switch (err.kind) {
    case 'client':
      return new ApiError('BAD_REQUEST', err.message);
    case 'rate_limited':
    case 'endpoint_rate_limited':
      return new ApiError('REQUEST_LIMIT_EXCEEDED', err.message);
    case 'timeout':
      return new ApiError('DEADLINE_EXCEEDED', err.message);
    case 'configuration':
      // A request the endpoint's provider cannot take (embeddings from Anthropic) is the caller's; a missing key or refused address is not.
      return new ApiError(err.status === 400 ? 'BAD_REQUEST' : 'TEMPORARILY_UNAVAILABLE', err.message);
    default:
      return new ApiError('TEMPORARILY_UNAVAILABLE', err.message);
  }
}
