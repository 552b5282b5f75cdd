import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { ERROR_CODES, httpStatusFor } from './error-codes.js';

describe('httpStatusFor', () => {
  it.each([
    ['INVALID_PARAMETER_VALUE', 400],
    ['RESOURCE_ALREADY_EXISTS', 400],
    ['UNAUTHENTICATED', 401],
    ['PERMISSION_DENIED', 403],
    ['RESOURCE_DOES_NOT_EXIST', 404],
    ['ENDPOINT_NOT_FOUND', 404],
    ['ALREADY_EXISTS', 409],
    ['RESOURCE_LIMIT_EXCEEDED', 413],
    ['REQUEST_LIMIT_EXCEEDED', 429],
    ['CANCELLED', 499],
    ['INTERNAL_ERROR', 500],
    ['NOT_IMPLEMENTED', 501],
    ['TEMPORARILY_UNAVAILABLE', 503],
    ['DEADLINE_EXCEEDED', 504],
    ['FEATURE_DISABLED', 500],
  ] as const)('%s -> %i', (code, status) => {
    expect(httpStatusFor(code)).toBe(status);
  });

  it('covers every code with a real HTTP status', () => {
    for (const code of ERROR_CODES) {
      expect(httpStatusFor(code)).toBeGreaterThanOrEqual(400);
    }
  });
});

describe('ApiError', () => {
  it('serializes to the MLflow error body', () => {
    const err = ApiError.missing('experiment_id');
    expect(err.status).toBe(400);
    expect(err.toJSON()).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining("Missing value for required parameter 'experiment_id'"),
    });
    expect(ApiError.is(err)).toBe(true);
    expect(ApiError.is(new Error('x'))).toBe(false);
  });
});
