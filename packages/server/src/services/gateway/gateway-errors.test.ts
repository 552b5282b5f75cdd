import { describe, expect, it } from 'vitest';
import { ApiError } from '@loupe/protocol';
import { LlmError, type LlmErrorKind } from '@loupe/llm';
import { gatewayApiError } from './gateway-errors.js';

describe('gatewayApiError', () => {
  it.each<[LlmErrorKind, number, string, number]>([
    ['client', 401, 'BAD_REQUEST', 400],
    ['rate_limited', 429, 'REQUEST_LIMIT_EXCEEDED', 429],
    ['endpoint_rate_limited', 429, 'REQUEST_LIMIT_EXCEEDED', 429],
    ['server', 502, 'TEMPORARILY_UNAVAILABLE', 503],
    ['connection', 502, 'TEMPORARILY_UNAVAILABLE', 503],
    ['invalid_response', 502, 'TEMPORARILY_UNAVAILABLE', 503],
    ['timeout', 504, 'DEADLINE_EXCEEDED', 504],
    ['configuration', 500, 'TEMPORARILY_UNAVAILABLE', 503],
    ['configuration', 400, 'BAD_REQUEST', 400],
  ])('answers %s (%i) as %s, %i: never a 500', (kind, status, code, answered) => {
    const error = gatewayApiError(new LlmError(kind, `provider said ${kind}`, status));
    expect(error.toJSON()).toEqual({ error_code: code, message: `provider said ${kind}` });
    expect(error.status).toBe(answered);
  });

  it('passes ApiErrors through and reports an abort as CANCELLED', () => {
    const notFound = ApiError.notFound('Gateway endpoint with name x not found.');
    expect(gatewayApiError(notFound)).toBe(notFound);
    expect(gatewayApiError(new DOMException('aborted', 'AbortError')).code).toBe('CANCELLED');
    expect(gatewayApiError(new Error('socket hang up')).status).toBe(503);
  });
});
