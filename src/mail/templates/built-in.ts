import { type LoginMail, type LoginMailKind, kindOf } from '../login-mail.js';
import type { MailStrings } from './strings.js';

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** What a mail's placeholders stand for. */
export interface Values {
  appName: string;
  code: string;
  link: string;
  minutes: string;
  phrase: string;
  client: string;
  os: string;
  ip: string;
}

/** The placeholders each kind of mail may use: a code mail has no link, a link mail no code. */
export const PLACEHOLDERS: Record<LoginMailKind, readonly (keyof Values)[]> = {
  code: ['appName', 'code', 'minutes', 'phrase', 'client', 'os', 'ip'],
  link: ['appName', 'link', 'minutes', 'phrase', 'client', 'os', 'ip'],
};

export function valuesOf(mail: LoginMail, appName: string, s: MailStrings): Values {
  return {
    appName,
    code: mail.code,
    link: mail.link ?? '',
    minutes: String(mail.ttlMinutes),
    phrase: mail.phrase ?? '',
    client: mail.clientName ?? s.unknown.client,
    os: mail.osName ?? s.unknown.os,
    ip: mail.ip ?? s.unknown.ip,
  };
}

/** The built-in subject of the mail's kind. */
export const builtInSubject = (mail: LoginMail, v: Values, s: MailStrings) => (kindOf(mail) === 'link' ? s.link.subject(v) : s.subject(v));

/**
 * The built-in mail: plain text, and HTML with a table layout and inline styles (no images, fonts or
 * tracking). A code mail shows the code large; a link mail a button and the plain link under it.
 */
export function renderBuiltIn(mail: LoginMail, v: Values, s: MailStrings, lang: string, subject: string) {
  const link = kindOf(mail) === 'link';
  const who = s.requestedFrom(v);
  const intro = link ? s.link.intro : s.intro;
  const lifetime = (link ? s.link.lifetime : s.lifetime)({ minutes: mail.ttlMinutes });
  const notYou = link ? s.link.notYou : s.notYou;
  const text = [
    s.heading(v),
    '',
    link ? s.link.textIntro : intro,
    '',
    ...(link ? [`    ${v.link}`] : [`    ${v.code}`]),
    '',
    lifetime,
    ...(v.phrase ? ['', s.phrase, `    ${v.phrase}`] : []),
    '',
    who,
    notYou,
    '',
  ].join('\n');
  const p = (content: string, style = '') =>
    `<tr><td style="padding:0 32px 16px;font-size:15px;line-height:22px;color:#333333;${style}">${content}</td></tr>`;
  const action = link
    ? `<tr><td align="center" style="padding:8px 32px 24px;"><a href="${escapeHtml(v.link)}" style="display:inline-block;background:#111111;color:#ffffff;font-size:16px;font-weight:bold;text-decoration:none;border-radius:6px;padding:14px 28px;">${escapeHtml(s.link.button(v))}</a></td></tr>
${p(`${escapeHtml(s.link.plainLink)}<br><a href="${escapeHtml(v.link)}" style="color:#1a56db;word-break:break-all;">${escapeHtml(v.link)}</a>`, 'font-size:13px;')}`
    : `<tr><td align="center" style="padding:8px 32px 24px;"><div style="display:inline-block;font-family:'Courier New',Courier,monospace;font-size:36px;font-weight:bold;letter-spacing:8px;color:#111111;background:#f4f4f5;border-radius:6px;padding:12px 20px;">${escapeHtml(v.code)}</div></td></tr>`;
  const html = `<!doctype html>
<html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:0;background:#f4f4f5;font-family:Helvetica,Arial,sans-serif;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f4f5;"><tr><td align="center" style="padding:24px 8px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:480px;background:#ffffff;border-radius:8px;">
<tr><td style="padding:32px 32px 16px;font-size:20px;font-weight:bold;color:#111111;">${escapeHtml(s.heading(v))}</td></tr>
${p(escapeHtml(intro))}
${action}
${p(escapeHtml(lifetime))}
${v.phrase ? p(`${escapeHtml(s.phrase)}<br><strong style="font-size:17px;">${escapeHtml(v.phrase)}</strong>`) : ''}
${p(`${escapeHtml(who)} ${escapeHtml(notYou)}`, 'font-size:13px;color:#666666;padding-bottom:32px;')}
</table></td></tr></table>
</body></html>
`;
  return { text, html };
}
