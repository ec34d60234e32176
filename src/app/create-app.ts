import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { createYoga } from 'graphql-yoga';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { createRateLimits, noRateLimits } from '../abuse/rate-limit.js';
import { createAccountRepository } from '../account/account.repository.js';
import { createAccountService } from '../account/account.service.js';
import { APPWRITE_CORS, useAppwrite } from '../appwrite/appwrite.plugin.js';
import type { Db } from '../db/client.js';
import type { RequestContext } from '../graphql/context.js';
import { documentLimitPlugins } from '../graphql/document-limits.js';
import { useJsonParamErrors } from '../graphql/json-params.js';
import { useMaskedUnexpectedErrors } from '../graphql/masking.js';
import { useBodyLimit } from '../http/body-limit.js';
import { useCompression } from '../http/compression.js';
import { useCors, useCrossSiteCookieNotice } from '../http/cors.js';
import { useDemoPage } from '../http/demo-page.js';
import { useRequestId } from '../http/request-id.js';
import { queueCookie, useQueuedCookies } from '../http/response-cookies.js';
import { type Clock, secondsUntil, systemClock } from '../lib/clock.js';
import { requestInfoOf } from '../lib/request-info.js';
import { createLoginRepository } from '../login/login.repository.js';
import { createLoginService } from '../login/login.service.js';
import { createMailDelivery } from '../mail/mail-delivery.js';
import type { Mailer } from '../mail/mailer.js';
import type { OutboxWorkerTuning } from '../mail/outbox.worker.js';
import type { Templates } from '../mail/templates/templates.js';
import { credentialOf } from '../sessions/credential.js';
import { sessionCookie } from '../sessions/session-cookie.js';
import { createSessionRepository } from '../sessions/session.repository.js';
import { createSessionService } from '../sessions/session.service.js';
import { createOps } from '../ops/ops.js';
import type { ResolvedConfig } from './config.js';
import { useDevInbox } from './dev-mail.js';
import { GRAPHIQL_DOCUMENT, GRAPHIQL_VARIABLES } from './graphiql.js';
import { schema } from './schema.js';

export interface AppDeps {
  config: ResolvedConfig;
  db: Db;
  mailer: Mailer;
  /** Loaded at start-up (`createTemplates`), so a broken override stops the process before it serves. */
  templates: Templates;
  logger: Logger;
  clock?: Clock;
  /** Timing of the mail worker; tests shorten it. */
  mailTuning?: OutboxWorkerTuning;
}

/** Repositories → services → Yoga. No I/O of its own: tests build the same app on their own database. */
export function createApp({ config, db, mailer, templates, logger, clock = systemClock, mailTuning }: AppDeps) {
  const { worker: mailWorker, counters: mailCounters, sealedBox } = createMailDelivery({
    db,
    mailer,
    templates,
    authSecret: config.authSecret,
    clock,
    logger,
    tuning: { retentionSeconds: config.mail.retentionSeconds, ...mailTuning },
  });

  // Stored in the database, so every instance sharing it counts against the same limits.
  const rateLimits = config.rateLimits ? createRateLimits({ config: config.rateLimits, authSecret: config.authSecret }) : noRateLimits;
  const login = createLoginService({
    codes: createLoginRepository(db),
    rateLimits,
    sealedBox,
    locales: templates.locales,
    clock,
    config,
    onQueued: () => {
      mailCounters.queued++;
      mailWorker.wake();
    },
  });
  const account = createAccountService({ accounts: createAccountRepository(db), clock });
  const sessions = createSessionService({ sessions: createSessionRepository(db), login, account, rateLimits, clock, config });
  const services = { login, sessions, account };
  const cookie = config.session.cookie;
  const ops = createOps({ config, db, mailCounters, clock, logger, graphqlEndpoint: '/graphql' });

  const yoga = createYoga<{ req?: IncomingMessage }, RequestContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // Yoga's CORS reflects any origin with credentials: ours answers only the allowlist (useCors).
    cors: false,
    logging: logger,
    // One operation per request: a batch would multiply what one request can ask for.
    batching: false,
    // The body limit is useBodyLimit's (below): Yoga's own 25 MB limit would pipe every body, even
    // one whose Content-Length is already checked, through a TransformStream (a stream pipeline, an
    // AbortController and a DOMException per request: 3–5 % of the server's CPU in npm run bench).
    maxRequestBodySize: false,
    // GraphiQL's assets are inlined: the page works offline and behind networks that block CDNs.
    graphiql: config.graphiql
      ? {
          title: `${config.appName} GraphiQL`,
          defaultTabs: [{ query: GRAPHIQL_DOCUMENT, variables: GRAPHIQL_VARIABLES }],
          // Yoga's GraphiQL fills the variables editor from this (untyped) option, not from the tab.
          ...{ variables: GRAPHIQL_VARIABLES },
          defaultEditorToolsVisibility: 'variables',
        }
      : false,
    // Loaded on the first GraphiQL page, not at start: its inlined assets cost ~80 MB of memory
    // (measured by `npm run bench`), which a server that never shows GraphiQL should not pay.
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    plugins: [
      useRequestId(),
      ...(mailer.inbox ? [useDevInbox(mailer.inbox)] : []),
      ...(config.demoPage ? [useDemoPage()] : []),
      useCors({
        origins: config.corsOrigins,
        methods: ['GET', 'POST', 'OPTIONS'],
        allowedHeaders: ['content-type', 'authorization', 'x-graphql-yoga-csrf', 'x-request-id'],
        exposedHeaders: ['x-request-id'],
        maxAgeSeconds: 7200,
        paths: APPWRITE_CORS,
      }),
      ...(cookie.sameSite === 'None' ? [] : [useCrossSiteCookieNotice(config.corsOrigins, (m) => logger.warn(m))]),
      useAppwrite({ services, config, clock, logger }),
      useBodyLimit(config.bodyLimitBytes),
      useJsonParamErrors(),
      ...documentLimitPlugins({ production: config.production, introspection: config.introspection }),
      useMaskedUnexpectedErrors(logger),
      // Cookie-authenticated mutations must not be forgeable by a cross-site form: a request with a
      // "simple" content type (form, multipart, text/plain) needs the x-graphql-yoga-csrf header.
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf'] }),
      useQueuedCookies(),
      ops.plugin,
      // Last: it sees the headers the others set (no compression of a response that sets a cookie).
      useCompression(),
    ],
    context: ({ request, req }) => {
      let viewer: ReturnType<RequestContext['viewer']> | undefined;
      return {
        request,
        services,
        requestInfo: requestInfoOf(request, req, config.trustProxy),
        viewer: () => (viewer ??= sessions.authenticate(credentialOf(request, cookie))),
        setSessionCookie: (credential, expire) =>
          queueCookie(request, sessionCookie(request, cookie, credential, secondsUntil(expire, clock.now()))),
        clearSessionCookie: () => queueCookie(request, sessionCookie(request, cookie, '', 0)),
      };
    },
  });

  return { yoga, services, mailWorker, mailCounters, rateLimits, ops };
}

export type App = ReturnType<typeof createApp>;
