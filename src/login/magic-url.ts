/**
 * Where a login link may send the user: exact origins, each optionally with a path prefix
 * (`https://app.example.com/auth/`). Anything else would make the service an open redirect, and
 * worse, a phishing relay: a link to an attacker's page carries a valid login secret.
 */
export interface UrlAllowlist {
  entries: Array<{ origin: string; pathPrefix: string; anyPort: boolean }>;
}

const HOST = /^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/;

/**
 * Parses MAGIC_URL_ALLOWLIST (comma-separated): `https://app.example.com`, `https://app.example.com/auth/`,
 * or `http://localhost:*` (any port). Throws a message naming the first entry that is not one.
 */
export function parseUrlAllowlist(value: string): UrlAllowlist {
  const entries: UrlAllowlist['entries'] = [];
  for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
    const anyPort = /^(https?:\/\/[^/?#@:]+):\*(\/.*)?$/.exec(entry);
    const text = anyPort ? `${anyPort[1]}${anyPort[2] ?? ''}` : entry;
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new Error(`"${entry}" is not a URL`);
    }
    if (
      !/^https?:$/.test(url.protocol) ||
      url.username ||
      url.password ||
      url.search ||
      url.hash ||
      !HOST.test(url.hostname) ||
      (anyPort && url.port !== '') ||
      `${url.origin}${url.pathname}` !== text.replace(/^([^/]*\/\/[^/]*)$/, '$1/')
    ) {
      throw new Error(`"${entry}" must be an origin, optionally with a path (https://app.example.com/auth/), as browsers write it`);
    }
    entries.push({ origin: anyPort ? `${url.protocol}//${url.hostname}` : url.origin, pathPrefix: url.pathname, anyPort: Boolean(anyPort) });
  }
  return { entries };
}

/** The allowlist built from CORS_ORIGINS' entries (whole origins) and extra URLs (the demo page). */
export function allowlistOf(origins: { exact: Iterable<string>; anyPort: Iterable<string> }, extra: string[] = []): UrlAllowlist {
  return {
    entries: [
      ...[...origins.exact].map((origin) => ({ origin, pathPrefix: '/', anyPort: false })),
      ...[...origins.anyPort].map((origin) => ({ origin, pathPrefix: '/', anyPort: true })),
      ...extra.flatMap((url) => parseUrlAllowlist(url).entries),
    ],
  };
}

const underPrefix = (path: string, prefix: string) =>
  prefix.endsWith('/') ? path.startsWith(prefix) : path === prefix || path.startsWith(`${prefix}/`);

/**
 * The URL a login link may be built on, or null. Refused: anything that is not an absolute http(s)
 * URL (`javascript:`, `data:`, relative ones), user info (`https://app.example.com@evil.example`),
 * backslashes and blanks (which browsers and parsers read differently), and any origin or path not on
 * the list. Host names are compared as the URL parser writes them (IDN as punycode), so a look-alike
 * of an allowed host is another host.
 */
export function allowedUrl(allowlist: UrlAllowlist, raw: string): URL | null {
  if (/[\\\s]/.test(raw) || !/^https?:\/\//i.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.username || url.password) return null;
  const portless = `${url.protocol}//${url.hostname}`;
  const allowed = allowlist.entries.some(
    (e) => (e.anyPort ? portless === e.origin : url.origin === e.origin) && underPrefix(url.pathname, e.pathPrefix),
  );
  return allowed ? url : null;
}
