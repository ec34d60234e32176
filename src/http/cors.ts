import type { Plugin } from 'graphql-yoga';

/**
 * Which origins may read responses with the user's credentials: exact origins, or an origin with
 * any port (`http://localhost:*`, for development servers whose port moves). Nothing else: no
 * suffix or pattern matching, which is where allowlists usually leak (`evil-example.com`).
 */
export interface CorsOrigins {
  exact: Set<string>;
  anyPort: Set<string>;
}

/** Development's default: a page from any port of this machine. */
export const DEVELOPMENT_ORIGINS = 'http://localhost:*,http://127.0.0.1:*,http://[::1]:*';

/** Parses CORS_ORIGINS; throws a message naming the first entry that is not an origin. */
export function parseCorsOrigins(value: string): CorsOrigins {
  const origins: CorsOrigins = { exact: new Set(), anyPort: new Set() };
  for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
    const anyPort = /^(https?:\/\/[^/?#@]+):\*$/.exec(entry);
    const origin = anyPort ? `${anyPort[1]}` : entry;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new Error(`"${entry}" is not an origin (scheme://host[:port])`);
    }
    // The origin must be written as the browser sends it: no path, no user, lower-case host.
    const host = /^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/;
    if (!/^https?:$/.test(url.protocol) || url.origin !== origin || !host.test(url.hostname) || (anyPort && url.port !== '')) {
      throw new Error(`"${entry}" is not an origin as browsers send it (e.g. https://app.example.com or http://localhost:*)`);
    }
    (anyPort ? origins.anyPort : origins.exact).add(url.origin);
  }
  return origins;
}

export function isAllowedOrigin(origins: CorsOrigins, origin: string): boolean {
  if (origins.exact.has(origin)) return true;
  if (origins.anyPort.size === 0) return false;
  try {
    const url = new URL(origin);
    return url.origin === origin && origins.anyPort.has(`${url.protocol}//${url.hostname}`);
  } catch {
    return false;
  }
}

/** What an allowed page may send, read and call. */
export interface CorsPolicy {
  /** Request headers an allowed page may send. */
  allowedHeaders: string[];
  /** Response headers an allowed page may read. */
  exposedHeaders: string[];
  methods: string[];
}

export interface CorsOptions extends CorsPolicy {
  origins: CorsOrigins;
  /** How long a browser may reuse a preflight's answer (Chromium caps it at 2 hours). */
  maxAgeSeconds: number;
  /**
   * Paths with a policy of their own, by prefix (`/v1` covers `/v1` and `/v1/…`): another API
   * beside GraphQL (the Appwrite-compatible one) has other headers and methods, same origins.
   */
  paths?: Record<string, CorsPolicy>;
}

/**
 * CORS for an allowlist (Yoga's own CORS reflects any origin, with credentials): an allowed origin
 * gets its own origin back with credentials; any other gets no CORS header, so the browser keeps
 * the response from the page, and its preflight fails, so a non-simple request is never sent.
 */
export function useCors(options: CorsOptions): Plugin {
  const allowed = (request: Request) => {
    const origin = request.headers.get('origin');
    return origin !== null && isAllowedOrigin(options.origins, origin) ? origin : null;
  };
  const paths = Object.entries(options.paths ?? {});
  const policyFor = (request: Request): CorsPolicy => {
    if (paths.length === 0) return options;
    const { pathname } = new URL(request.url);
    return paths.find(([prefix]) => pathname === prefix || pathname.startsWith(`${prefix}/`))?.[1] ?? options;
  };
  const corsHeaders = (request: Request, origin: string, preflight: boolean): Record<string, string> => {
    const policy = policyFor(request);
    return {
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      ...(preflight
        ? {
            'access-control-allow-methods': policy.methods.join(', '),
            'access-control-allow-headers': policy.allowedHeaders.join(', '),
            'access-control-max-age': String(options.maxAgeSeconds),
          }
        : { 'access-control-expose-headers': policy.exposedHeaders.join(', ') }),
    };
  };
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (request.method !== 'OPTIONS') return;
      const origin = allowed(request);
      endResponse(
        new fetchAPI.Response(null, {
          status: 204,
          headers: { 'content-length': '0', vary: 'Origin', ...(origin ? corsHeaders(request, origin, true) : {}) },
        }),
      );
    },
    onResponse({ request, response }) {
      // Answers differ by Origin: a shared cache must not hand one origin's answer to another.
      if (!response.headers.get('vary')?.includes('Origin')) response.headers.append('vary', 'Origin');
      const origin = allowed(request);
      if (!origin || request.method === 'OPTIONS') return;
      for (const [name, value] of Object.entries(corsHeaders(request, origin, false))) response.headers.set(name, value);
    },
  };
}

/**
 * The site of a URL as SameSite sees it (scheme and registrable domain), approximated without the
 * public suffix list: an IP address or a one-label host is its own site, otherwise the last two
 * labels (`app.example.com` → `example.com`). For hosts under a public suffix of two labels
 * (`example.co.uk`) it sees more origins as same-site than browsers do, so it can only miss a warning.
 */
export function siteOf(url: string): string {
  const { protocol, hostname } = new URL(url);
  const ip = /^[0-9.]+$|^\[/.test(hostname);
  return `${protocol}//${ip ? hostname : hostname.split('.').slice(-2).join('.')}`;
}

/** Allowlisted origins on another site than `serverUrl`: a SameSite=Lax or Strict cookie never goes along from them. */
export function crossSiteOrigins(origins: CorsOrigins, serverUrl: string): string[] {
  const site = siteOf(serverUrl);
  return [...origins.exact, ...[...origins.anyPort].map((o) => `${o}:*`)].filter((o) => siteOf(o.replace(/:\*$/, '')) !== site);
}

/**
 * Says once per origin when an allowlisted page on another site calls the API with a cookie that
 * cannot reach it (SameSite=Lax or Strict): the browser sends the request without it, and the
 * page gets UnauthorizedError with no hint why. Browsers tell with `Sec-Fetch-Site: cross-site`.
 */
export function useCrossSiteCookieNotice(origins: CorsOrigins, warn: (message: string) => void): Plugin {
  const told = new Set<string>();
  return {
    onRequest({ request }) {
      const origin = request.headers.get('origin');
      if (!origin || told.has(origin) || told.size >= 100) return;
      if (request.headers.get('sec-fetch-site') !== 'cross-site' || !isAllowedOrigin(origins, origin)) return;
      told.add(origin);
      // Said once: a Bearer app there is fine, and this cannot tell it from a cookie app.
      warn(
        `${origin} is on CORS_ORIGINS but on another site than this server: browsers do not send it the session cookie ` +
          '(SameSite), so its pages must authenticate with Bearer, or set COOKIE_SAMESITE=none with COOKIE_SECURE=true.',
      );
    },
  };
}
