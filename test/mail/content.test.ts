import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MailStrings, loadLocales } from '../../src/mail/templates/strings.js';
import { type TestApp, startTestApp } from '../helpers/test-app.js';

const CREATE_EMAIL_TOKEN_IN = /* GraphQL */ `
  mutation ($email: String!, $locale: String, $phrase: Boolean) {
    createEmailToken(userId: "unique()", email: $email, locale: $locale, phrase: $phrase) {
      __typename
      ... on Token { userId phrase }
      ... on ValidationError { issues { path message } }
    }
  }`;

let t: TestApp;
let locales: Map<string, MailStrings>;
beforeAll(async () => {
  t = await startTestApp();
  locales = await loadLocales();
});
afterAll(() => t.close());

let n = 0;
async function mailIn(variables: { locale?: string; phrase?: boolean }, headers: Record<string, string> = {}) {
  const email = `lang${++n}@example.com`;
  const res = await t.gql(CREATE_EMAIL_TOKEN_IN, { email, ...variables }, headers);
  expect(res.body.data?.createEmailToken.__typename).toBe('Token');
  return t.mail.next(email);
}

/** What the mail must say in `lang`, from that language's own file. */
function expected(lang: string) {
  const s = locales.get(lang)!;
  return { subject: s.subject({ appName: 'Acme' }), intro: s.intro, lifetime: s.lifetime({ minutes: 15 }), notYou: s.notYou };
}

describe('the language of the mail', () => {
  it.each(['en', 'de', 'fr', 'es'])('is %s when Accept-Language prefers it', async (lang) => {
    const mail = await mailIn({}, { 'accept-language': `${lang}-XX,${lang};q=0.9,en;q=0.5` });
    const want = expected(lang);
    expect(mail.subject).toBe(want.subject);
    expect(mail.text).toContain(want.intro);
    expect(mail.text).toContain(want.lifetime);
    expect(mail.text).toContain(want.notYou);
    expect(mail.html).toContain(`<html lang="${lang}">`);
    expect(mail.code).toMatch(/^\d{6}$/);
  });

  it.each(['en', 'de', 'fr', 'es'])('is %s when the locale argument asks for it, whatever Accept-Language says', async (lang) => {
    const mail = await mailIn({ locale: lang.toUpperCase(), phrase: true }, { 'accept-language': 'ja, de;q=0.9, fr;q=0.8' });
    const want = expected(lang);
    expect(mail.subject).toBe(want.subject);
    expect(mail.text).toContain(locales.get(lang)!.phrase);
    expect(mail.html).toContain(`<html lang="${lang}">`);
  });

  it('respects quality values, and falls back to English for * and for languages we do not have', async () => {
    expect((await mailIn({}, { 'accept-language': 'de;q=0.2, es;q=0.8' })).subject).toBe(expected('es').subject);
    expect((await mailIn({}, { 'accept-language': '*' })).subject).toBe(expected('en').subject);
    expect((await mailIn({}, { 'accept-language': 'ja, zh;q=0.5' })).subject).toBe(expected('en').subject);
    expect((await mailIn({ locale: 'pt-BR' }, { 'accept-language': 'fr' })).subject).toBe(expected('fr').subject);
    expect((await mailIn({})).subject).toBe(expected('en').subject);
  });

  it('refuses a locale argument that is not a language tag', async () => {
    for (const locale of ['x'.repeat(36), 'de DE', '../en', 'de\n']) {
      const res = await t.gql(CREATE_EMAIL_TOKEN_IN, { email: 'bad.locale@example.com', locale });
      const result = res.body.data?.createEmailToken;
      expect(result.__typename).toBe('ValidationError');
      expect(result.issues[0].path).toEqual(['locale']);
    }
  });
});

describe('headers', () => {
  it('carry a Message-ID on the sender’s domain and Auto-Submitted, and no List-Unsubscribe', async () => {
    const mail = await mailIn({});
    expect(mail.headers.get('message-id')).toMatch(/^<[^<>@\s]+@otpql\.test>$/);
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.headers.has('list-unsubscribe')).toBe(false);
    const other = await mailIn({});
    expect(other.headers.get('message-id')).not.toBe(mail.headers.get('message-id'));
  });
});

describe('operator templates (MAIL_TEMPLATES_DIR)', () => {
  let dir: string;
  let custom: TestApp;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'otpql-override-'));
    mkdirSync(join(dir, 'en'));
    writeFileSync(join(dir, 'en', 'subject.txt'), '{{appName}} sign-in: {{code}}\n');
    writeFileSync(join(dir, 'en', 'text.txt'), 'Hello from the operator.\n\n{{code}}\n\nValid {{minutes}} min.{{#phrase}} Phrase: {{phrase}}{{/phrase}}\n');
    writeFileSync(join(dir, 'en', 'html.html'), '<p class="op">Operator mail for <b>{{client}}</b>: <span>{{code}}</span></p>\n');
    custom = await startTestApp({ env: { MAIL_TEMPLATES_DIR: dir } });
  });
  afterAll(async () => {
    await custom?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('replace the English mail end to end', async () => {
    const res = await custom.gql(CREATE_EMAIL_TOKEN_IN, { email: 'override@example.com', phrase: true }, { 'user-agent': '<script>' });
    const token = res.body.data?.createEmailToken;
    const mail = await custom.mail.next('override@example.com');
    expect(mail.subject).toBe(`Acme sign-in: ${mail.code}`);
    expect(mail.text).toBe(`Hello from the operator.\n\n${mail.code}\n\nValid 15 min. Phrase: ${token.phrase}\n`);
    expect(mail.html).toContain(`<span>${mail.code}</span>`);
    expect(mail.html).not.toContain('<script>');
  });

  it('leave the other languages built in', async () => {
    const res = await custom.gql(CREATE_EMAIL_TOKEN_IN, { email: 'override.de@example.com', locale: 'de' });
    expect(res.body.data?.createEmailToken.__typename).toBe('Token');
    const mail = await custom.mail.next('override.de@example.com');
    expect(mail.subject).toBe(expected('de').subject);
  });

  it('stop the start-up when broken, naming the file', async () => {
    writeFileSync(join(dir, 'en', 'text.txt'), 'No code here, {{nmae}}.\n');
    await expect(startTestApp({ env: { MAIL_TEMPLATES_DIR: dir } })).rejects.toThrow(/text\.txt.*unknown placeholder \{\{nmae\}\}/);
  });
});

describe('the device line', () => {
  it('carries no text the requester wrote into their User-Agent', async () => {
    const hostile = [
      'Mozilla/5.0 (Linux; Android 14.evil.example.com; K) Chrome/120.0.evil.example.com Safari/537.36',
      'Mozilla/5.0 (compatible; Konqueror/4.evil.example.com; Linux)',
      'Mozilla/5.0 (X11; Linux) Epiphany/Call 555-0100 evil.example.com',
      'Mozilla/5.0 (X11; Linux) (Ubuntu/22.04.evil.example.com)',
      'Mozilla/5.0 (X11; CrOS x86_64 14541.evil.example.com) Chrome/120.0',
    ];
    for (const ua of hostile) {
      const mail = await mailIn({}, { 'user-agent': ua });
      expect(mail.text).toContain('Requested from ');
      expect(`${mail.text}${mail.html}`).not.toMatch(/evil|example\.com|555/);
    }
  });
});
