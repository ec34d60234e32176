import { type CookieOptions, cookieName } from './session-cookie.js';

/**
 * The session credential a request carries: the Bearer token, else the session cookie. Several
 * cookies of the name (one planted for a parent domain beside ours) are refused rather than one
 * picked: null, as no credential.
 */
export function credentialOf(request: Request, cookie: CookieOptions): string | null {
  const auth = request.headers.get('authorization');
  if (auth) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return match ? match[1]! : null;
  }
  const header = request.headers.get('cookie');
  if (!header) return null;
  const name = cookieName(request, cookie);
  const values: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) values.push(part.slice(eq + 1).trim());
  }
  return values.length === 1 && values[0] ? values[0] : null;
}
