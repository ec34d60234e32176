import type { Plugin } from 'graphql-yoga';

export interface CookieOptions {
  /** SESSION_COOKIE: the name before any prefix. */
  name: string;
  /** Force the Secure attribute (behind a TLS-terminating proxy); otherwise set for https requests. */
  secure: boolean;
  /** COOKIE_DOMAIN: share the session with every subdomain of it; null keeps it to this host. */
  domain: string | null;
}

const isSecure = (request: Request, options: CookieOptions) => options.secure || new URL(request.url).protocol === 'https:';

/**
 * The cookie's name for this request. With Secure and no Domain it is `__Host-<name>`: browsers
 * accept that name only from this very host, over https, for Path=/, so a sibling subdomain cannot
 * plant a session of its own choosing (login fixation). With Domain, `__Secure-<name>`.
 */
export function cookieName(request: Request, options: CookieOptions): string {
  if (!isSecure(request, options)) return options.name;
  return options.domain ? `__Secure-${options.name}` : `__Host-${options.name}`;
}

/**
 * The credential of a request: the Bearer token, else the session cookie. Several cookies of the
 * name (one planted for a parent domain beside ours) are refused rather than one picked: null.
 */
export function credentialOf(request: Request, options: CookieOptions): string | null {
  const auth = request.headers.get('authorization');
  if (auth) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return match ? match[1]! : null;
  }
  const header = request.headers.get('cookie');
  if (!header) return null;
  const name = cookieName(request, options);
  const values: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) values.push(part.slice(eq + 1).trim());
  }
  return values.length === 1 && values[0] ? values[0] : null;
}

/** Set-Cookie for a session credential: HttpOnly, SameSite=Lax, Path=/, Max-Age to the session's expiry. */
export function sessionCookie(request: Request, options: CookieOptions, value: string, maxAgeSeconds: number): string {
  return [
    `${cookieName(request, options)}=${value}`,
    'HttpOnly',
    'SameSite=Lax',
    'Path=/',
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    ...(options.domain ? [`Domain=${options.domain}`] : []),
    ...(isSecure(request, options) ? ['Secure'] : []),
  ].join('; ');
}

const pending = new WeakMap<Request, string[]>();

/** Queues a Set-Cookie header for the response to `request` (resolvers cannot touch the response). */
export function queueCookie(request: Request, cookie: string): void {
  const list = pending.get(request) ?? [];
  list.push(cookie);
  pending.set(request, list);
}

/** Yoga plugin writing the queued Set-Cookie headers into the response. */
export function useQueuedCookies(): Plugin {
  return {
    onResponse({ request, response }) {
      for (const cookie of pending.get(request) ?? []) response.headers.append('set-cookie', cookie);
    },
  };
}
