import { z } from 'zod';
import type { RateLimitsConfig } from '../abuse/rate-limit.js';
import type { PostgresTimeouts } from '../db/client.js';
import { type CorsOrigins, DEVELOPMENT_ORIGINS, crossSiteOrigins, parseCorsOrigins } from '../http/cors.js';
import { type TrustProxy, isAddressList, parseTrustProxy, parseTrustedAddress } from '../lib/client-ip.js';
import { type UrlAllowlist, allowlistOf, parseUrlAllowlist } from '../login/magic-url.js';
import { type OpsConfig, opsConfig, opsEnv } from '../ops/ops.config.js';
import type { CookieOptions } from '../sessions/session-cookie.js';

const SAME_SITE = { lax: 'Lax', strict: 'Strict', none: 'None' } as const;
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const onOff = z.enum(['on', 'off']);
/** A rate limit as `points/seconds`: `10/3600` is 10 calls per hour. */
const rate = z
  .string()
  .regex(/^[1-9][0-9]{0,4}\/[1-9][0-9]{0,7}$/, 'must be calls/seconds, e.g. 10/3600')
  .transform((v) => {
    const [points, seconds] = v.split('/').map(Number) as [number, number];
    return { points, durationSeconds: seconds };
  })
  // A sliding window keeps the time of each counted call: up to `points` timestamps per key.
  .refine((r) => r.points <= 10_000, 'allows at most 10000 calls per window');
/** Proxy hops to trust (`1`), or the proxies' addresses and CIDR ranges (`10.0.0.1,192.168.0.0/16`). */
const trustProxy = z
  .string()
  .refine((v) => /^[0-9]{1,2}$/.test(v) || isAddressList(v), {
    message: 'must be a number of proxy hops or a comma-separated list of IP addresses and CIDR ranges',
  });

/** A variable that `parse` must accept; its error says what is wrong. */
const parsedBy = (parse: (value: string) => unknown, what: string) =>
  z.string().superRefine((value, ctx) => {
    try {
      parse(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `${what}: ${(error as Error).message}` });
    }
  });

/** One origin, optionally with a path: `https://auth.example.com` or `https://example.com/auth/`. */
function parseOneUrl(value: string): UrlAllowlist['entries'][number] {
  const { entries } = parseUrlAllowlist(value);
  if (entries.length !== 1 || entries[0]!.anyPort) throw new Error(`"${value}" is not one URL`);
  return entries[0]!;
}

