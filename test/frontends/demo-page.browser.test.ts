import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../helpers/browser.js';
import { type TestApp, startTestApp } from '../helpers/test-app.js';
import { eventually } from '../helpers/wait.js';
import { ensureWebBuild } from '../helpers/web-build.js';

// The login page as the server serves it at `/`, in Debian's Chromium, one screenshot per step in
// test/e2e/screenshots/demo-*.png. Codes and links come from /dev/mail.json (the development
// mailer) or from a real SMTP sink, as an app's own end-to-end tests would read them.

const SHOTS = 'test/e2e/screenshots';
interface DevMail {
  to: string;
  code: string | null;
  link: string | null;
  phrase: string | null;
}

describe.skipIf(!hasChromium)('the login page in Chromium', { timeout: 240_000 }, () => {
  let dev: TestApp; // development mailer: /dev/mail.json
  let smtp: TestApp; // SMTP to the test sink
  let browser: Browser;
  beforeAll(async () => {
    await ensureWebBuild();
    mkdirSync(SHOTS, { recursive: true });
    // Two mails per minute per address: the first "send a new code" works, the second counts down.
    const limits = { RATE_LIMIT: 'on', RATE_LIMIT_EMAIL_TOKEN_RESEND: '2/60' };
    [dev, smtp, browser] = await Promise.all([startTestApp({ mailer: 'log', clock: 'running', env: limits }), startTestApp({ clock: 'running' }), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([dev?.close(), smtp?.close()]);
  });

  const home = (t: TestApp) => `${new URL(t.url).origin}/`;
  const inbox = async (t: TestApp) => ((await (await fetch(`${home(t)}dev/mail.json`)).json()) as { mails: DevMail[] }).mails;
  /** The newest mail to `to` once there are `count` of them. */
  const newest = (t: TestApp, to: string, count: number) =>
    eventually(
      `mail ${count} to ${to}`,
      async () => {
        const mails = (await inbox(t)).filter((m) => m.to === to);
        return mails.length >= count ? mails[0] : undefined;
      },
      30_000, // a loaded machine delivers slowly
    );

  async function open(width = 390): Promise<{ context: BrowserContext; page: Page; shot: (name: string) => Promise<void> }> {
    const context = await browser.newContext({ viewport: { width, height: 760 }, locale: 'en-GB', timezoneId: 'UTC' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const shot = async (name: string) => {
      expect(errors).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), `${name}: no sideways scrolling`).toBe(true);
      await page.screenshot({ path: `${SHOTS}/demo-${name}.png`, fullPage: true });
    };
    return { context, page, shot };
  }
  const focused = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');
  const text = (page: Page, selector: string) => page.locator(selector).innerText();

  it('signs in with the code from /dev/mail.json, after a wrong code, a new code and a refused one', async () => {
    const email = 'ada@example.com';
    const { context, page, shot } = await open(320);
    await page.goto(home(dev));
    await page.locator('#step-email').waitFor();
    await shot('01-email-320');

    await page.fill('#email', email);
    await page.click('#send');
    await page.locator('#step-code').waitFor();
    expect(await focused(page)).toBe('code');
    const first = await newest(dev, email, 1);
    expect(await text(page, '#phrase')).toBe(first.phrase);
    await shot('02-code-sent-320');

    await page.fill('#code', first.code === '000000' ? '111111' : '000000');
    await page.click('#sign-in');
    await page.locator('#code-error:not(:empty)').waitFor();
    expect(await text(page, '#code-error')).toContain('wrong or has expired');
    expect(await page.getAttribute('#code', 'aria-invalid')).toBe('true');
    await shot('03-code-wrong-320');

    await page.click('#resend');
    const second = await newest(dev, email, 2);
    expect(second.code).not.toBe(first.code);
    await page.locator('#status:not(:empty)').waitFor();
    expect(await text(page, '#status')).toContain('new code is on its way');
    await shot('04-new-code-320');

    await page.click('#resend');
    await page.locator('#resend[aria-disabled="true"]', { hasText: '(' }).waitFor();
    expect(await text(page, '#resend')).toMatch(/^Send a new code \((\d+ s|\d:\d\d)\)$/);
    expect(await text(page, '#code-error')).toContain('The code in the last mail was not replaced');
    const before = await text(page, '#resend');
    await page.waitForTimeout(1100);
    expect(await text(page, '#resend'), 'the countdown moves').not.toBe(before);
    await shot('05-rate-limited-countdown-320');

    // The earlier code no longer works, the newest one does (pasted with a space, as mails show it).
    await page.fill('#code', `${second.code!.slice(0, 3)} ${second.code!.slice(3)}`);
    await page.press('#code', 'Enter');
    await page.locator('#step-account').waitFor();
    expect(await focused(page)).toBe('account-title');
    expect(await text(page, '#account-email')).toBe(email);
    expect((await context.cookies()).find((c) => c.name === 'session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    await shot('06-signed-in-320');

    await page.click('#log-out');
    await page.locator('#step-email:not([hidden])').waitFor();
    expect(await text(page, '#status')).toContain('logged out on this device');
    expect((await context.cookies()).find((c) => c.name === 'session')).toBeUndefined();
    await shot('07-logged-out-320');

    const mailPage = await context.newPage();
    await mailPage.goto(`${home(dev)}dev/mail`);
    expect(await mailPage.locator('.code').first().innerText()).toBe(second.code);
    await mailPage.screenshot({ path: `${SHOTS}/demo-08-dev-inbox.png`, fullPage: true });
    await context.close();
  });

  it('signs in with the code from a real SMTP sink, and logs out everywhere', async () => {
    const email = 'grace@example.com';
    const { context, page, shot } = await open(1280);
    await page.goto(home(smtp));
    await page.fill('#email', email);
    await page.click('#send');
    await page.locator('#step-code').waitFor();
    const mail = await smtp.mail.next(email, 30_000);
    expect(mail.text).toContain(await text(page, '#phrase'));
    await page.fill('#code', mail.code!);
    await page.click('#sign-in');
    await page.locator('#step-account').waitFor();
    expect(await text(page, '#account-email')).toBe(email);
    await shot('11-smtp-signed-in-1280');
    await page.click('#log-out-all');
    await page.locator('#step-email:not([hidden])').waitFor();
    expect(await text(page, '#status')).toContain('logged out on this device');
    await shot('12-smtp-logged-out-everywhere-1280');
    await context.close();
  });

  it('signs in by link: the mail’s link opens the page, which asks first; opening it consumes nothing', async () => {
    const email = 'linus@example.com';
    const { context, page, shot } = await open(320);
    await page.goto(home(dev));
    await page.fill('#email', email);
    await page.click('#send-link');
    await page.locator('#step-link-sent').waitFor();
    expect(await focused(page)).toBe('link-sent-title');
    const mail = await newest(dev, email, 1);
    expect(await text(page, '#link-phrase')).toBe(mail.phrase);
    await shot('21-link-sent-320');

    const link = new URL(mail.link!);
    expect(link.origin + link.pathname).toBe(home(dev));
    // What a mail scanner does: fetch the link. The page is static; nothing is consumed.
    expect((await fetch(link)).status).toBe(200);

    // The mail is opened in another tab (a fresh page load, as from a mail client).
    const tab = await context.newPage();
    await tab.goto(link.href);
    await tab.locator('#step-link').waitFor();
    expect(await tab.evaluate(() => document.activeElement?.id)).toBe('link-title');
    expect(await tab.locator('#link-account').innerText()).toBe(email); // remembered by this browser
    expect(tab.url(), 'the secret leaves the address bar at once').toBe(home(dev));
    await tab.screenshot({ path: `${SHOTS}/demo-22-link-opened-320.png`, fullPage: true });

    await tab.click('#link-sign-in');
    await tab.locator('#step-account').waitFor();
    expect(await tab.locator('#account-email').innerText()).toBe(email);
    await tab.screenshot({ path: `${SHOTS}/demo-23-link-signed-in-320.png`, fullPage: true });

    // The same link a second time, in another browser: used, so refused, with a way out.
    const other = await open(320);
    await other.page.goto(link.href);
    await other.page.locator('#step-link').waitFor();
    expect(await text(other.page, '#link-title')).toBe('Sign in with this link'); // not asked for in this browser
    await other.page.click('#link-sign-in');
    await other.page.locator('#link-error:not(:empty)').waitFor();
    expect(await text(other.page, '#link-error')).toContain('no longer works');
    expect(await focused(other.page)).toBe('link-cancel');
    expect(await other.page.isHidden('#link-sign-in')).toBe(true);
    await other.shot('24-link-used-320');
    await other.page.click('#link-cancel');
    await other.page.locator('#step-email:not([hidden])').waitFor();
    expect(await focused(other.page)).toBe('email');
    await Promise.all([context.close(), other.context.close()]);
  });

  it('GraphiQL opens gzipped with the login document and its variables', async () => {
    const { context, page } = await open(1280);
    const response = await page.goto(`${home(dev)}graphql`);
    expect((await response!.allHeaders())['content-encoding']).toBe('gzip');
    await page.locator('.graphiql-container').first().waitFor();
    await page.getByText('mutation SendCode($email: String!)').first().waitFor();
    await page.getByText('"email": "you@example.com"').first().waitFor();
    await page.screenshot({ path: `${SHOTS}/demo-31-graphiql-1280.png` });
    await context.close();
  });
});
