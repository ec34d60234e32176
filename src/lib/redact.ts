import { stdSerializers } from 'pino';

/**
 * An email address in free text: a quoted or plain local part, `@`, a domain or an address literal.
 * The local part stops at what cannot be in one unquoted (blanks, `<>()[]\,;:@"`), so the address in
 * `RCPT TO:<ada@example.com>` or `rfc822;ada@example.com` is found without its surroundings; any
 * other character counts, non-ASCII included (SMTPUTF8 addresses).
 */
const ADDRESS = /(?:"(?:[^"\\\r\n]|\\.)*"|[^\s<>()[\]\\,;:@"]+)@(\[[^\]\s]*\]|[^\s<>()[\]\\,;:@"'`]+)/gu;

/**
 * Replaces the local part of every email address in `text` with `…`, keeping the domain:
 * `550 5.1.1 <ada@example.com>: Recipient address rejected` → `550 5.1.1 <…@example.com>: …`.
 * SMTP servers echo the recipient in their replies, and the log promises the domain only.
 */
export function redactEmailAddresses(text: string): string {
  return text.replace(ADDRESS, '…@$1');
}

/**
 * Every string inside `value`, however deep, with its addresses redacted; errors first become
 * pino's plain serialised form (type, message, stack and every property the library attached, such
 * as nodemailer's `response`, `rejected` and `rejectedErrors[].recipient`).
 */
function redactDeep(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactEmailAddresses(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Error) return redactDeep(stdSerializers.err(value), seen);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, seen));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item, seen)]));
}

/** pino's `err` serializer, with every email address redacted from every field. */
export function redactedError(error: unknown): unknown {
  return redactDeep(error, new WeakSet());
}
