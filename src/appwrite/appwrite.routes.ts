import type { RateLimitsConfig } from '../abuse/rate-limit.js';
import type { Services } from '../graphql/context.js';
import { type Clock, secondsUntil } from '../lib/clock.js';
import type { RequestInfo } from '../lib/request-info.js';
import type { Viewer } from '../sessions/session.service.js';
import type { AppwriteCredentials } from './appwrite.credentials.js';
import { AppwriteError } from './appwrite.errors.js';
import { sessionListModel, sessionModel, tokenModel, userModel } from './appwrite.models.js';
import { emailTokenBody, magicUrlTokenBody, nameBody, sessionBody, sessionIdParam } from './appwrite.validation.js';

/** What a route handler gets: the request, its parsed parts, and the caller's session, looked up once. */
interface RouteCall {
  request: Request;
  /** The project of X-Appwrite-Project. */
  project: string;
  /** The `{sessionId}` of the path, decoded. */
  param: string;
  /** The JSON body (`{}` without one). */
  body: unknown;
  info: RequestInfo;
  /** The mail's language asked for with `client.setLocale()` (X-Appwrite-Locale), or null. */
  locale: string | null;
  viewer(): Promise<Viewer | null>;
}

export interface RouteAnswer {
  status: number;
  body?: unknown;
  headers?: [string, string][];
}

export interface Route {
  method: string;
  /** `/v1/…`; `{sessionId}` stands for one path segment. */
  path: string;
  /** The limit a 429 of this route names in X-RateLimit-Limit: its main one, as Appwrite's routes have one. */
  rateLimit?: keyof RateLimitsConfig;
  handle(call: RouteCall): Promise<RouteAnswer>;
}

interface RouteDeps {
  services: Services;
  credentials: AppwriteCredentials;
  clock: Clock;
}

/**
 * The routes of Appwrite's Account API this service implements: each is one call of the service
 * GraphQL calls, so every rule, limit and error is the same on both APIs.
 */
export function appwriteRoutes({ services, credentials, clock }: RouteDeps): Route[] {
  const { login, sessions, account } = services;
  const sessionIdOf = (call: RouteCall) => sessionIdParam.parse({ sessionId: call.param }).sessionId;
  const logout = (call: RouteCall, current: boolean): RouteAnswer => ({
    status: 204,
    headers: current ? credentials.logoutHeaders(call.request, call.project) : [],
  });
  return [
    {
      method: 'POST',
      path: '/v1/account/tokens/email',
      rateLimit: 'emailTokenEmail',
      async handle(call) {
        const { userId, email, phrase } = emailTokenBody.parse(call.body);
        const code = await login.sendCode({ userId, email, phrase, locale: call.locale }, call.info);
        return { status: 201, body: tokenModel(code) };
      },
    },
    {
      method: 'POST',
      path: '/v1/account/tokens/magic-url',
      rateLimit: 'emailTokenEmail',
      async handle(call) {
        const { userId, email, phrase, url } = magicUrlTokenBody.parse(call.body);
        const code = await login.sendLink({ userId, email, phrase, locale: call.locale, url: url ?? null }, call.info);
        return { status: 201, body: tokenModel(code) };
      },
    },
    {
      method: 'POST',
      path: '/v1/account/sessions/token',
      rateLimit: 'sessionUserIp',
      async handle(call) {
        const { userId, secret } = sessionBody.parse(call.body);
        const session = await sessions.createSession(userId, secret, call.info);
        const headers = credentials.loginHeaders(call.request, call.project, session.secret!, secondsUntil(session.expire, clock.now()));
        return { status: 201, body: sessionModel(session), headers };
      },
    },
    {
      method: 'GET',
      path: '/v1/account',
      handle: async (call) => ({ status: 200, body: userModel(await account.getAccount((await call.viewer())?.account ?? null)) }),
    },
    {
      method: 'PATCH',
      path: '/v1/account/name',
      async handle(call) {
        const { name } = nameBody.parse(call.body);
        return { status: 200, body: userModel(await account.updateName((await call.viewer())?.account ?? null, name)) };
      },
    },
    {
      method: 'GET',
      path: '/v1/account/sessions',
      handle: async (call) => ({ status: 200, body: sessionListModel(await sessions.list(await call.viewer())) }),
    },
    {
      method: 'DELETE',
      path: '/v1/account/sessions',
      handle: async (call) => logout(call, (await sessions.deleteAll(await call.viewer())).current),
    },
    {
      method: 'GET',
      path: '/v1/account/sessions/{sessionId}',
      handle: async (call) => ({ status: 200, body: sessionModel(await sessions.get(await call.viewer(), sessionIdOf(call))) }),
    },
    {
      method: 'DELETE',
      path: '/v1/account/sessions/{sessionId}',
      handle: async (call) => logout(call, (await sessions.delete(await call.viewer(), sessionIdOf(call))).current),
    },
  ];
}

/** The route of a method and path, with its `{sessionId}` segment decoded; null when none. */
export function matchRoute(routes: Route[], method: string, pathname: string): { route: Route; param: string } | null {
  for (const route of routes) {
    if (route.method !== method) continue;
    const at = route.path.indexOf('{');
    if (at < 0) {
      if (pathname === route.path) return { route, param: '' };
      continue;
    }
    const rest = pathname.slice(at);
    if (pathname.startsWith(route.path.slice(0, at)) && rest !== '' && !rest.includes('/')) return { route, param: decodeParam(rest) };
  }
  return null;
}

function decodeParam(param: string): string {
  try {
    return decodeURIComponent(param);
  } catch {
    throw new AppwriteError(400, 'general_argument_invalid', 'Invalid `sessionId` param: not a valid URL component.');
  }
}
