import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, it, expect } from 'vitest';
import type { LoginMail } from '../../src/mail/login-mail.js';
import { loadLocales } from '../../src/mail/templates/strings.js';
import { createTemplates } from '../../src/mail/templates/templates.js';

const mail: LoginMail = {
  link: null,
  to: 'ada@example.com',
  code: '482913',
  phrase: 'amber falcon river',
  ttlMinutes: 10,
  locale: 'en',
  clientName: 'Firefox',
  osName: 'Linux',
  ip: '203.0.113.7',
};

const scratch = mkdtempSync(join(tmpdir(), 'otpql-templates-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let dirs = 0;

/** A fresh override directory holding `files` (path relative to it → content). */
function overrideDir(files: Record<string, string>): string {
  const dir = join(scratch, `overrides-${++dirs}`);
  mkdirSync(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

describe('built-in login mail', () => {
  it.each([
    {
      locale: 'en',
      subject: 'Your Acme login code',
      lifetime: 'The code works for 10 minutes and only once.',
      one: 'The code works for 1 minute and only once.',
      phrase: 'Security phrase — check that it matches the one on the login screen:',
      from: 'Requested from Firefox on Linux, IP 203.0.113.7.',
    },
    {
      locale: 'de',
      subject: 'Ihr Anmeldecode für Acme',
      lifetime: 'Der Code ist 10 Minuten lang gültig und kann nur einmal verwendet werden.',
      one: 'Der Code ist 1 Minute lang gültig',
      phrase: 'Sicherheitsphrase – prüfen Sie, ob sie mit der auf der Anmeldeseite übereinstimmt:',
      from: 'Angefordert mit Firefox unter Linux, IP-Adresse 203.0.113.7.',
    },
    {
      locale: 'fr',
      subject: 'Votre code de connexion à Acme',
      lifetime: 'Ce code est valable 10 minutes et ne peut être utilisé qu’une seule fois.',
      one: 'Ce code est valable 1 minute et',
      phrase: 'Phrase de sécurité — vérifiez qu’elle correspond à celle affichée sur l’écran de connexion\u00a0:',
      from: 'Demande effectuée depuis Firefox sous Linux, adresse IP 203.0.113.7.',
    },
    {
      locale: 'es',
      subject: 'Tu código de acceso a Acme',
      lifetime: 'El código es válido durante 10 minutos y solo se puede usar una vez.',
      one: 'El código es válido durante 1 minuto y',
      phrase: 'Frase de seguridad — comprueba que coincide con la que aparece en la pantalla de inicio de sesión:',
      from: 'Solicitado desde Firefox en Linux, IP 203.0.113.7.',
    },
  ])('speaks $locale in subject, text and HTML', async ({ locale, subject, lifetime, one, phrase, from }) => {
    const templates = await createTemplates({ appName: 'Acme' });
    const out = templates.render({ ...mail, locale });
    expect(out.to).toBe('ada@example.com');
    expect(out.subject).toBe(subject);
    for (const part of [out.text, out.html]) {
      expect(part).toContain(lifetime);
      expect(part).toContain(from);
      expect(part).toContain('amber falcon river');
      expect(part).toContain('482913');
    }
    expect(out.text).toContain(phrase);
    expect(out.html).toContain(`<html lang="${locale}">`);
    expect(templates.render({ ...mail, locale, ttlMinutes: 1 }).text).toContain(one);
  });

  it('ships English, German, French and Spanish, and falls back to English for the rest', async () => {
    const templates = await createTemplates({ appName: 'Acme' });
    expect(templates.locales).toEqual(['de', 'en', 'es', 'fr']);
    expect(templates.render({ ...mail, locale: 'de-AT' }).subject).toBe('Ihr Anmeldecode für Acme');
    expect(templates.render({ ...mail, locale: 'ja' }).subject).toBe('Your Acme login code');
    expect(templates.render({ ...mail, locale: null }).subject).toBe('Your Acme login code');
  });

  it('leaves the phrase out when there is none and words unknown devices in the language of the mail', async () => {
    const templates = await createTemplates({ appName: 'Acme' });
    const out = templates.render({ ...mail, locale: 'de', phrase: null, clientName: null, osName: null, ip: null });
    expect(out.text).not.toContain('Sicherheitsphrase');
    expect(out.html).not.toContain('Sicherheitsphrase');
    expect(out.text).toContain('Angefordert mit einem unbekannten Browser unter einem unbekannten System, IP-Adresse unbekannt.');
  });

  it('keeps the HTML self-contained, with the code in its own large element', async () => {
    const { html } = (await createTemplates({ appName: 'Acme' })).render(mail);
    expect(html).not.toMatch(/<img|<link|<script|url\(|https?:/i);
    expect(html).toMatch(/<div style="[^"]*font-size:36px[^"]*">482913<\/div>/);
    expect(html).toContain('<table role="presentation"');
  });

  it('escapes what the client sent in the HTML part', async () => {
    const out = (await createTemplates({ appName: 'Acme' })).render({ ...mail, clientName: '<b>Evil</b> & Co' });
    expect(out.html).toContain('&lt;b&gt;Evil&lt;/b&gt; &amp; Co');
    expect(out.html).not.toContain('<b>Evil');
  });

  it('writes this English text part', async () => {
    const { text } = (await createTemplates({ appName: 'Acme' })).render(mail);
    expect(text).toMatchInlineSnapshot(`
      "Log in to Acme

      Enter this code to finish logging in:

          482913

      The code works for 10 minutes and only once.

      Security phrase — check that it matches the one on the login screen:
          amber falcon river

      Requested from Firefox on Linux, IP 203.0.113.7.
      If this was not you, ignore this mail: nobody can log in without the code.
      "
    `);
  });
});

describe('operator overrides (MAIL_TEMPLATES_DIR)', () => {
  const english = {
    'en/subject.txt': '{{appName}}: code {{code}}\n',
    'en/text.txt': 'Code: {{ code }} ({{minutes}} min){{#phrase}}\nPhrase: {{phrase}}{{/phrase}}\nFrom {{client}}/{{os}}/{{ip}}\n',
    'en/html.html': '<p>{{code}}</p>{{#phrase}}<p>{{phrase}}</p>{{/phrase}}<p>{{client}} on {{os}}</p>',
  };

  it('replace the English mail while the other languages keep theirs', async () => {
    const templates = await createTemplates({ appName: 'Acme', dir: overrideDir(english) });
    const out = templates.render(mail);
    expect(out.subject).toBe('Acme: code 482913');
    expect(out.text).toBe('Code: 482913 (10 min)\nPhrase: amber falcon river\nFrom Firefox/Linux/203.0.113.7\n');
    expect(out.html).toBe('<p>482913</p><p>amber falcon river</p><p>Firefox on Linux</p>');
    expect(templates.render({ ...mail, locale: 'de' }).subject).toBe('Ihr Anmeldecode für Acme');
  });

  it('drop the phrase block when there is no phrase, and fill unknown values with the language’s words', async () => {
    const templates = await createTemplates({ appName: 'Acme', dir: overrideDir(english) });
    const out = templates.render({ ...mail, phrase: null, ip: null });
    expect(out.text).toBe('Code: 482913 (10 min)\nFrom Firefox/Linux/unknown\n');
  });

  it('may replace a single part: the rest stays built in', async () => {
    const templates = await createTemplates({ appName: 'Acme', dir: overrideDir({ 'FR/subject.txt': 'Code {{code}}' }) });
    const out = templates.render({ ...mail, locale: 'fr' });
    expect(out.subject).toBe('Code 482913');
    expect(out.text).toContain('Ce code est valable 10 minutes');
    expect(out.html).toContain('<title>Code 482913</title>');
  });

  it('HTML-escape values in html.html but not in text.txt', async () => {
    const dir = overrideDir({ 'en/html.html': '<p>{{code}} {{client}} {{phrase}}</p>', 'en/text.txt': '{{code}} {{client}}' });
    const out = (await createTemplates({ appName: 'Acme', dir })).render({
      ...mail,
      clientName: '<img src=x onerror="alert(1)">',
      phrase: "Tom & Jerry's",
    });
    expect(out.html).toBe('<p>482913 &lt;img src=x onerror=&quot;alert(1)&quot;&gt; Tom &amp; Jerry&#39;s</p>');
    expect(out.text).toBe('482913 <img src=x onerror="alert(1)">');
  });

  it('replace the link mail with link-*.txt and link-html.html, the code mail staying as it is', async () => {
    const dir = overrideDir({
      'en/link-subject.txt': 'Sign in to {{appName}}',
      'en/link-text.txt': 'Open {{link}} ({{minutes}} min)',
      'en/link-html.html': '<a href="{{link}}">Sign in</a>',
    });
    const templates = await createTemplates({ appName: 'Acme', dir });
    const link = 'https://app.example.com/auth?userId=u1&secret=s&expire=e';
    const out = templates.render({ ...mail, code: '', link, ttlMinutes: 60 });
    expect(out.subject).toBe('Sign in to Acme');
    expect(out.text).toBe(`Open ${link} (60 min)`);
    expect(out.html).toBe(`<a href="${link.replaceAll('&', '&amp;')}">Sign in</a>`);
    expect(templates.render(mail).subject).toBe('Your Acme login code');
  });

  it.each<{ files: Record<string, string>; file: string; problem: string }>([
    { files: { 'en/link-text.txt': 'Your code: {{code}}' }, file: 'en/link-text.txt', problem: 'unknown placeholder {{code}}' },
    { files: { 'en/link-html.html': '<p>{{appName}}</p>' }, file: 'en/link-html.html', problem: '{{link}} is missing' },
    { files: { 'en/text.txt': '{{code}} {{link}}' }, file: 'en/text.txt', problem: 'unknown placeholder {{link}}' },
    { files: { 'en/text.txt': 'Code {{code}}\nfrom {{browser}}' }, file: 'en/text.txt', problem: 'line 2: unknown placeholder {{browser}}' },
    { files: { 'en/html.html': '{{code}}\n{{#phrase}}<p>{{phrase}}</p>' }, file: 'en/html.html', problem: 'line 2: {{#phrase}} is never closed' },
    { files: { 'en/text.txt': '{{code}} {{/phrase}}' }, file: 'en/text.txt', problem: '{{/phrase}} without a matching {{#phrase}}' },
    { files: { 'en/text.txt': '{{code}} {{#ip}}x{{/ip}}' }, file: 'en/text.txt', problem: 'unknown block {{#ip}}' },
    { files: { 'en/text.txt': '{{code}} {{phrase' }, file: 'en/text.txt', problem: '"{{" without a closing "}}"' },
    { files: { 'en/text.txt': 'Your phrase: {{phrase}}' }, file: 'en/text.txt', problem: '{{code}} is missing' },
    { files: { 'en/subject.txt': '  \n' }, file: 'en/subject.txt', problem: 'the subject is empty' },
    { files: { 'en/body.txt': '{{code}}' }, file: 'en/body.txt', problem: 'unexpected file' },
    { files: { 'it/text.txt': '{{code}}' }, file: 'it', problem: 'unknown language "it"' },
    { files: { 'en/text.txt/oops': '' }, file: 'en/text.txt', problem: 'cannot read it' },
  ])('fail at start-up naming the file: $problem', async ({ files, file, problem }) => {
    const dir = overrideDir(files);
    const attempt = createTemplates({ appName: 'Acme', dir });
    await expect(attempt).rejects.toThrow(join(dir, file));
    await expect(attempt).rejects.toThrow(problem);
  });

  it('fail at start-up when the directory does not exist', async () => {
    const dir = join(scratch, 'nowhere');
    await expect(createTemplates({ appName: 'Acme', dir })).rejects.toThrow(`Mail templates directory ${dir}: cannot read it`);
  });
});

describe('loadLocales', () => {
  it('finds a new language from its file alone', async () => {
    const dir = overrideDir({
      'package.json': '{ "type": "module" }',
      'en.js': `export default {
        subject: () => 'S', heading: () => 'H', intro: 'I', lifetime: () => 'L', phrase: 'P',
        requestedFrom: () => 'R', notYou: 'N', unknown: { client: 'c', os: 'o', ip: 'i' },
        link: { subject: () => 'LS', intro: 'LI', textIntro: 'LT', button: () => 'LB', plainLink: 'LP', lifetime: () => 'LL', notYou: 'LN' },
      };`,
      'it.js': `import en from './en.js'; export default { ...en, subject: ({ appName }) => 'Il tuo codice di accesso a ' + appName };`,
    });
    const locales = await loadLocales(pathToFileURL(`${dir}/`));
    expect([...locales.keys()]).toEqual(['en', 'it']);
    expect(locales.get('it')!.subject({ appName: 'Acme' })).toBe('Il tuo codice di accesso a Acme');
  });

  it('rejects a language file that lacks strings, naming it', async () => {
    const dir = overrideDir({ 'package.json': '{ "type": "module" }', 'en.js': 'export default { intro: "Hi" };' });
    await expect(loadLocales(pathToFileURL(`${dir}/`))).rejects.toThrow(`Mail locale ${join(dir, 'en.js')}: "subject" must be a function`);
  });

  it('rejects a language file without the link mail’s strings, naming the missing one', async () => {
    const dir = overrideDir({
      'package.json': '{ "type": "module" }',
      'en.js': `export default {
        subject: () => 'S', heading: () => 'H', intro: 'I', lifetime: () => 'L', phrase: 'P',
        requestedFrom: () => 'R', notYou: 'N', unknown: { client: 'c', os: 'o', ip: 'i' },
        link: { subject: () => 'LS', intro: 'LI', textIntro: 'LT', plainLink: 'LP', lifetime: () => 'LL', notYou: 'LN' },
      };`,
    });
    await expect(loadLocales(pathToFileURL(`${dir}/`))).rejects.toThrow(`Mail locale ${join(dir, 'en.js')}: "link.button" must be a function`);
  });
});
