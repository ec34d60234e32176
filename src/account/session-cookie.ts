import type { Plugin } from 'graphql-yoga';

export interface CookieOptions {
  name: string;
  /** Force the Secure attribute (behind a TLS-terminating proxy); otherwise set for https requests. */
  secure: boolean;
}

/** The credential of a request: the Bearer token, else the session cookie. */
export function credentialOf(request: Request, cookieName: string): string | null {
  const auth = request.headers.get('authorization');
  if (auth) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return match ? match[1]! : null;
  }
  const header = request.headers.get('cookie');
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === cookieName) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/** Set-Cookie for a session credential: HttpOnly, SameSite=Lax, Path=/, Max-Age to the session's expiry. */
export function sessionCookie(request: Request, options: CookieOptions, value: string, maxAgeSeconds: number): string {
  const secure = options.secure || new URL(request.url).protocol === 'https:';
  return [
    `${options.name}=${value}`,
    'HttpOnly',
    'SameSite=Lax',
    'Path=/',
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    ...(secure ? ['Secure'] : []),
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