/** The environment the service reads, as a zod schema: names and defaults are the documented ones. */
const envSchema = z.object({
  PORT: int(0, 65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_PREPARE: onOff.default('on'),
  DATABASE_LISTEN_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|off$)/, 'must be a postgres:// or postgresql:// URL, or off')
    .optional(),
  DATABASE_STATEMENT_TIMEOUT_MS: int(0, 3_600_000).default(5000),
  DATABASE_LOCK_TIMEOUT_MS: int(0, 3_600_000).default(2000),
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: int(0, 3_600_000).default(10_000),
  DATABASE_CONNECT_TIMEOUT_SECONDS: int(1, 300).default(3),
  DATA_DIR: z.string().default('./.data'),
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters (try: openssl rand -base64 32)').optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  // A send is mostly waiting for SMTP round trips, so a worker's throughput grows with its
  // connections: npm run bench:mail measured ~520 mails/s with nodemailer's default 5, ~750 with 10
  // and ~850 with 20, where the worker's own CPU becomes the limit. 10 stays polite to providers.
  SMTP_MAX_CONNECTIONS: int(1, 100).default(10),
  MAIL_FROM: z.string().default('otpql <no-reply@localhost>'),
  MAIL_TEMPLATES_DIR: z.string().optional(),
  MAIL_RETENTION_SECONDS: int(60, 365 * 86_400).default(86_400),
  APP_NAME: z.string().min(1).max(64).default('otpql'),
  OTP_LENGTH: int(6, 10).default(6),
  OTP_TTL_SECONDS: int(1, 86_400).default(900),
  OTP_MAX_ATTEMPTS: int(1, 100).default(5),
  SESSION_TTL_SECONDS: int(1, 10 * 365 * 86_400).default(31_536_000),
  SESSION_LIMIT: int(0, 10_000).default(10),
  SESSION_COOKIE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 characters of A–Z, a–z, 0–9, _ and -')
    .default('session'),
  COOKIE_SECURE: z.enum(['true', 'false']).default('false'),
  COOKIE_DOMAIN: z
    .string()
    .regex(/^\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i, 'must be a domain name such as example.com')
    .transform((d) => d.replace(/^\./, '').toLowerCase())
    .optional(),
  CORS_ORIGINS: parsedBy(parseCorsOrigins, 'must be a comma-separated list of origins').optional(),
  COOKIE_SAMESITE: z.enum(['lax', 'strict', 'none']).default('lax'),
  PUBLIC_URL: parsedBy(parseOneUrl, 'must be the URL users reach this server at').optional(),
  MAGIC_URL_TTL_SECONDS: int(60, 86_400).default(3600),
  MAGIC_URL_ALLOWLIST: parsedBy(parseUrlAllowlist, 'must be a comma-separated list of origins, each with an optional path').optional(),
  CLEANUP_INTERVAL_SECONDS: int(1, 86_400).default(3600),
  UNVERIFIED_ACCOUNT_TTL_SECONDS: int(3600, 10 * 365 * 86_400).default(7 * 86_400),
  MAIL_WORKER: onOff.default('on'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Unset: on in development, off in production (see loadConfig).
  GRAPHIQL: onOff.optional(),
  DEMO_PAGE: onOff.optional(),
  INTROSPECTION: onOff.optional(),
  RATE_LIMIT: onOff.default('on'),
  RATE_LIMIT_EMAIL_TOKEN_RESEND: rate.default(rate.parse('1/60')),
  RATE_LIMIT_EMAIL_TOKEN_EMAIL: rate.default(rate.parse('10/3600')),
  RATE_LIMIT_EMAIL_TOKEN_IP: rate.default(rate.parse('100/3600')),
  RATE_LIMIT_SESSION_USER_IP: rate.default(rate.parse('10/3600')),
  RATE_LIMIT_SESSION_IP: rate.default(rate.parse('300/3600')),
  TRUST_PROXY: trustProxy.optional(),
  BODY_LIMIT_BYTES: int(1024, 16 * 1024 * 1024).default(64 * 1024),
  SHUTDOWN_TIMEOUT_SECONDS: int(1, 600).default(10),
  NODE_ENV: z.string().default('development'),
  // Metrics, health and shutdown (src/ops/).
  ...opsEnv,
});

/** Every variable the service reads (the .env.example test checks that each is listed there). */
export const ENV_VARIABLES = Object.keys(envSchema.shape);

export type Env = z.infer<typeof envSchema>;


