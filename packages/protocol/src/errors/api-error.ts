import { httpStatusFor, type ErrorCode } from './error-codes.js';

/** The JSON body of every error response: `{error_code, message}` (spec §1.4). */
export interface ApiErrorBody {
  error_code: ErrorCode;
  message: string;
}

/**
 * The one error type of Loupe. Services throw it; one HTTP handler turns it into
 * `{error_code, message}` with the status from {@link httpStatusFor}.
 *
 * @example
 * throw ApiError.notFound(`No experiment with id=${id}`);
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }

  /** The HTTP status this error is sent with. */
  get status(): number {
    return httpStatusFor(this.code);
  }

  toJSON(): ApiErrorBody {
    return { error_code: this.code, message: this.message };
  }

  /** 400 INVALID_PARAMETER_VALUE. */
  static invalid(message: string): ApiError {
    return new ApiError('INVALID_PARAMETER_VALUE', message);
  }

  /** 400 INVALID_PARAMETER_VALUE with MLflow's wording for a missing required field (spec §1.2). */
  static missing(param: string): ApiError {
    return new ApiError(
      'INVALID_PARAMETER_VALUE',
      `Missing value for required parameter '${param}'. See the API docs for more information about request parameters.`,
    );
  }

  /** 404 RESOURCE_DOES_NOT_EXIST. */
  static notFound(message: string): ApiError {
    return new ApiError('RESOURCE_DOES_NOT_EXIST', message);
  }

  /** 400 RESOURCE_ALREADY_EXISTS (MLflow's legacy status for duplicates). */
  static alreadyExists(message: string): ApiError {
    return new ApiError('RESOURCE_ALREADY_EXISTS', message);
  }

  /** True for any ApiError, also one from another copy of this module. */
  static is(value: unknown): value is ApiError {
    return value instanceof ApiError || (value instanceof Error && value.name === 'ApiError' && 'code' in value);
  }
}
