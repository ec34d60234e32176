import { graphql } from '../gql/index.js';

// The whole login flow, shared by the Node client and the web page. Every result union is read
// with `__typename`, and every error through the Error interface, so a new member of a union
// still arrives with its code and message.

export const SendCode = graphql(`
  mutation SendCode($email: String!) {
    createEmailToken(userId: "unique()", email: $email, phrase: true) {
      __typename
      ... on Token { userId expire phrase }
      ... on RateLimitError { retryAfter }
      ... on ValidationError { issues { path message } }
      ... on Error { code message }
    }
  }
`);

export const SendLink = graphql(`
  mutation SendLink($email: String!, $url: String) {
    createMagicURLToken(userId: "unique()", email: $email, url: $url, phrase: true) {
      __typename
      ... on Token { userId expire phrase }
      ... on RateLimitError { retryAfter }
      ... on ValidationError { issues { path message } }
      ... on Error { code message }
    }
  }
`);

export const LogIn = graphql(`
  mutation LogIn($userId: String!, $secret: String!) {
    createSession(userId: $userId, secret: $secret) {
      __typename
      ... on Session { id secret expire }
      ... on RateLimitError { retryAfter }
      ... on ValidationError { issues { path message } }
      ... on Error { code message }
    }
  }
`);

export const SessionFields = graphql(`
  fragment SessionFields on Session {
    id clientName osName deviceName ip createdAt expire current
  }
`);

export const Me = graphql(`
  query Me {
    account {
      __typename
      ... on Account { id email name emailVerification createdAt }
      ... on Error { code message }
    }
    sessions {
      __typename
      ... on SessionList { total sessions { ...SessionFields } }
      ... on Error { code message }
    }
  }
`);

export const LogOut = graphql(`
  mutation LogOut($sessionId: String! = "current") {
    deleteSession(sessionId: $sessionId) {
      __typename
      ... on DeletedSession { id count current }
      ... on ValidationError { issues { path message } }
      ... on Error { code message }
    }
  }
`);

export const LogOutEverywhere = graphql(`
  mutation LogOutEverywhere {
    deleteSessions {
      __typename
      ... on DeletedSession { id count current }
      ... on Error { code message }
    }
  }
`);
