export interface CookieOptions {
  /** SESSION_COOKIE: the name before any prefix. */
  name: string;
  /** Force the Secure attribute (behind a TLS-terminating proxy); otherwise set for https requests. */
  secure: boolean;
  /** COOKIE_DOMAIN: share the session with every subdomain of it; null keeps it to this host. */
  domain: string | null;
  /**
   * COOKIE_SAMESITE. Lax (default): sent on requests from this site only, and on top-level links to
   * it. Strict: not on those links either. None: also from other sites' pages (Secure required).
   */
  sameSite: 'Lax' | 'Strict' | 'None';
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

/** Set-Cookie for a session credential: HttpOnly, SameSite, Path=/, Max-Age to the session's expiry. */
export function sessionCookie(request: Request, options: CookieOptions, value: string, maxAgeSeconds: number): string {
  return [
    `${cookieName(request, options)}=${value}`,
    'HttpOnly',
    `SameSite=${options.sameSite}`,
    'Path=/',
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    ...(options.domain ? [`Domain=${options.domain}`] : []),
    ...(isSecure(request, options) ? ['Secure'] : []),
  ].join('; ');
}
