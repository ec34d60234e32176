/**
 * The benchmark's mail sink, in its own process so that receiving mail does not steal the load
 * generator's CPU time. It speaks SMTP on one loopback port and answers queries over HTTP on another:
 *   GET /stats          → { received, withoutCode }
 *   GET /codes?from=N   → { next, codes: [[recipient, code], …] } for the mails received from index N on
 * The code is taken from the raw message with one regular expression (no MIME parsing): the first line
 * that is nothing but 6–10 digits (and blanks). Every message is recorded, a message without a code as such.
 *
 * Env: SINK_SMTP_PORT, SINK_HTTP_PORT (0 = any). Prints one JSON line {smtpPort, httpPort} when ready.
 */
import { createServer } from 'node:http';
import { SMTPServer } from 'smtp-server';

const CODE_LINE = /^[ \t]*(\d{6,10})[ \t]*\r?$/m;
const received: Array<[string, string | null]> = [];
let withoutCode = 0;

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  size: 256 * 1024,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const code = CODE_LINE.exec(Buffer.concat(chunks).toString('latin1'))?.[1] ?? null;
      if (!code) withoutCode++;
      for (const to of session.envelope.rcptTo) received.push([to.address.toLowerCase(), code]);
      callback();
    });
  },
});

const http = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  res.setHeader('content-type', 'application/json');
  if (url.pathname === '/stats') {
    res.end(JSON.stringify({ received: received.length, withoutCode }));
  } else if (url.pathname === '/codes') {
    const from = Math.max(0, Number(url.searchParams.get('from') ?? 0) || 0);
    res.end(JSON.stringify({ next: received.length, codes: received.slice(from) }));
  } else {
    res.statusCode = 404;
    res.end('{}');
  }
});

const listen = (server: { listen(port: number, host: string, cb: () => void): unknown }, port: number) =>
  new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

await listen(smtp, Number(process.env.SINK_SMTP_PORT ?? 0));
await listen(http, Number(process.env.SINK_HTTP_PORT ?? 0));
const portOf = (address: unknown) => (address as { port: number }).port;
console.log(JSON.stringify({ smtpPort: portOf(smtp.server.address()), httpPort: portOf(http.address()) }));

const stop = () => {
  http.close();
  smtp.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
