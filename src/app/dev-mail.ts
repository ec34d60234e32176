import { createHash } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import type { DevInbox, DevMail } from '../mail/dev-inbox.js';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const CSS = `body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:1rem auto;padding:0 1rem;color-scheme:light dark}
article{border:1px solid #8886;border-radius:.5rem;padding:.75rem 1rem;margin:1rem 0}
.meta{color:#888;font-size:.875rem;margin:0;overflow-wrap:anywhere}
.code{font:700 2.5rem/1.2 ui-monospace,monospace;letter-spacing:.15em;margin:.25rem 0}
.phrase{font-weight:700}
a{overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.875rem;margin:.5rem 0 0}`;
// The page has no script and only this style, so its CSP allows nothing else.
const CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

function mailHtml(mail: DevMail): string {
  return `<article>
<p class="meta">To <strong>${escapeHtml(mail.to)}</strong> · <time datetime="${escapeHtml(mail.time)}">${escapeHtml(mail.time)}</time></p>
<h2>${escapeHtml(mail.subject)}</h2>
${mail.code ? `<p class="code" aria-label="Code">${escapeHtml(mail.code)}</p>` : ''}
${mail.link ? `<p><a href="${escapeHtml(mail.link)}" rel="noreferrer">Open the login link</a></p>` : ''}
${mail.phrase ? `<p>Security phrase: <span class="phrase">${escapeHtml(mail.phrase)}</span></p>` : ''}
<details><summary>Text of the mail</summary><pre>${escapeHtml(mail.text)}</pre></details>
</article>`;
}

function inboxHtml(mails: DevMail[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="5"><meta name="referrer" content="no-referrer">
<title>Development inbox (${mails.length})</title><style>${CSS}</style></head>
<body><h1>Development inbox</h1>
<p class="meta">The last ${mails.length} of at most 100 mails this server did not send (no SMTP_URL), newest first. This page reloads every 5 seconds; <a href="mail.json">mail.json</a> has the same for tests.</p>
${mails.length ? mails.map(mailHtml).join('\n') : '<p>No mail yet: ask for a code.</p>'}
</body></html>`;
}

/**
 * /dev/mail (HTML) and /dev/mail.json: the development mailer's last mails, newest first. Mounted
 * only with that mailer outside production; anywhere else the paths do not exist (404).
 */
export function useDevInbox(inbox: DevInbox): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      // OPTIONS goes on to the CORS plugin: an allowlisted page's preflight gets its answer there.
      if ((url.pathname !== '/dev/mail' && url.pathname !== '/dev/mail.json') || request.method === 'OPTIONS') return;
      const noStore = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return endResponse(new fetchAPI.Response(null, { status: 405, headers: { allow: 'GET, HEAD', ...noStore } }));
      }
      const mails = inbox.list();
      endResponse(
        url.pathname === '/dev/mail.json'
          ? new fetchAPI.Response(JSON.stringify({ mails }), { headers: { 'content-type': 'application/json; charset=utf-8', ...noStore } })
          : new fetchAPI.Response(inboxHtml(mails), {
              headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP, ...noStore },
            }),
      );
    },
  };
}
