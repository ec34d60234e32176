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

/** What the log and the metrics may show of one address: its domain, lower-cased. */
export const emailDomain = (address: string) => address.slice(address.lastIndexOf('@') + 1).trim().toLowerCase();

/**
 * drizzle's error message lists the failed query's parameters: emails, code hashes, the sealed mail.
 * The query text stays (it names the statement); the values go.
 */
function withoutQueryParameters(text: string): string {
  // In the message, and in the stack, which repeats the message before its first frame.
  return text.includes('Failed query: ') ? text.replace(/(\nparams: )[\s\S]*?(?=\n {4}at |$)/g, '$1(not logged)') : text;
}

/**
 * Every string inside `value`, however deep, with its addresses redacted; errors first become
 * pino's plain serialised form (type, message, stack and every property the library attached, such
 * as nodemailer's `response`, `rejected` and `rejectedErrors[].recipient`).
 */
function redactDeep(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactEmailAddresses(withoutQueryParameters(value));
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Error) return redactDeep(stdSerializers.err(value), seen);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, seen));
  const entries = Object.entries(value)
    // drizzle's error also carries the parameters as a property of their own.
    .filter(([key]) => !(key === 'params' && 'query' in value))
    .map(([key, item]) => [key, redactDeep(item, seen)]);
  return Object.fromEntries(entries);
}

/** pino's `err` serializer, with every email address redacted from every field and no query parameters. */
export function redactedError(error: unknown): unknown {
  return redactDeep(error, new WeakSet());
}
