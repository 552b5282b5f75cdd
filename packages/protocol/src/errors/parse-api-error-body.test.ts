import { describe, expect, it } from 'vitest';
import { errorCodeForStatus, parseApiErrorBody } from './parse-api-error-body.js';

describe('parseApiErrorBody', () => {
  it("reads MLflow's {error_code, message}", () => {
    expect(parseApiErrorBody(404, '{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"No run with id=x"}')).toEqual({
      errorCode: 'RESOURCE_DOES_NOT_EXIST',
      message: 'No run with id=x',
    });
  });

  it('takes the code from the status when the body has none, and a `detail` as the message', () => {
    expect(parseApiErrorBody(400, '{"message":"bad"}')).toEqual({ errorCode: 'BAD_REQUEST', message: 'bad' });
    expect(parseApiErrorBody(422, '{"detail":"field required"}')).toEqual({ errorCode: 'INTERNAL_ERROR', message: 'field required' });
  });

  it('leaves the message to the caller for text that is not an error object', () => {
    for (const text of ['', '<html>Bad gateway</html>', 'null', '"oops"', '[1]', '{"message":42}'])
      expect(parseApiErrorBody(503, text)).toEqual({ errorCode: 'TEMPORARILY_UNAVAILABLE', message: undefined });
  });
});

describe('errorCodeForStatus', () => {
  it.each([
    [400, 'BAD_REQUEST'],
    [401, 'UNAUTHENTICATED'],
    [403, 'PERMISSION_DENIED'],
    [404, 'ENDPOINT_NOT_FOUND'],
    [429, 'REQUEST_LIMIT_EXCEEDED'],
    [503, 'TEMPORARILY_UNAVAILABLE'],
    [500, 'INTERNAL_ERROR'],
    [502, 'INTERNAL_ERROR'],
  ] as const)('%i -> %s', (status, code) => {
    expect(errorCodeForStatus(status)).toBe(code);
  });
});
