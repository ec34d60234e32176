// Type-level test, checked by `npm run typecheck` (tsc) and never run: what a codegen'd client gets
// from the contract. Each @ts-expect-error must stay an error; if the generated types let the line
// through (a field reachable on the wrong branch, a union member gone), tsc reports the unused
// directive and the check fails.
import { expectTypeOf } from 'vitest';
import type { ErrorCode, LogInMutation, MeQuery, SendCodeMutation } from '../../examples/gql/graphql.js';

declare const logIn: LogInMutation['createSession'];
declare const sendCode: SendCodeMutation['createEmailToken'];
declare const me: MeQuery;

if (logIn.__typename === 'Session') {
  expectTypeOf(logIn.secret).toEqualTypeOf<string | null>();
  expectTypeOf(logIn.expire).toEqualTypeOf<string>(); // DateTime mapped to string, not unknown
  // @ts-expect-error a Session has no retryAfter
  void logIn.retryAfter;
  // @ts-expect-error nor an error code
  void logIn.code;
} else {
  // @ts-expect-error secret is only on the Session branch
  void logIn.secret;
  expectTypeOf(logIn.code).toEqualTypeOf<ErrorCode>();
  expectTypeOf(logIn.message).toEqualTypeOf<string>();
}

if (logIn.__typename === 'RateLimitError') {
  expectTypeOf(logIn.retryAfter).toEqualTypeOf<number>();
  // @ts-expect-error secret is not on RateLimitError
  void logIn.secret;
} else {
  // @ts-expect-error retryAfter is only on the RateLimitError branch
  void logIn.retryAfter;
}

// Every member of createSession's union, and nothing else.
expectTypeOf<LogInMutation['createSession']['__typename']>().toEqualTypeOf<
  'Session' | 'InvalidTokenError' | 'RateLimitError' | 'UserBlockedError' | 'ValidationError'
>();
expectTypeOf<SendCodeMutation['createEmailToken']['__typename']>().toEqualTypeOf<
  'Token' | 'RateLimitError' | 'UserBlockedError' | 'UserConflictError' | 'ValidationError'
>();
// @ts-expect-error a Token is not a member of createSession's union
void (logIn.__typename === 'Token');

// A switch with a never check in `default` breaks when a member is added and not handled.
function describe(result: SendCodeMutation['createEmailToken']): string {
  switch (result.__typename) {
    case 'Token':
      return `code sent, phrase ${result.phrase ?? 'none'}`;
    case 'RateLimitError':
      return `wait ${result.retryAfter} s`;
    case 'ValidationError':
      return result.issues.map((issue) => issue.message).join('; ');
    case 'UserBlockedError':
    case 'UserConflictError':
      return result.message;
    default: {
      const unhandled: never = result;
      return unhandled;
    }
  }
}
void describe(sendCode);

function forgetsAMember(result: SendCodeMutation['createEmailToken']): string {
  switch (result.__typename) {
    case 'Token':
    case 'RateLimitError':
    case 'ValidationError':
    case 'UserBlockedError':
      return result.__typename;
    default: {
      // @ts-expect-error UserConflictError is not handled above, so it reaches the never check
      const unhandled: never = result;
      return unhandled;
    }
  }
}
void forgetsAMember(sendCode);

// Error codes are a closed string union: a typo is a compile error.
expectTypeOf<'USER_INVALID_TOKEN'>().toExtend<ErrorCode>();
// @ts-expect-error not an ErrorCode of the contract
const typo: ErrorCode = 'USER_INVALID_CODE';
void typo;

// Authenticated fields are unions too: nothing of the account before narrowing.
// @ts-expect-error email is only on the Account branch
void me.account.email;
if (me.account.__typename === 'Account') expectTypeOf(me.account.email).toEqualTypeOf<string>();
