/**
 * The document GraphiQL opens with: the whole login, ready to run with the variables below. Every
 * member of each result union is spelt out, so the answer shows what a client must handle.
 */
export const GRAPHIQL_DOCUMENT = `# 1. Run SendCode. Its mail has the code (without
#    SMTP_URL: in the server log and at /dev/mail).
# 2. Put the userId it answers and the code into
#    the variables below; compare the phrase.
# 3. Run LogIn, then Me: the cookie goes along (or
#    Headers: {"Authorization": "Bearer <secret>"}).

mutation SendCode($email: String!) {
  createEmailToken(userId: "unique()", email: $email, phrase: true) {
    __typename
    ... on Token { userId expire phrase }
    ... on RateLimitError { code message retryAfter }
    ... on UserBlockedError { code message }
    ... on UserConflictError { code message }
    ... on ValidationError { code message issues { path message } }
  }
}

mutation LogIn($userId: String!, $code: String!) {
  createSession(userId: $userId, secret: $code) {
    __typename
    ... on Session { id userId expire clientName current secret }
    ... on InvalidTokenError { code message }
    ... on RateLimitError { code message retryAfter }
    ... on UserBlockedError { code message }
    ... on ValidationError { code message issues { path message } }
  }
}

query Me {
  account {
    __typename
    ... on Account { id email emailVerification createdAt }
    ... on UnauthorizedError { code message }
  }
}
`;

/** The variables GraphiQL opens with, for GRAPHIQL_DOCUMENT. */
export const GRAPHIQL_VARIABLES = `{
  "email": "you@example.com",
  "userId": "USER_ID_FROM_SENDCODE",
  "code": "123456"
}
`;
