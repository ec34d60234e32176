import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'graphql-yoga';

/** Where `npm run build:web` (Vite) writes the login page, from src/http/ and from dist/http/ alike. */
export const DEMO_PAGE_DIR = new URL('../../examples/web/dist/', import.meta.url);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

/**
 * The page has no inline script or style and talks only to its own origin. Its address may carry a
 * login link's secret: no-referrer keeps it from any request the page makes.
 */
export const DEMO_PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const COMMON = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };

const MISSING = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Login page not built</title>
<h1>The login page is not built</h1>
<p>Run <code>npm run build:web</code> (or <code>npm run build</code>), then reload. GraphQL is at <a href="/graphql">/graphql</a>.</p></html>`;

/** `/` → index.html; `/assets/<name>` → a file Vite wrote, by a name with no path in it. */
function fileFor(pathname: string): string | null {
  if (pathname === '/' || pathname === '/index.html') return 'index.html';
  const asset = /^\/assets\/([A-Za-z0-9_-][A-Za-z0-9_.-]*)$/.exec(pathname);
  return asset && TYPES[extname(asset[1]!)] ? `assets/${asset[1]}` : null;
}

/**
 * Serves the built login page (DEMO_PAGE=on): `/` and its hashed assets. Read on each request, so
 * `npm run build:web` takes effect without a restart, and a server without the build still starts:
 * `/` then says how to build it. Hashed assets are cached for a year (their names change with their
 * content); index.html is revalidated.
 */
export function useDemoPage(dir: URL = DEMO_PAGE_DIR): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      const file = fileFor(url.pathname);
      if (!file || (request.method !== 'GET' && request.method !== 'HEAD')) return;
      const index = file === 'index.html';
      let body: Buffer;
      try {
        body = await readFile(join(fileURLToPath(dir), file));
      } catch {
        if (!index) return; // Yoga's 404
        return endResponse(
          new fetchAPI.Response(MISSING, { status: 503, headers: { 'content-type': TYPES['.html']!, 'cache-control': 'no-store', ...COMMON } }),
        );
      }
      const headers: Record<string, string> = {
        'content-type': TYPES[extname(file)]!,
        'cache-control': index ? 'no-cache' : 'public, max-age=31536000, immutable',
        ...COMMON,
        ...(index ? { 'content-security-policy': DEMO_PAGE_CSP } : {}),
      };
      endResponse(new fetchAPI.Response(request.method === 'HEAD' ? null : new Uint8Array(body), { headers }));
    },
  };
}
