import { existsSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`): never a browser downloaded by a test tool. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Browser tests run where Chromium is installed; CI installs it and sets REQUIRE_BROWSER=1, so there
 * a missing browser fails the run instead of skipping its tests.
 */
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.REQUIRE_BROWSER === '1') {
  throw new Error(`REQUIRE_BROWSER=1 but ${CHROMIUM} does not exist: apt-get install -y chromium`);
}

/** `extraArgs`: more Chromium switches, e.g. `--test-third-party-cookie-phaseout` (third-party cookies blocked). */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Without the background-networking flags Chromium's own connections to Google hosts are refused
    // by this machine's closed network, many at a time.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

export interface StaticSite {
  origin: string;
  close(): Promise<void>;
}

/** Serves `pages` (path → HTML, or JavaScript for a `.js` path) on 127.0.0.1 at a free port: another origin for cross-origin tests. */
export async function serveStatic(pages: Record<string, string>): Promise<StaticSite> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const page = pages[path];
    const type = path.endsWith('.js') ? 'text/javascript' : 'text/html';
    res.writeHead(page === undefined ? 404 : 200, { 'content-type': `${type}; charset=utf-8` });
    res.end(page ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
