import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Server, createServer } from 'node:http';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

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

// Without the background-networking flags Chromium's own connections to Google hosts are refused
// by this machine's closed network, many at a time.
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

/** Each new context waits up to a minute for pages and elements: the machine may be loaded. */
const PATIENCE_MS = 60_000;

/** `extraArgs`: more Chromium switches, e.g. `--test-third-party-cookie-phaseout` (third-party cookies blocked). */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...ARGS, ...extraArgs] });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.setDefaultTimeout(PATIENCE_MS);
    return context;
  };
  return browser;
}

/**
 * A browser whose profile allows third-party cookies, as a user's default Chromium profile does.
 * Playwright's contexts and a fresh profile block them (as incognito windows do): a SameSite=None
 * cookie set by an API on another site is then never stored, whatever the server does.
 */
export async function launchWithThirdPartyCookies(): Promise<BrowserContext & { cleanUp(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'otpql-chromium-'));
  mkdirSync(join(dir, 'Default'));
  writeFileSync(join(dir, 'Default', 'Preferences'), JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }));
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: ARGS });
  context.setDefaultTimeout(PATIENCE_MS);
  return Object.assign(context, {
    async cleanUp() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
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
