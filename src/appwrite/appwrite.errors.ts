import { ZodError } from 'zod';
import { AppError, ErrorCode, RateLimitError } from '../lib/errors.js';

/**
 * The Appwrite server release whose REST contract /v1 follows (the official SDK 27 and 28 target
 * it), written where Appwrite writes its own version: in every error body.
 */
const APPWRITE_VERSION = '1.8.0';

/** The types of Appwrite's `app/config/errors.php` this adapter answers. */
type AppwriteErrorType =
  | 'general_argument_invalid'
  | 'general_rate_limit_exceeded'
  | 'general_route_not_found'
  | 'general_server_error'
  | 'user_already_exists'
  | 'user_blocked'
  | 'user_invalid_token'
  | 'user_unauthorized'
  | 'user_session_not_found';

/** A failure as Appwrite writes it: HTTP status, `type`, message, and headers of its own (Retry-After). */
export class AppwriteError extends Error {
  constructor(
    readonly status: number,
    readonly type: AppwriteErrorType,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppwriteError';
  }
}

/**
 * Appwrite's status and type for each expected failure of the services: a Record over every
 * ErrorCode, so a new code cannot be added without saying what /v1 answers for it.
 */
const BY_CODE: Record<ErrorCode, [number, AppwriteErrorType, string?]> = {
  [ErrorCode.GENERAL_ARGUMENT_INVALID]: [400, 'general_argument_invalid'],
  [ErrorCode.GENERAL_RATE_LIMIT_EXCEEDED]: [429, 'general_rate_limit_exceeded'],
  [ErrorCode.USER_INVALID_TOKEN]: [401, 'user_invalid_token'],
  [ErrorCode.USER_ALREADY_EXISTS]: [409, 'user_already_exists'],
  [ErrorCode.USER_BLOCKED]: [401, 'user_blocked'],
  // GraphQL's message speaks of Bearer tokens; an SDK user carries a session in other ways.
  [ErrorCode.USER_UNAUTHORIZED]: [
    401,
    'user_unauthorized',
    'Not logged in: no valid session in the a_session_<project> cookie, X-Fallback-Cookies or X-Appwrite-Session (client.setSession).',
  ],
  // Sessions are the only things /v1 looks up by id.
  [ErrorCode.GENERAL_NOT_FOUND]: [404, 'user_session_not_found'],
  // Appwrite refuses a magic URL's `url` outside its platforms as an invalid argument.
  [ErrorCode.URL_NOT_ALLOWED]: [400, 'general_argument_invalid'],
};

/** `Invalid `email` param: must be a valid email address`, as Appwrite words an invalid parameter. */
function invalidParams(error: ZodError): AppwriteError {
  const problems = error.issues.map((issue) => {
    const name = issue.path.map(String).join('.') || 'body';
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    return `Invalid \`${name}\` param: ${missing ? 'is required' : issue.message}`;
  });
  return new AppwriteError(400, 'general_argument_invalid', problems.join('; '));
}

/**
 * What an error thrown by a service or by this adapter becomes, or null for an unexpected one (a bug,
 * a database failure), which the caller masks and logs. `rateLimit` adds Appwrite's rate-limit
 * headers to a 429: the route's main limit, 0 remaining, and when the call will be let through.
 */
export function appwriteErrorOf(error: unknown, rateLimit: { limit: number; now: Date }): AppwriteError | null {
  if (error instanceof AppwriteError) return error;
  if (error instanceof ZodError) return invalidParams(error);
  if (!(error instanceof AppError)) return null;
  const [status, type, message = error.message] = BY_CODE[error.code];
  if (!(error instanceof RateLimitError)) return new AppwriteError(status, type, message);
  return new AppwriteError(status, type, message, {
    'retry-after': String(error.retryAfter),
    'x-ratelimit-limit': String(rateLimit.limit),
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': String(Math.ceil(rateLimit.now.getTime() / 1000) + error.retryAfter),
  });
}

/** Appwrite's error body: the SDK throws AppwriteException(message, code, type) from it. */
export function errorBody(error: AppwriteError) {
  return { message: error.message, code: error.status, type: error.type, version: APPWRITE_VERSION };
}
