/** The document GraphiQL opens with: the whole login, ready to run. */
export const GRAPHIQL_DOCUMENT = `# 1. Ask for a code: it arrives by mail (or in the server log without SMTP_URL).
mutation SendCode {
  createEmailToken(userId: "unique()", email: "you@example.com") {
    __typename
    ... on Token { userId expire }
    ... on Error { code message }
  }
}

# 2. Trade it for a session: put the userId from step 1 and the code from the mail.
mutation LogIn {
  createSession(userId: "USER_ID", secret: "123456") {
    __typename
    ... on Session { id userId expire secret }
    ... on Error { code message }
  }
}
`;
