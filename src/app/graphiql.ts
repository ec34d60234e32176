/**
 * The document GraphiQL opens with: the whole login, ready to run with the variables below. Every
 * member of each result union is spelt out, so the answer shows what a client must handle.
 */
export const GRAPHIQL_DOCUMENT = `# Run SendCode: the code arrives by mail (without SMTP_URL: in the server
# log and at /dev/mail). Put the userId it answers and the code into the
# variables below, compare the phrase with the mail's, then run LogIn.
# The session cookie then authenticates Me (or send the secret in the
# Headers tab as {"Authorization": "Bearer <secret>"}).

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
