import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Asking, codeFor, linkFor, sendCode } from '../helpers/login.js';
import { type TestApp, startTestApp } from '../helpers/test-app.js';

/**
 * What each language's mail must say, written out here rather than read from the locale files
 * under test (a broken translation would otherwise agree with itself): Acme, a 15-minute code.
 */
const EXPECTED = {
  en: {
    subject: 'Your Acme login code',
    intro: 'Enter this code to finish logging in:',
    lifetime: 'The code works for 15 minutes and only once.',
    phrase: 'Security phrase — check that it matches the one on the login screen:',
    notYou: 'If this was not you, ignore this mail: nobody can log in without the code.',
  },
  de: {
    subject: 'Ihr Anmeldecode für Acme',
    intro: 'Geben Sie diesen Code ein, um die Anmeldung abzuschließen:',
    lifetime: 'Der Code ist 15 Minuten lang gültig und kann nur einmal verwendet werden.',
    phrase: 'Sicherheitsphrase – prüfen Sie, ob sie mit der auf der Anmeldeseite übereinstimmt:',
    notYou: 'Falls Sie das nicht waren, ignorieren Sie diese E-Mail einfach: Ohne den Code kann sich niemand anmelden.',
  },
  fr: {
    subject: 'Votre code de connexion à Acme',
    intro: 'Saisissez ce code pour terminer la connexion\u00a0:',
    lifetime: 'Ce code est valable 15 minutes et ne peut être utilisé qu’une seule fois.',
    phrase: 'Phrase de sécurité — vérifiez qu’elle correspond à celle affichée sur l’écran de connexion\u00a0:',
    notYou: 'Si vous n’êtes pas à l’origine de cette demande, ignorez ce message\u00a0: personne ne peut se connecter sans le code.',
  },
  es: {
    subject: 'Tu código de acceso a Acme',
    intro: 'Introduce este código para completar el inicio de sesión:',
    lifetime: 'El código es válido durante 15 minutos y solo se puede usar una vez.',
    phrase: 'Frase de seguridad — comprueba que coincide con la que aparece en la pantalla de inicio de sesión:',
    notYou: 'Si no has sido tú, ignora este correo: nadie puede iniciar sesión sin el código.',
  },
};
type Lang = keyof typeof EXPECTED;
const expected = (lang: Lang) => EXPECTED[lang];

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

let n = 0;
/** The mail of a new code for a new address, asked for as `asking` says. */
const mailIn = async (asking: Asking = {}) => (await codeFor(t, `lang${++n}@example.com`, asking)).mail;

describe('the language of the mail', () => {
  it.each(['en', 'de', 'fr', 'es'] as const)('is %s when Accept-Language prefers it', async (lang) => {
    const mail = await mailIn({ headers: { 'accept-language': `${lang}-XX,${lang};q=0.9,en;q=0.5` } });
    const want = expected(lang);
    expect(mail.subject).toBe(want.subject);
    expect(mail.text).toContain(want.intro);
    expect(mail.text).toContain(want.lifetime);
    expect(mail.text).toContain(want.notYou);
    expect(mail.html).toContain(`<html lang="${lang}">`);
    expect(mail.code).toMatch(/^\d{6}$/);
  });

  it.each(['en', 'de', 'fr', 'es'] as const)('is %s when the locale argument asks for it, whatever Accept-Language says', async (lang) => {
    const mail = await mailIn({ locale: lang.toUpperCase(), phrase: true, headers: { 'accept-language': 'ja, de;q=0.9, fr;q=0.8' } });
    const want = expected(lang);
    expect(mail.subject).toBe(want.subject);
    expect(mail.text).toContain(expected(lang).phrase);
    expect(mail.html).toContain(`<html lang="${lang}">`);
  });

  it('respects quality values, and falls back to English for * and for languages we do not have', async () => {
    expect((await mailIn({ headers: { 'accept-language': 'de;q=0.2, es;q=0.8' } })).subject).toBe(expected('es').subject);
    expect((await mailIn({ headers: { 'accept-language': '*' } })).subject).toBe(expected('en').subject);
    expect((await mailIn({ headers: { 'accept-language': 'ja, zh;q=0.5' } })).subject).toBe(expected('en').subject);
    expect((await mailIn({ locale: 'pt-BR', headers: { 'accept-language': 'fr' } })).subject).toBe(expected('fr').subject);
    expect((await mailIn({})).subject).toBe(expected('en').subject);
  });

  it('refuses a locale argument that is not a language tag', async () => {
    for (const locale of ['x'.repeat(36), 'de DE', '../en', 'de\n']) {
      const result = await sendCode(t, 'bad.locale@example.com', { locale });
      expect(result.__typename).toBe('ValidationError');
      expect(result.issues[0].path).toEqual(['locale']);
    }
  });
});

