// npm run screenshots: the login page (examples/web/dist, so `npm run build:web` first) in Debian's
// Chromium at 320 and 1280 px, through every step against a real server, one PNG per step in
// test/e2e/screenshots/. The page is served from another port than the API (?api=), so the run also
// goes through CORS with credentials, the cookie and the CSRF check. It checks as it goes what a
// picture cannot show (focus, the live regions, no sideways scrolling) and exits 1 on a failure.
import { readFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { listeningUrl, spawnServer } from '../helpers/server-process.js';

const dist = fileURLToPath(new URL('../../examples/web/dist/', import.meta.url));
const out = fileURLToPath(new URL('./screenshots/', import.meta.url));
const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

function servePage(): Promise<{ origin: string; server: Server }> {
  const server = createServer(async (req, res) => {
    const path = normalize(new URL(req.url ?? '/', 'http://x').pathname).replace(/^(\.\.[/\\])+/, '');
    try {
      const body = await readFile(join(dist, path === '/' ? 'index.html' : path));
      res.writeHead(200, { 'content-type': `${types[extname(path) || '.html'] ?? 'application/octet-stream'}; charset=utf-8` });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ origin: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server })),
  );
}

const failures: string[] = [];
function check(what: string, ok: boolean): void {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

// Two codes per minute per email: the page's send and the other device's, then "Send a new code" is refused.
const server = spawnServer({ RATE_LIMIT_EMAIL_TOKEN_RESEND: '2/60' });
const api = await listeningUrl(server);
const { origin, server: pageServer } = await servePage();
const browser = await launchChromium();

/** The code of the newest mail to `email`, from the log mailer's JSON lines (the code is a field of its own). */
async function codeFor(email: string, after: number): Promise<string> {
  const pattern = new RegExp(`"to":"${email.replace(/[.]/g, '\\.')}"[^\\n]*?"code":"([0-9]{6,10})"`, 'g');
  for (;;) {
    const codes = [...server.output.matchAll(pattern)];
    if (codes.length > after) return codes.at(-1)![1]!;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A second device (an iPhone) logged in to `email` with a Bearer session, so the list has two entries. */
async function otherDevice(email: string): Promise<void> {
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  };
  const post = async (query: string, variables: object) =>
    (await (await fetch(api, { method: 'POST', headers, body: JSON.stringify({ query, variables }) })).json()) as {
      data: Record<string, { userId: string; __typename: string }>;
    };
  const sent = await post('mutation($e:String!){createEmailToken(userId:"unique()",email:$e){__typename ...on Token{userId}}}', { e: email });
  const code = await codeFor(email, 0);
  const session = await post('mutation($u:String!,$s:String!){createSession(userId:$u,secret:$s){__typename}}', {
    u: sent.data.createEmailToken!.userId,
    s: code,
  });
  if (session.data.createSession!.__typename !== 'Session') throw new Error(`second device: ${JSON.stringify(session)}`);
}

const focused = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');
const text = (page: Page, selector: string) => page.locator(selector).innerText();

async function walk(width: number): Promise<void> {
  const email = `ada.${width}@example.com`;
  const context = await browser.newContext({ viewport: { width, height: width < 600 ? 720 : 800 }, locale: 'en-GB', timezoneId: 'UTC' });
  const page = await context.newPage();
  page.on('pageerror', (error) => check(`${width}px: no uncaught error in the page (${error.message})`, false));
  const shot = async (name: string) => {
    check(`${width}px ${name}: no sideways scrolling`, await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth));
    await page.screenshot({ path: join(out, `${width}-${name}.png`), fullPage: true });
  };

  await page.goto(`${origin}/?api=${encodeURIComponent(api)}`);
  await page.locator('#step-email').waitFor();
  await shot('1-email');

  await page.fill('#email', 'ada@localhost');
  await page.click('#send');
  await page.locator('#email-error:not(:empty)').waitFor();
  check(`${width}px: a refused address is explained (${await text(page, '#email-error')})`, (await text(page, '#email-error')).includes('valid email'));
  check(`${width}px: focus back on the email field`, (await focused(page)) === 'email');
  await shot('2-email-invalid');

  await otherDevice(email);
  await page.fill('#email', email);
  await page.press('#email', 'Enter');
  await page.locator('#step-code').waitFor();
  check(`${width}px: focus moves to the code field`, (await focused(page)) === 'code');
  check(`${width}px: the phrase is shown`, (await text(page, '#phrase')).length > 0);
  await shot('3-code');

  await page.fill('#code', '000 000');
  check(`${width}px: spaces are dropped from a typed code`, (await page.inputValue('#code')) === '000000');
  await page.click('#sign-in');
  await page.locator('#code-error:not(:empty)').waitFor();
  check(`${width}px: a wrong code has its message (${await text(page, '#code-error')})`, (await text(page, '#code-error')).includes('wrong'));
  await shot('4-code-wrong');

  await page.click('#resend');
  await page.locator('#resend[aria-disabled="true"]', { hasText: '(' }).waitFor(); // held for the countdown, not the request
  check(`${width}px: the refused new code counts down (${await text(page, '#resend')})`, /\((\d+ s|\d+:\d\d)\)/.test(await text(page, '#resend')));
  await shot('5-resend-rate-limited');

  const code = await codeFor(email, 1);
  await page.fill('#code', '');
  await page.locator('#code').pressSequentially(code.slice(0, 3) + ' ' + code.slice(3));
  await page.press('#code', 'Enter');
  await page.locator('#step-account').waitFor();
  check(`${width}px: focus moves to the account heading`, (await focused(page)) === 'account-title');
  check(`${width}px: two sessions listed, this one marked`, (await page.locator('#sessions li').count()) === 2 && (await page.locator('#sessions .badge').count()) === 1);
  check(`${width}px: the session cookie is HttpOnly`, (await context.cookies()).some((c) => c.name === 'session' && c.httpOnly));
  await shot('6-signed-in');

  await page.reload();
  await page.locator('#step-account:not([hidden])').waitFor();
  check(`${width}px: a reload stays signed in (cookie)`, true);

  await page.click('#log-out-all');
  await page.locator('#step-email:not([hidden])').waitFor();
  await page.locator('#status:not(:empty)').waitFor();
  check(`${width}px: logging out everywhere is announced (${await text(page, '#status')})`, (await text(page, '#status')).includes('2 devices'));
  await shot('7-logged-out');

  // Outcomes that need a server state this run cannot make: the page's answer to a blocked account.
  const cors = {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-allow-headers': 'content-type',
    'access-control-allow-methods': 'POST',
  };
  const answer = async (createEmailToken: object) => {
    await page.unroute('**/graphql');
    await page.route('**/graphql', (route) =>
      route.request().method() === 'OPTIONS'
        ? route.fulfill({ status: 204, headers: cors })
        : route.fulfill({ contentType: 'application/json', headers: cors, body: JSON.stringify({ data: { createEmailToken } }) }),
    );
  };
  await answer({ __typename: 'UserBlockedError', code: 'USER_BLOCKED', message: 'This account is blocked.' });
  await page.fill('#email', email);
  await page.click('#send');
  await page.locator('#email-error:not(:empty)').waitFor();
  check(`${width}px: a blocked account has its message`, (await text(page, '#email-error')).includes('blocked'));
  await shot('8-blocked');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot('9-blocked-dark');

  // A countdown ends: the button works again and says so.
  await answer({ __typename: 'RateLimitError', code: 'GENERAL_RATE_LIMIT_EXCEEDED', message: 'Too many requests.', retryAfter: 2 });
  await page.click('#send');
  await page.locator('#send[aria-disabled="true"]', { hasText: '(' }).waitFor();
  await page.locator('#send:not([aria-disabled])').waitFor({ timeout: 4000 });
  check(`${width}px: after the countdown the button is back (${await text(page, '#send')})`, (await text(page, '#send')) === 'Send code');
  check(`${width}px: and the end is announced (${await text(page, '#status')})`, (await text(page, '#status')).length > 0);
  check(`${width}px: and the error is gone`, (await text(page, '#email-error')) === '');
  await context.close();
}

try {
  for (const width of [320, 1280]) await walk(width);
} finally {
  await browser.close();
  pageServer.close();
  server.cleanUp();
}
console.log(failures.length ? `\n${failures.length} check(s) failed` : `\nScreenshots in ${out}`);
process.exitCode = failures.length ? 1 : 0;