export interface Config {
  port: number;
  host: string;
  /** `prepare` and `sessionUrl` (LISTEN, the migration lock): see DatabaseOptions. */
  database: { kind: 'postgres'; url: string; prepare: boolean; sessionUrl: string | false } | { kind: 'embedded'; dataDir: string };
  /** PostgreSQL only (PGlite does not enforce them). */
  databaseTimeouts: Required<PostgresTimeouts>;
  /** Undefined only in embedded mode, where main.ts generates and keeps one in DATA_DIR. */
  authSecret: string | undefined;
  mail: {
    smtpUrl: string | undefined;
    /** SMTP connections per worker, and so the messages it sends at once. */
    smtpMaxConnections: number;
    from: string;
    /** Operator overrides of the mail templates, `<dir>/<locale>/{subject.txt,text.txt,html.html}`. */
    templatesDir: string | undefined;
    /** How long sent, dropped and failed outbox rows are kept before they are deleted. */
    retentionSeconds: number;
  };
  appName: string;
  otp: { length: number; ttlSeconds: number; maxAttempts: number };
  /** Login links (createMagicURLToken). */
  magicUrl: {
    ttlSeconds: number;
    /** Where a link may point (MAGIC_URL_ALLOWLIST; else CORS_ORIGINS and this server's own page). */
    allowlist: UrlAllowlist;
    /** Where a link points when no `url` is given: this server's own page, or null (then `url` is required). */
    defaultUrl: string | null;
  };
  session: { ttlSeconds: number; limit: number; cookie: CookieOptions };
  /** Origins whose pages may call the API with the user's credentials (CORS). */
  corsOrigins: CorsOrigins;
  /** Settings that work but probably not as meant: logged at start-up. */
  warnings: string[];
  /** How often expired sessions and dead codes are deleted. */
  cleanupIntervalSeconds: number;
  /** Age after which an account never verified, with no session and no live code, is deleted. */
  unverifiedAccountTtlSeconds: number;
  /** Whether this process delivers queued mail (off when `npm run worker` runs it elsewhere). */
  mailWorker: boolean;
  logLevel: Env['LOG_LEVEL'];
  graphiql: boolean;
  /** The login page (examples/web) at `/`. */
  demoPage: boolean;
  introspection: boolean;
  production: boolean;
  /** Null when RATE_LIMIT=off. */
  rateLimits: RateLimitsConfig | null;
  /** How to find the client's address behind proxies; null trusts no X-Forwarded-For. */
  trustProxy: TrustProxy | null;
  /** Largest request body accepted; larger ones get 413. */
  bodyLimitBytes: number;
  /** How long a stop waits for requests in flight before it destroys their connections. */
  shutdownTimeoutSeconds: number;
  /** Metrics and readiness. */
  ops: OpsConfig;
}