/** The link mail's own words, written out like EXPECTED: a 60-minute link to Acme. */
const EXPECTED_LINK = {
  en: {
    subject: 'Your Acme login link',
    intro: 'Click the button to finish logging in:',
    textIntro: 'Open this link to finish logging in:',
    button: 'Log in to Acme',
    plainLink: 'Or open this link in your browser:',
    lifetime: 'The link works for 60 minutes and only once.',
    notYou: 'If this was not you, ignore this mail: nobody can log in without the link.',
  },
  de: {
    subject: 'Ihr Anmeldelink für Acme',
    intro: 'Klicken Sie auf die Schaltfläche, um die Anmeldung abzuschließen:',
    textIntro: 'Öffnen Sie diesen Link, um die Anmeldung abzuschließen:',
    button: 'Bei Acme anmelden',
    plainLink: 'Oder öffnen Sie diesen Link in Ihrem Browser:',
    lifetime: 'Der Link ist 60 Minuten lang gültig und kann nur einmal verwendet werden.',
    notYou: 'Falls Sie das nicht waren, ignorieren Sie diese E-Mail einfach: Ohne den Link kann sich niemand anmelden.',
  },
  fr: {
    subject: 'Votre lien de connexion à Acme',
    intro: 'Cliquez sur le bouton pour terminer la connexion\u00a0:',
    textIntro: 'Ouvrez ce lien pour terminer la connexion\u00a0:',
    button: 'Se connecter à Acme',
    plainLink: 'Ou ouvrez ce lien dans votre navigateur\u00a0:',
    lifetime: 'Ce lien est valable 60 minutes et ne peut être utilisé qu’une seule fois.',
    notYou: 'Si vous n’êtes pas à l’origine de cette demande, ignorez ce message\u00a0: personne ne peut se connecter sans le lien.',
  },
  es: {
    subject: 'Tu enlace de acceso a Acme',
    intro: 'Pulsa el botón para completar el inicio de sesión:',
    textIntro: 'Abre este enlace para completar el inicio de sesión:',
    button: 'Iniciar sesión en Acme',
    plainLink: 'O abre este enlace en tu navegador:',
    lifetime: 'El enlace es válido durante 60 minutos y solo se puede usar una vez.',
    notYou: 'Si no has sido tú, ignora este correo: nadie puede iniciar sesión sin el enlace.',
  },
};

describe('the link mail', () => {
  it.each(['en', 'de', 'fr', 'es'] as const)('says it in %s: a button and the plain link, the phrase, who asked', async (lang) => {
    const { mail, token, link } = await linkFor(t, `link-${lang}@example.com`, {
      locale: lang,
      phrase: true,
      url: 'http://localhost:5173/callback',
      headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' },
    });
    const want = EXPECTED_LINK[lang];
    expect(mail.subject).toBe(want.subject);
    for (const line of [want.textIntro, want.lifetime, want.notYou, token.phrase, mail.link]) expect(mail.text).toContain(line);
    for (const line of [want.intro, want.plainLink, want.lifetime, want.notYou]) expect(mail.html).toContain(line);
    expect(mail.text).toContain(expected(lang).phrase);
    expect(mail.text).toContain('Firefox');
    expect(mail.text).not.toMatch(/^\s*\d{6,10}\s*$/m);
    expect(mail.html).toContain(`<html lang="${lang}">`);
    // The button and the plain link both carry the whole link, escaped for HTML.
    const href = `href="${link.toString().replaceAll('&', '&amp;')}"`;
    expect(mail.html.split(href)).toHaveLength(3);
    expect(mail.html).toContain(`>${want.button}</a>`);
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.headers.get('message-id')).toMatch(/@otpql\.test>$/);
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
    const token = await sendCode(custom, 'override@example.com', { phrase: true, headers: { 'user-agent': '<script>' } });
    const mail = await custom.mail.next('override@example.com');
    expect(mail.subject).toBe(`Acme sign-in: ${mail.code}`);
    expect(mail.text).toBe(`Hello from the operator.\n\n${mail.code}\n\nValid 15 min. Phrase: ${token.phrase}\n`);
    expect(mail.html).toContain(`<span>${mail.code}</span>`);
    expect(mail.html).not.toContain('<script>');
  });

  it('leave the other languages built in', async () => {
    const { mail } = await codeFor(custom, 'override.de@example.com', { locale: 'de' });
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
      const mail = await mailIn({ headers: { 'user-agent': ua } });
      expect(mail.text).toContain('Requested from ');
      expect(`${mail.text}${mail.html}`).not.toMatch(/evil|example\.com|555/);
    }
  });
});
