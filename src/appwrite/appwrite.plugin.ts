import type { IncomingMessage } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { RateLimitsConfig } from '../abuse/rate-limit.js';
import type { CorsOrigins, CorsPolicy } from '../http/cors.js';
import { requestIdOf } from '../http/request-id.js';
import type { Services } from '../graphql/context.js';
import type { TrustProxy } from '../lib/client-ip.js';
import type { Clock } from '../lib/clock.js';
import { requestInfoOf } from '../lib/request-info.js';
import { localeSchema } from '../login/login.validation.js';
import type { Viewer } from '../sessions/session.service.js';
import type { CookieOptions } from '../sessions/session-cookie.js';
import { jsonBodyOf } from './appwrite.body.js';
import { appwriteCredentials, projectOf } from './appwrite.credentials.js';
import { AppwriteError, appwriteErrorOf, errorBody } from './appwrite.errors.js';
import { type Route, type RouteAnswer, appwriteRoutes, matchRoute } from './appwrite.routes.js';

/** Where the Appwrite-compatible API lives: the SDK's endpoint is `<server>/v1`. */
const APPWRITE_PATH = '/v1';

/** CORS for /v1 (same allowlist as /graphql): the SDK's methods and headers, and the fallback cookie readable. */
export const APPWRITE_CORS: Record<string, CorsPolicy> = {
  [APPWRITE_PATH]: {
    methods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: [
      'content-type',
      'x-appwrite-project',
      'x-appwrite-response-format',
      'x-appwrite-session',
      'x-appwrite-locale',
      'x-fallback-cookies',
      'x-sdk-name',
      'x-sdk-platform',
      'x-sdk-language',
      'x-sdk-version',
      'x-request-id',
    ],
    exposedHeaders: ['x-fallback-cookies', 'x-request-id', 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
  },
};

interface AppwriteDeps {
  services: Services;
  config: {
    bodyLimitBytes: number;
    trustProxy: TrustProxy | null;
    corsOrigins: CorsOrigins;
    session: { cookie: CookieOptions };
    rateLimits: RateLimitsConfig | null;
  };
  clock: Clock;
  logger: Logger;
}

/**
 * The Appwrite-compatible REST API under /v1, as a Yoga plugin: its onRequest hook answers every
 * /v1 request itself (endResponse), after the request id and CORS plugins, so it is one server with
 * one set of plumbing. Errors are Appwrite's JSON, never HTML or a bare 5xx; an unexpected one is
 * masked and logged under the request id, without the body (which carries codes and credentials).
 */
export function useAppwrite(deps: AppwriteDeps): Plugin<Record<string, unknown>, { req?: IncomingMessage }> {
  const { config, clock, logger } = deps;
  const credentials = appwriteCredentials({ cookie: config.session.cookie, corsOrigins: config.corsOrigins });
  const routes = appwriteRoutes({ services: deps.services, credentials, clock });
  const routeNotFound = new AppwriteError(
    404,
    'general_route_not_found',
    `Route not found. This server implements only the Email OTP and magic URL login and the account and session calls of Appwrite's Account API: ${routes
      .map((r) => `${r.method} ${r.path}`)
      .join(', ')}. See docs/appwrite.md.`,
  );

  /** The route's answer to the request, or the error it ends in, as Appwrite writes it. */
  async function answer(request: Request, pathname: string, req: IncomingMessage | undefined): Promise<RouteAnswer> {
    let route: Route | undefined;
    try {
      const found = matchRoute(routes, request.method, pathname);
      if (!found) throw routeNotFound;
      route = found.route;
      const project = projectOf(request);
      const body = await jsonBodyOf(request, config.bodyLimitBytes);
      const locale = localeSchema.safeParse(request.headers.get('x-appwrite-locale'));
      let viewer: Promise<Viewer | null> | undefined;
      return await route.handle({
        request,
        project,
        param: found.param,
        body,
        info: requestInfoOf(request, req, config.trustProxy),
        locale: locale.success ? locale.data : null,
        viewer: () => (viewer ??= deps.services.sessions.authenticate(credentials.credentialOf(request, project))),
      });
    } catch (error) {
      const limit = route?.rateLimit && config.rateLimits ? config.rateLimits[route.rateLimit].points : 0;
      let expected = appwriteErrorOf(error, { limit, now: clock.now() });
      if (!expected) {
        const requestId = requestIdOf(request);
        logger.error({ err: error, requestId, route: route ? `${route.method} ${route.path}` : pathname }, 'unexpected error');
        expected = new AppwriteError(500, 'general_server_error', `Server error. It was logged under request id ${requestId}.`);
      }
      return { status: expected.status, body: errorBody(expected), headers: Object.entries(expected.headers) };
    }
  }

  return {
    async onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      if (url.pathname !== APPWRITE_PATH && !url.pathname.startsWith(`${APPWRITE_PATH}/`)) return;
      const { status, body, headers = [] } = await answer(request, url.pathname, serverContext.req);
      // Answers carry session credentials: no cache keeps them.
      const response = new fetchAPI.Response(body === undefined ? null : JSON.stringify(body), {
        status,
        headers: { 'cache-control': 'no-store', ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }) },
      });
      for (const [name, value] of headers) response.headers.append(name, value);
      endResponse(response);
    },
  };
}