/** The configuration once AUTH_SECRET is known (embedded mode may have generated it). */
export type ResolvedConfig = Config & { authSecret: string };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads the configuration once; reports every problem together. An empty variable counts as unset. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  const problems = parsed.success
    ? []
    : // Values are not echoed: URLs and AUTH_SECRET carry credentials.
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  if (parsed.success && parsed.data.DATABASE_URL && !parsed.data.AUTH_SECRET) {
    problems.push('AUTH_SECRET: required when DATABASE_URL is set (every instance must share it; try: openssl rand -base64 32)');
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const corsOrigins = parseCorsOrigins(e.CORS_ORIGINS ?? (production ? '' : DEVELOPMENT_ORIGINS));
  // A cross-site cookie: browsers drop SameSite=None without Secure, and with no allowlist no other
  // site could read an answer anyway. Contradictions stop the start with what to set.
  if (e.COOKIE_SAMESITE === 'none') {
    if (e.COOKIE_SECURE !== 'true') problems.push('COOKIE_SAMESITE: none needs COOKIE_SECURE=true (browsers drop a SameSite=None cookie without Secure; serve over https)');
    if (corsOrigins.exact.size + corsOrigins.anyPort.size === 0) problems.push('COOKIE_SAMESITE: none needs CORS_ORIGINS, the origins of the apps that call this API with the cookie');
    if (problems.length > 0) throw new ConfigError(problems);
  }
  const warnings: string[] = [];
  const crossSite = e.CORS_ORIGINS && e.COOKIE_SAMESITE !== 'none' ? crossSiteOrigins(corsOrigins, e.PUBLIC_URL ?? `http://localhost:${e.PORT}`) : [];
  if (crossSite.length > 0) {
    warnings.push(
      `CORS_ORIGINS: ${crossSite.join(', ')} ${crossSite.length === 1 ? 'is' : 'are'} on another site than ${e.PUBLIC_URL ?? 'localhost'}: ` +
        `browsers will not send the SameSite=${SAME_SITE[e.COOKIE_SAMESITE]} session cookie from there. Those apps need Bearer ` +
        'credentials, or set COOKIE_SAMESITE=none with COOKIE_SECURE=true.',
    );
  }
  // This server's own page, for links without a `url`: never taken from the request's Host header,
  // which a client writes (a link built on it could send the secret to any host).
  const publicUrl = e.PUBLIC_URL ?? (production ? null : `http://localhost:${e.PORT}/`);
  // A production server shows a stranger neither the schema nor a console to explore it, unless the
  // operator opts in; a development server shows both.
  const enabled = (value: 'on' | 'off' | undefined) => (value ?? (production ? 'off' : 'on')) === 'on';
  // Links without a `url` open the login page this server serves at `/`: only when it serves one.
  const demoPage = enabled(e.DEMO_PAGE);
  const ownPage = demoPage ? publicUrl : null;
  if (demoPage && !publicUrl) warnings.push('DEMO_PAGE=on without PUBLIC_URL: login links need a `url`, since this server does not know its own address.');
  return {
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL
      ? {
          kind: 'postgres',
          url: e.DATABASE_URL,
          prepare: e.DATABASE_PREPARE === 'on',
          sessionUrl: e.DATABASE_LISTEN_URL === 'off' ? false : (e.DATABASE_LISTEN_URL ?? e.DATABASE_URL),
        }
      : { kind: 'embedded', dataDir: e.DATA_DIR },
    databaseTimeouts: {
      statementMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
      lockMs: e.DATABASE_LOCK_TIMEOUT_MS,
      idleInTransactionMs: e.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      connectSeconds: e.DATABASE_CONNECT_TIMEOUT_SECONDS,
    },
    authSecret: e.AUTH_SECRET,
    mail: {
      smtpUrl: e.SMTP_URL,
      smtpMaxConnections: e.SMTP_MAX_CONNECTIONS,
      from: e.MAIL_FROM,
      templatesDir: e.MAIL_TEMPLATES_DIR,
      retentionSeconds: e.MAIL_RETENTION_SECONDS,
    },
    appName: e.APP_NAME,
    otp: { length: e.OTP_LENGTH, ttlSeconds: e.OTP_TTL_SECONDS, maxAttempts: e.OTP_MAX_ATTEMPTS },
    magicUrl: {
      ttlSeconds: e.MAGIC_URL_TTL_SECONDS,
      allowlist: e.MAGIC_URL_ALLOWLIST
        ? parseUrlAllowlist(e.MAGIC_URL_ALLOWLIST)
        : allowlistOf(corsOrigins, ownPage ? [ownPage] : []),
      defaultUrl: ownPage,
    },
    session: {
      ttlSeconds: e.SESSION_TTL_SECONDS,
      limit: e.SESSION_LIMIT,
      cookie: {
        name: e.SESSION_COOKIE,
        secure: e.COOKIE_SECURE === 'true',
        domain: e.COOKIE_DOMAIN ?? null,
        sameSite: SAME_SITE[e.COOKIE_SAMESITE],
      },
    },
    mailWorker: e.MAIL_WORKER === 'on',
    cleanupIntervalSeconds: e.CLEANUP_INTERVAL_SECONDS,
    unverifiedAccountTtlSeconds: e.UNVERIFIED_ACCOUNT_TTL_SECONDS,
    logLevel: e.LOG_LEVEL,
    graphiql: enabled(e.GRAPHIQL),
    demoPage,
    introspection: enabled(e.INTROSPECTION),
    rateLimits:
      e.RATE_LIMIT === 'on'
        ? {
            emailTokenResend: e.RATE_LIMIT_EMAIL_TOKEN_RESEND,
            emailTokenEmail: e.RATE_LIMIT_EMAIL_TOKEN_EMAIL,
            emailTokenIp: e.RATE_LIMIT_EMAIL_TOKEN_IP,
            sessionUserIp: e.RATE_LIMIT_SESSION_USER_IP,
            sessionIp: e.RATE_LIMIT_SESSION_IP,
          }
        : null,
    trustProxy: e.TRUST_PROXY ? parseTrustProxy(e.TRUST_PROXY) : null,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT_SECONDS,
    ops: opsConfig(e),
    production,
    // Unset: no cross-origin access in production; any port of this machine in development.
    corsOrigins,
    warnings,
  };
}
