import { type CorsOrigins, isAllowedOrigin } from '../http/cors.js';
import { APPWRITE_ID, APPWRITE_ID_RULE } from '../login/login.validation.js';
import { credentialOf } from '../sessions/credential.js';
import { type CookieOptions, sessionCookie } from '../sessions/session-cookie.js';
import { AppwriteError } from './appwrite.errors.js';

/**
 * How the Appwrite SDK carries a session, mapped onto this service's one session credential:
 * - `X-Appwrite-Session: <credential>`: what `client.setSession()` sends (Node, mobile);
 * - the cookie `a_session_<project>` (HttpOnly, with the GraphQL cookie's SameSite, Secure and
 *   Domain, and its `__Host-`/`__Secure-` prefix when Secure), set by `POST /v1/account/sessions/token`;
 * - `X-Fallback-Cookies: {"a_session_<project>": "<credential>"}`: where the cookie cannot reach this
 *   server (the page is on another site), the SDK keeps this answer header in localStorage and sends
 *   it back on every request.
 */

/**
 * The project of the request (X-Appwrite-Project): it names the cookie, nothing else (one service is
 * one project). Required: the SDK always sends it, and a custom header makes every /v1 call one a
 * cross-site form cannot send (a CORS preflight comes first), which is its CSRF defence.
 */
export function projectOf(request: Request): string {
  const project = request.headers.get('x-appwrite-project');
  if (project === null || project === '') {
    throw new AppwriteError(400, 'general_argument_invalid', 'The X-Appwrite-Project header is required: call client.setProject(...).');
  }
  if (!APPWRITE_ID.test(project)) {
    throw new AppwriteError(
      400,
      'general_argument_invalid',
      `Invalid X-Appwrite-Project header: a project id is ${APPWRITE_ID_RULE}.`,
    );
  }
  return project;
}

/** Appwrite's cookie name for the project, as the key of X-Fallback-Cookies. */
const fallbackKey = (project: string) => `a_session_${project}`;

interface AppwriteCredentialsOptions {
  /** The GraphQL session cookie's settings (SESSION_COOKIE, COOKIE_SECURE, COOKIE_DOMAIN): only the name differs. */
  cookie: CookieOptions;
  corsOrigins: CorsOrigins;
}

export function appwriteCredentials({ cookie, corsOrigins }: AppwriteCredentialsOptions) {
  const cookieOf = (project: string): CookieOptions => ({ ...cookie, name: fallbackKey(project) });

  /**
   * Whether the page calling cannot count on the cookie: an allowed page whose host is neither this
   * server's nor under COOKIE_DOMAIN is (or may be) another site, where a SameSite cookie set by a
   * fetch is refused. Only then is the credential handed to the page's script, as Appwrite does.
   */
  const needsFallback = (request: Request): boolean => {
    const origin = request.headers.get('origin');
    if (origin === null || !isAllowedOrigin(corsOrigins, origin)) return false;
    const pageHost = new URL(origin).hostname;
    const domain = cookie.domain;
    const sameHost = pageHost === new URL(request.url).hostname;
    return !sameHost && !(domain && (pageHost === domain || pageHost.endsWith(`.${domain}`)));
  };

  /** The credential in X-Fallback-Cookies' JSON under the project's key, or null. */
  const fallbackCredential = (request: Request, project: string): string | null => {
    const header = request.headers.get('x-fallback-cookies');
    if (!header) return null;
    try {
      const value: unknown = JSON.parse(header)?.[fallbackKey(project)];
      return typeof value === 'string' && value !== '' ? value : null;
    } catch {
      return null;
    }
  };

  return {
    /** X-Appwrite-Session, else the cookie (or a Bearer token, as on /graphql), else X-Fallback-Cookies. */
    credentialOf(request: Request, project: string): string | null {
      const header = request.headers.get('x-appwrite-session');
      if (header) return header;
      return credentialOf(request, cookieOf(project)) ?? fallbackCredential(request, project);
    },

    /** The headers that hand a new session's credential to a browser: the cookie, and the fallback where needed. */
    loginHeaders(request: Request, project: string, credential: string, maxAgeSeconds: number): [string, string][] {
      return [
        ['set-cookie', sessionCookie(request, cookieOf(project), credential, maxAgeSeconds)],
        ...(needsFallback(request) ? [['x-fallback-cookies', JSON.stringify({ [fallbackKey(project)]: credential })] as [string, string]] : []),
      ];
    },

    /** The headers that take it back on logout: an expired cookie, an empty fallback. */
    logoutHeaders(request: Request, project: string): [string, string][] {
      return [
        ['set-cookie', sessionCookie(request, cookieOf(project), '', 0)],
        ...(needsFallback(request) ? [['x-fallback-cookies', '{}'] as [string, string]] : []),
      ];
    },
  };
}

export type AppwriteCredentials = ReturnType<typeof appwriteCredentials>;
