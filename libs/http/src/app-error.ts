/**
 * An error the application means to report: a stable machine-readable `code`
 * (`ORDERS.NOT_FOUND`), the HTTP status it maps to, and a message safe to show a client.
 * Anything that is not an AppError (or a Nest HttpException) becomes a 500 without details.
 */
export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly errors?: readonly FieldError[],
    /** Sent as `Retry-After`: when a 429 or 503 is worth trying again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export const notFound = (code: string, message: string) => new AppError(code, 404, message);
export const conflict = (code: string, message: string) => new AppError(code, 409, message);
export const unprocessable = (code: string, message: string) => new AppError(code, 422, message);
export const forbidden = (code: string, message: string) => new AppError(code, 403, message);
export const unauthorized = (code: string, message: string) => new AppError(code, 401, message);
export const tooManyRequests = (code: string, message: string, retryAfterSeconds: number) =>
  new AppError(code, 429, message, undefined, Math.max(1, Math.ceil(retryAfterSeconds)));
export const badRequest = (code: string, message: string, errors?: readonly FieldError[]) =>
  new AppError(code, 400, message, errors);
