import { expect } from 'vitest';
import { ApiError } from '../../errors/api-error.js';

/**
 * Runs `fn`, asserts it throws an `ApiError` with code INVALID_PARAMETER_VALUE whose message
 * contains every fragment, and returns the message for further checks.
 *
 * @example
 * expectInvalid(() => parseRunFilter('metrics.a > '), "Expected a value after '>'");
 */
export function expectInvalid(fn: () => unknown, ...fragments: string[]): string {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected an ApiError to be thrown').toBeInstanceOf(ApiError);
  const error = thrown as ApiError;
  expect(error.code).toBe('INVALID_PARAMETER_VALUE');
  expect(error.status).toBe(400);
  for (const fragment of fragments) expect(error.message).toContain(fragment);
  return error.message;
}
