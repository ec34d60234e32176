/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** Machine-readable reason of an error, stable across releases (the names follow Appwrite). */
export type ErrorCode =
  /** An argument is malformed. */
  | 'GENERAL_ARGUMENT_INVALID'
  /** No such object for this account. */
  | 'GENERAL_NOT_FOUND'
  /** Too many calls: wait `retryAfter` seconds. */
  | 'GENERAL_RATE_LIMIT_EXCEEDED'
  /** The url is not a page a login link may point at. */
  | 'URL_NOT_ALLOWED'
  /** The userId belongs to another account. */
  | 'USER_ALREADY_EXISTS'
  /** The account is blocked. */
  | 'USER_BLOCKED'
  /** The code is wrong, used, expired or dead. */
  | 'USER_INVALID_TOKEN'
  /** The request carries no valid session. */
  | 'USER_UNAUTHORIZED';

export type SendCodeMutationVariables = Exact<{
  email: string;
}>;


export type SendCodeMutation = { createEmailToken:
    | { __typename: 'RateLimitError', retryAfter: number, code: ErrorCode, message: string }
    | { __typename: 'Token', userId: string, expire: string, phrase: string | null }
    | { __typename: 'UserBlockedError', code: ErrorCode, message: string }
    | { __typename: 'UserConflictError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string, issues: Array<{ path: Array<string>, message: string }> }
   };

export type SendLinkMutationVariables = Exact<{
  email: string;
  url?: string | null | undefined;
}>;


export type SendLinkMutation = { createMagicURLToken:
    | { __typename: 'RateLimitError', retryAfter: number, code: ErrorCode, message: string }
    | { __typename: 'Token', userId: string, expire: string, phrase: string | null }
    | { __typename: 'UrlNotAllowedError', code: ErrorCode, message: string }
    | { __typename: 'UserBlockedError', code: ErrorCode, message: string }
    | { __typename: 'UserConflictError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string, issues: Array<{ path: Array<string>, message: string }> }
   };

export type LogInMutationVariables = Exact<{
  userId: string;
  secret: string;
}>;


export type LogInMutation = { createSession:
    | { __typename: 'InvalidTokenError', code: ErrorCode, message: string }
    | { __typename: 'RateLimitError', retryAfter: number, code: ErrorCode, message: string }
    | { __typename: 'Session', id: string, secret: string | null, expire: string }
    | { __typename: 'UserBlockedError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string, issues: Array<{ path: Array<string>, message: string }> }
   };

export type SessionFieldsFragment = { id: string, clientName: string | null, osName: string | null, deviceName: string | null, ip: string | null, createdAt: string, expire: string, current: boolean };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { account:
    | { __typename: 'Account', id: string, email: string, name: string, emailVerification: boolean, createdAt: string }
    | { __typename: 'UnauthorizedError', code: ErrorCode, message: string }
  , sessions:
    | { __typename: 'SessionList', total: number, sessions: Array<{ id: string, clientName: string | null, osName: string | null, deviceName: string | null, ip: string | null, createdAt: string, expire: string, current: boolean }> }
    | { __typename: 'UnauthorizedError', code: ErrorCode, message: string }
   };

export type LogOutMutationVariables = Exact<{
  sessionId?: string;
}>;


export type LogOutMutation = { deleteSession:
    | { __typename: 'DeletedSession', id: string, count: number, current: boolean }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'UnauthorizedError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string, issues: Array<{ path: Array<string>, message: string }> }
   };

export type LogOutEverywhereMutationVariables = Exact<{ [key: string]: never; }>;


export type LogOutEverywhereMutation = { deleteSessions:
    | { __typename: 'DeletedSession', id: string, count: number, current: boolean }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'UnauthorizedError', code: ErrorCode, message: string }
    | { __typename: 'ValidationError', code: ErrorCode, message: string }
   };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const SessionFieldsFragmentDoc = new TypedDocumentString(`
    fragment SessionFields on Session {
  id
  clientName
  osName
  deviceName
  ip
  createdAt
  expire
  current
}
    `, {"fragmentName":"SessionFields"}) as unknown as TypedDocumentString<SessionFieldsFragment, unknown>;
export const SendCodeDocument = new TypedDocumentString(`
    mutation SendCode($email: String!) {
  createEmailToken(userId: "unique()", email: $email, phrase: true) {
    __typename
    ... on Token {
      userId
      expire
      phrase
    }
    ... on RateLimitError {
      retryAfter
    }
    ... on ValidationError {
      issues {
        path
        message
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<SendCodeMutation, SendCodeMutationVariables>;
export const SendLinkDocument = new TypedDocumentString(`
    mutation SendLink($email: String!, $url: String) {
  createMagicURLToken(userId: "unique()", email: $email, url: $url, phrase: true) {
    __typename
    ... on Token {
      userId
      expire
      phrase
    }
    ... on RateLimitError {
      retryAfter
    }
    ... on ValidationError {
      issues {
        path
        message
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<SendLinkMutation, SendLinkMutationVariables>;
export const LogInDocument = new TypedDocumentString(`
    mutation LogIn($userId: String!, $secret: String!) {
  createSession(userId: $userId, secret: $secret) {
    __typename
    ... on Session {
      id
      secret
      expire
    }
    ... on RateLimitError {
      retryAfter
    }
    ... on ValidationError {
      issues {
        path
        message
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<LogInMutation, LogInMutationVariables>;
export const MeDocument = new TypedDocumentString(`
    query Me {
  account {
    __typename
    ... on Account {
      id
      email
      name
      emailVerification
      createdAt
    }
    ... on Error {
      code
      message
    }
  }
  sessions {
    __typename
    ... on SessionList {
      total
      sessions {
        ...SessionFields
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    fragment SessionFields on Session {
  id
  clientName
  osName
  deviceName
  ip
  createdAt
  expire
  current
}`) as unknown as TypedDocumentString<MeQuery, MeQueryVariables>;
export const LogOutDocument = new TypedDocumentString(`
    mutation LogOut($sessionId: String! = "current") {
  deleteSession(sessionId: $sessionId) {
    __typename
    ... on DeletedSession {
      id
      count
      current
    }
    ... on ValidationError {
      issues {
        path
        message
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<LogOutMutation, LogOutMutationVariables>;
export const LogOutEverywhereDocument = new TypedDocumentString(`
    mutation LogOutEverywhere {
  deleteSessions {
    __typename
    ... on DeletedSession {
      id
      count
      current
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<LogOutEverywhereMutation, LogOutEverywhereMutationVariables>;