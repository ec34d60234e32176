import type { LoginCodeMail } from '../login-code-mail.js';
import type { MailStrings } from './strings.js';

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** What a mail's placeholders stand for. */
export interface Values {
  appName: string;
  code: string;
  minutes: string;
  phrase: string;
  client: string;
  os: string;
  ip: string;
}

export const placeholders = ['appName', 'code', 'minutes', 'phrase', 'client', 'os', 'ip'] as const;
export const isPlaceholder = (name: string): name is keyof Values => (placeholders as readonly string[]).includes(name);

export function valuesOf(mail: LoginCodeMail, appName: string, s: MailStrings): Values {
  return {
    appName,
    code: mail.code,
    minutes: String(mail.ttlMinutes),
    phrase: mail.phrase ?? '',
    client: mail.clientName ?? s.unknown.client,
    os: mail.osName ?? s.unknown.os,
    ip: mail.ip ?? s.unknown.ip,
  };
}

/** The built-in mail: plain text, and HTML with a table layout and inline styles (no images, fonts or tracking). */
export function renderBuiltIn(v: Values, s: MailStrings, lang: string, ttlMinutes: number, subject = s.subject(v)) {
  const who = s.requestedFrom(v);
  const lifetime = s.lifetime({ minutes: ttlMinutes });
  const text = [
    s.heading(v),
    '',
    s.intro,
    '',
    `    ${v.code}`,
    '',
    lifetime,
    ...(v.phrase ? ['', s.phrase, `    ${v.phrase}`] : []),
    '',
    who,
    s.notYou,
    '',
  ].join('\n');
  const p = (content: string, style = '') =>
    `<tr><td style="padding:0 32px 16px;font-size:15px;line-height:22px;color:#333333;${style}">${content}</td></tr>`;
  const html = `<!doctype html>
<html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:0;background:#f4f4f5;font-family:Helvetica,Arial,sans-serif;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f4f5;"><tr><td align="center" style="padding:24px 8px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:480px;background:#ffffff;border-radius:8px;">
<tr><td style="padding:32px 32px 16px;font-size:20px;font-weight:bold;color:#111111;">${escapeHtml(s.heading(v))}</td></tr>
${p(escapeHtml(s.intro))}
<tr><td align="center" style="padding:8px 32px 24px;"><div style="display:inline-block;font-family:'Courier New',Courier,monospace;font-size:36px;font-weight:bold;letter-spacing:8px;color:#111111;background:#f4f4f5;border-radius:6px;padding:12px 20px;">${escapeHtml(v.code)}</div></td></tr>
${p(escapeHtml(lifetime))}
${v.phrase ? p(`${escapeHtml(s.phrase)}<br><strong style="font-size:17px;">${escapeHtml(v.phrase)}</strong>`) : ''}
${p(`${escapeHtml(who)} ${escapeHtml(s.notYou)}`, 'font-size:13px;color:#666666;padding-bottom:32px;')}
</table></td></tr></table>
</body></html>
`;
  return { text, html };
}

