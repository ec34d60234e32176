import { stdSerializers } from 'pino';
import { describe, expect, it } from 'vitest';
import { redactEmailAddresses, redactedError } from '../../src/lib/redact.js';
import { createSmtpMailer } from '../../src/mail/mailer.js';
import { startMailSink } from '../helpers/mail-sink.js';

describe('redactEmailAddresses', () => {
  it.each([
    ['550 5.1.1 <ada@example.com>: Recipient address rejected: User unknown', '550 5.1.1 <…@example.com>: Recipient address rejected: User unknown'],
    ['550 5.1.1 ada.lovelace+login@mail.example.co.uk... User unknown', '550 5.1.1 …@mail.example.co.uk... User unknown'],
    ['RCPT TO:<Ada_L@Example.COM> NOTIFY=NEVER', 'RCPT TO:<…@Example.COM> NOTIFY=NEVER'],
    ['ORCPT=rfc822;ada@example.com', 'ORCPT=rfc822;…@example.com'],
    ['452 4.2.2 "ada lovelace"@example.com: mailbox full', '452 4.2.2 …@example.com: mailbox full'],
    ['550 <josé.müller@bücher.example> unknown', '550 <…@bücher.example> unknown'],
    ['550 no such user (ada@[192.0.2.7])', '550 no such user (…@[192.0.2.7])'],
    ["550 o'brien@example.com, ada@example.org; bob@example.net", '550 …@example.com, …@example.org; …@example.net'],
    ['mailto:ada@example.com', 'mailto:…@example.com'],
  ])('%s', (reply, redacted) => {
    expect(redactEmailAddresses(reply)).toBe(redacted);
  });

  it('leaves text without an address alone', () => {
    for (const text of ['421 4.7.0 Try again later', 'connect ECONNREFUSED 127.0.0.1:25', 'a lone @ sign', 'user@ example.com', '']) {
      expect(redactEmailAddresses(text)).toBe(text);
    }
  });
});

describe('redactedError', () => {
  it('leaves no address in any field of a real nodemailer rejection', async () => {
    const sink = await startMailSink();
    const mailer = createSmtpMailer(sink.url, 'otpql <login@otpql.test>', 1);
    try {
      sink.reject(550, { atRecipient: true, message: (to) => `5.1.1 <${to}>: Recipient address rejected` });
      const error = await mailer.send({ to: 'ada.lovelace@example.com', subject: 's', text: 't', html: '<p>t</p>' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      // What pino would log without it: the address in the message, the reply, the stack and the
      // rejected recipients nodemailer attaches.
      const plain = JSON.stringify(stdSerializers.err(error as Error));
      expect(plain).toContain('ada.lovelace@example.com');
      expect(plain).toContain('rejectedErrors');

      const redacted = JSON.stringify(redactedError(error));
      expect(redacted).not.toContain('ada.lovelace');
      expect(redacted).toContain('<…@example.com>: Recipient address rejected');
      expect(redactedError(error)).toMatchObject({ responseCode: 550, command: 'RCPT TO', rejected: ['…@example.com'] });
    } finally {
      mailer.close();
      await sink.close();
    }
  });

  it('walks nested values and survives cycles', () => {
    const looped: Record<string, unknown> = { to: 'ada@example.com' };
    looped.self = looped;
    expect(redactedError({ list: [looped], n: 1, none: null })).toEqual({ list: [{ to: '…@example.com', self: '[Circular]' }], n: 1, none: null });
  });
});
