import type { GraphQLEndpoint } from '../../shared/request.js';

const LOOPBACK = /^(localhost|127(\.[0-9]{1,3}){3}|\[::1\])$/;

/**
 * Where the page sends its operations, always with the cookie (`credentials: 'include'`):
 * - `?api=<url>`, only for an API on a loopback address (a page on one port, the API on another,
 *   as in cross-origin tests). From any other host it is ignored: a link carrying `?api=` would
 *   otherwise make this page hand the user's email and code to a stranger's server;
 * - else VITE_OTPQL_API, fixed when the page is built (`VITE_OTPQL_API=https://auth.example.com/graphql`);
 * - else `/graphql` on the page's own origin, where the server serves the built page.
 * Cookies go along cross-origin only between same-site origins (SameSite=Lax): use one host name
 * for page and API (localhost and 127.0.0.1 are two sites).
 */
export function endpointFor(page: URL): GraphQLEndpoint {
  const built: unknown = import.meta.env.VITE_OTPQL_API;
  let url = new URL(typeof built === 'string' && built ? built : '/graphql', page);
  const param = page.searchParams.get('api');
  if (param) {
    let asked: URL | null = null;
    try {
      asked = new URL(param);
    } catch {
      // not a URL: ignored below
    }
    if (asked && /^https?:$/.test(asked.protocol) && (asked.origin === page.origin || LOOPBACK.test(asked.hostname))) url = asked;
    else console.warn(`Ignoring ?api=${param}: only an API on this origin or a loopback address is accepted.`);
  }
  return { url: url.href, credentials: 'include' };
}
