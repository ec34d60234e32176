/**
 * The catalogue of expected failures. Each class is a GraphQL object type (see
 * graphql/errors.graphql.ts) returned as a member of a result union, never as a top-level error.
 * Anything else a resolver throws is masked by Yoga and logged.
 */
export const ErrorCode = {
  GENERAL_ARGUMENT_INVALID: 'GENERAL_ARGUMENT_INVALID',
  GENERAL_RATE_LIMIT_EXCEEDED: 'GENERAL_RATE_LIMIT_EXCEEDED',
  USER_INVALID_TOKEN: 'USER_INVALID_TOKEN',
  USER_ALREADY_EXISTS: 'USER_ALREADY_EXISTS',
  USER_BLOCKED: 'USER_BLOCKED',
  USER_UNAUTHORIZED: 'USER_UNAUTHORIZED',
  GENERAL_NOT_FOUND: 'GENERAL_NOT_FOUND',
  URL_NOT_ALLOWED: 'URL_NOT_ALLOWED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;
}

export class RateLimitError extends AppError {
  readonly code = ErrorCode.GENERAL_RATE_LIMIT_EXCEEDED;
  constructor(readonly retryAfter: number) {
    super(`Too many requests: try again in ${retryAfter} s.`);
    this.name = 'RateLimitError';
  }
}

/** One message for every reason (unknown user, wrong, used, expired or dead code): nothing to enumerate. */
export class InvalidTokenError extends AppError {
  readonly code = ErrorCode.USER_INVALID_TOKEN;
  constructor() {
    super('Invalid or expired code: request a new one.');
    this.name = 'InvalidTokenError';
  }
}

export class UserConflictError extends AppError {
  readonly code = ErrorCode.USER_ALREADY_EXISTS;
  constructor() {
    super('This userId already belongs to another account: use unique() or another id.');
    this.name = 'UserConflictError';
  }
}

export class UserBlockedError extends AppError {
  readonly code = ErrorCode.USER_BLOCKED;
  constructor() {
    super('This account is blocked.');
    this.name = 'UserBlockedError';
  }
}

/** No valid session: no credential, or an unknown, expired or deleted one, or a blocked account. */
export class UnauthorizedError extends AppError {
  readonly code = ErrorCode.USER_UNAUTHORIZED;
  constructor() {
    super('Not logged in: send a session credential as a Bearer token or the session cookie.');
    this.name = 'UnauthorizedError';
  }
}

/** The thing asked for does not exist, or belongs to another account (the two look the same). */
export class NotFoundError extends AppError {
  readonly code = ErrorCode.GENERAL_NOT_FOUND;
  constructor(what: string) {
    super(`${what} not found.`);
    this.name = 'NotFoundError';
  }
}

/** A login link may only point at an allowed page (MAGIC_URL_ALLOWLIST): anything else would relay the secret. */
export class UrlNotAllowedError extends AppError {
  readonly code = ErrorCode.URL_NOT_ALLOWED;
  constructor() {
    super('This url is not allowed for login links: use a page of the app (MAGIC_URL_ALLOWLIST).');
    this.name = 'UrlNotAllowedError';
  }
}
