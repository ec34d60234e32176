import { ZodError } from 'zod';
import {
  AppError,
  ErrorCode,
  InvalidTokenError,
  NotFoundError,
  RateLimitError,
  UnauthorizedError,
  UserBlockedError,
  UrlNotAllowedError,
  UserConflictError,
} from '../lib/errors.js';
import { builder } from './builder.js';

export const ErrorCodeEnum = builder.enumType('ErrorCode', {
  description: 'Machine-readable reason of an error, stable across releases (the names follow Appwrite).',
  values: {
    GENERAL_ARGUMENT_INVALID: { value: ErrorCode.GENERAL_ARGUMENT_INVALID, description: 'An argument is malformed.' },
    GENERAL_RATE_LIMIT_EXCEEDED: {
      value: ErrorCode.GENERAL_RATE_LIMIT_EXCEEDED,
      description: 'Too many calls: wait `retryAfter` seconds.',
    },
    USER_INVALID_TOKEN: { value: ErrorCode.USER_INVALID_TOKEN, description: 'The code is wrong, used, expired or dead.' },
    USER_ALREADY_EXISTS: { value: ErrorCode.USER_ALREADY_EXISTS, description: 'The userId belongs to another account.' },
    USER_BLOCKED: { value: ErrorCode.USER_BLOCKED, description: 'The account is blocked.' },
    USER_UNAUTHORIZED: { value: ErrorCode.USER_UNAUTHORIZED, description: 'The request carries no valid session.' },
    GENERAL_NOT_FOUND: { value: ErrorCode.GENERAL_NOT_FOUND, description: 'No such object for this account.' },
    URL_NOT_ALLOWED: { value: ErrorCode.URL_NOT_ALLOWED, description: 'The url is not a page a login link may point at.' },
  },
});

export const ErrorInterface = builder.interfaceRef<Error>('Error').implement({
  description: 'An expected failure, returned as a member of a result union.',
  fields: (t) => ({
    message: t.exposeString('message', { description: 'Human-readable explanation, in English.' }),
    code: t.field({
      type: ErrorCodeEnum,
      description: 'Machine-readable reason.',
      resolve: (error) => (error instanceof ZodError ? ErrorCode.GENERAL_ARGUMENT_INVALID : (error as AppError).code),
    }),
  }),
});

/** Registers an AppError subclass as a GraphQL object type implementing Error. */
// biome-ignore lint: constructor arguments differ per error class
export function errorType(cls: new (...args: any[]) => AppError, description: string) {
  return builder.objectType(cls, { name: cls.name, description, interfaces: [ErrorInterface], fields: () => ({}) });
}

const ValidationIssue = builder
  .objectRef<{ path: string[]; message: string }>('ValidationIssue')
  .implement({
    description: 'One problem with one argument.',
    fields: (t) => ({
      path: t.exposeStringList('path', { description: 'Where the problem is: the argument name, then nested keys.' }),
      message: t.exposeString('message', { description: 'What is wrong with it.' }),
    }),
  });

// ZodError, thrown by the argument validators and the services, is the ValidationError type.
builder.objectType(ZodError, {
  name: 'ValidationError',
  description: 'One or more arguments are invalid; nothing was done.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ZodError,
  fields: (t) => ({
    message: t.string({ description: 'Summary of the problems.', resolve: (e) => validationMessage(e) }),
    issues: t.field({
      type: [ValidationIssue],
      description: 'Every problem found, one per argument and rule.',
      resolve: (e) => e.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
    }),
  }),
});

function validationMessage(error: ZodError): string {
  return `Invalid argument: ${error.issues.map((i) => `${i.path.map(String).join('.') || 'input'}: ${i.message}`).join('; ')}`;
}

builder.objectType(RateLimitError, {
  name: 'RateLimitError',
  description: 'Too many calls of this kind: nothing was done.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    retryAfter: t.exposeInt('retryAfter', { description: 'Seconds to wait before the call can succeed.' }),
  }),
});
errorType(InvalidTokenError, 'The code is unknown, wrong, used, expired, or dead after too many wrong guesses.');
errorType(UserConflictError, 'The requested userId already belongs to an account with another email.');
errorType(UserBlockedError, 'The account is blocked: no code is sent and no session is created.');
export const UnauthorizedErrorType = errorType(UnauthorizedError, 'The request carries no valid session credential (missing, unknown, expired, deleted, or the account is blocked).');
export const NotFoundErrorType = errorType(NotFoundError, 'The object does not exist or belongs to another account.');
errorType(UrlNotAllowedError, 'The `url` of a login link is not on the allowlist (MAGIC_URL_ALLOWLIST): no link was sent.');
