/* eslint-disable */
import * as types from './graphql.js';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation SendCode($email: String!) {\n    createEmailToken(userId: \"unique()\", email: $email, phrase: true) {\n      __typename\n      ... on Token { userId expire phrase }\n      ... on RateLimitError { retryAfter }\n      ... on ValidationError { issues { path message } }\n      ... on Error { code message }\n    }\n  }\n": typeof types.SendCodeDocument,
    "\n  mutation SendLink($email: String!, $url: String) {\n    createMagicURLToken(userId: \"unique()\", email: $email, url: $url, phrase: true) {\n      __typename\n      ... on Token { userId expire phrase }\n      ... on RateLimitError { retryAfter }\n      ... on ValidationError { issues { path message } }\n      ... on Error { code message }\n    }\n  }\n": typeof types.SendLinkDocument,
    "\n  mutation LogIn($userId: String!, $secret: String!) {\n    createSession(userId: $userId, secret: $secret) {\n      __typename\n      ... on Session { id secret expire }\n      ... on RateLimitError { retryAfter }\n      ... on ValidationError { issues { path message } }\n      ... on Error { code message }\n    }\n  }\n": typeof types.LogInDocument,
    "\n  fragment SessionFields on Session {\n    id clientName osName deviceName ip createdAt expire current\n  }\n": typeof types.SessionFieldsFragmentDoc,
    "\n  query Me {\n    account {\n      __typename\n      ... on Account { id email name emailVerification createdAt }\n      ... on Error { code message }\n    }\n    sessions {\n      __typename\n      ... on SessionList { total sessions { ...SessionFields } }\n      ... on Error { code message }\n    }\n  }\n": typeof types.MeDocument,
    "\n  mutation LogOut($sessionId: String! = \"current\") {\n    deleteSession(sessionId: $sessionId) {\n      __typename\n      ... on DeletedSession { id count current }\n      ... on ValidationError { issues { path message } }\n      ... on Error { code message }\n    }\n  }\n": typeof types.LogOutDocument,
    "\n  mutation LogOutEverywhere {\n    deleteSessions {\n      __typename\n      ... on DeletedSession { id count current }\n      ... on Error { code message }\n    }\n  }\n": typeof types.LogOutEverywhereDocument,
};
const documents: Documents = {
    "\n  mutation SendCode($email: String!) {\n    createEmailToken(userId: \"unique()\", email: $email, phrase: true) {\n      __typename\n      ... on Token { userId expire phrase }\n      ... on RateLimitError { retryAfter }\n      ... on ValidationError { issues { path message } }\n      ... on Error { code message }\n    }\n  }\n": types.SendCodeDocument,
    "\n  mutation SendLink($email: String!, $url: String) {\n    createMagicURLToken(userId: \"unique()\", email: $email, url: $url, phrase: true) {\n      __typename\n      ... on Token { userId expire phrase }\n      ... on RateLimitError { retryAfter }\n      ... on ValidationError { issues { path message } }\n      ... on Error { code message }\n    }\n  }\n": types.SendLinkDocument,
    "\n  mutation LogIn($userId: String!, $secret: String!) {\n    createSession(userId: $userId, secret: $secret) {\n      __typename\n      ... on Session { id secret expire }\n      ... on RateLimitError { retryAfter }\n      ... on ValidationError { issues { path message } }\n      ... on Error { code message }\n    }\n  }\n": types.LogInDocument,
    "\n  fragment SessionFields on Session {\n    id clientName osName deviceName ip createdAt expire current\n  }\n": types.SessionFieldsFragmentDoc,
    "\n  query Me {\n    account {\n      __typename\n      ... on Account { id email name emailVerification createdAt }\n      ... on Error { code message }\n    }\n    sessions {\n      __typename\n      ... on SessionList { total sessions { ...SessionFields } }\n      ... on Error { code message }\n    }\n  }\n": types.MeDocument,
    "\n  mutation LogOut($sessionId: String! = \"current\") {\n    deleteSession(sessionId: $sessionId) {\n      __typename\n      ... on DeletedSession { id count current }\n      ... on ValidationError { issues { path message } }\n      ... on Error { code message }\n    }\n  }\n": types.LogOutDocument,
    "\n  mutation LogOutEverywhere {\n    deleteSessions {\n      __typename\n      ... on DeletedSession { id count current }\n      ... on Error { code message }\n    }\n  }\n": types.LogOutEverywhereDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendCode($email: String!) {\n    createEmailToken(userId: \"unique()\", email: $email, phrase: true) {\n      __typename\n      ... on Token { userId expire phrase }\n      ... on RateLimitError { retryAfter }\n      ... on ValidationError { issues { path message } }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql.js').SendCodeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendLink($email: String!, $url: String) {\n    createMagicURLToken(userId: \"unique()\", email: $email, url: $url, phrase: true) {\n      __typename\n      ... on Token { userId expire phrase }\n      ... on RateLimitError { retryAfter }\n      ... on ValidationError { issues { path message } }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql.js').SendLinkDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LogIn($userId: String!, $secret: String!) {\n    createSession(userId: $userId, secret: $secret) {\n      __typename\n      ... on Session { id secret expire }\n      ... on RateLimitError { retryAfter }\n      ... on ValidationError { issues { path message } }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql.js').LogInDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SessionFields on Session {\n    id clientName osName deviceName ip createdAt expire current\n  }\n"): typeof import('./graphql.js').SessionFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    account {\n      __typename\n      ... on Account { id email name emailVerification createdAt }\n      ... on Error { code message }\n    }\n    sessions {\n      __typename\n      ... on SessionList { total sessions { ...SessionFields } }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql.js').MeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LogOut($sessionId: String! = \"current\") {\n    deleteSession(sessionId: $sessionId) {\n      __typename\n      ... on DeletedSession { id count current }\n      ... on ValidationError { issues { path message } }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql.js').LogOutDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LogOutEverywhere {\n    deleteSessions {\n      __typename\n      ... on DeletedSession { id count current }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql.js').LogOutEverywhereDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
