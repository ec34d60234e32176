import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase, onPostgres } from '../helpers/database.js';
import { CREATE_EMAIL_TOKEN, CREATE_SESSION } from '../helpers/login.js';
import { type MailSink, startMailSink } from '../helpers/mail-sink.js';
import { type ServerProcess, listeningUrl, spawnServer } from '../helpers/server-process.js';
import { TEST_AUTH_SECRET } from '../helpers/test-app.js';
import { eventually, sleep } from '../helpers/wait.js';

const OTP_TTL_SECONDS = 4;

// Two `npm start` processes on one PostgreSQL, each with its mail worker and its cleanup.
describe.skipIf(!onPostgres)('two server processes on one PostgreSQL', () => {
  let db: TestDatabase;
  let mail: MailSink;
  let a: ServerProcess;
  let b: ServerProcess;
  let urls: { a: string; b: string };
  const gql = async (url: string, query: string, variables: Record<string, unknown>) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    return (await res.json()).data as Record<string, Record<string, any>>;
  };
  const ask = async (url: string, email: string) => (await gql(url, CREATE_EMAIL_TOKEN, { userId: 'unique()', email })).createEmailToken!;
  /** Rows each process's cleanup deleted, from its log lines. */
  const cleanedCodes = () =>
    [a, b].map((p) =>
      p.output
        .split('\n')
        .filter((line) => line.includes('cleanup: removed expired rows'))
        .reduce((sum, line) => sum + (JSON.parse(line).loginCodes as number), 0),
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    mail = await startMailSink();
    const env = { DATABASE_URL: db.url!, AUTH_SECRET: TEST_AUTH_SECRET, SMTP_URL: mail.url, CLEANUP_INTERVAL_SECONDS: '1', OTP_TTL_SECONDS: String(OTP_TTL_SECONDS) };
    [a, b] = [spawnServer(env), spawnServer(env)];
    urls = { a: await listeningUrl(a), b: await listeningUrl(b) };
  }, 120_000);
  afterAll(async () => {
    a?.cleanUp();
    b?.cleanUp();
    await mail?.close();
    await db?.destroy();
  });

  it('behave as one service: a code asked on one works on the other, the cool-down holds across them, one mail per code, each expired code cleaned once', async () => {
    const token = await ask(urls.a, 'across@example.com');
    expect(token.__typename).toBe('Token');
    const code = (await mail.next('across@example.com')).code!;
    expect((await ask(urls.b, 'across@example.com')).__typename).toBe('RateLimitError');
    const session = (await gql(urls.b, CREATE_SESSION, { userId: token.userId, secret: code })).createSession!;
    expect(session.__typename).toBe('Session');
    expect((await gql(urls.a, CREATE_SESSION, { userId: token.userId, secret: code })).createSession!.__typename).toBe('InvalidTokenError');

    // Ten codes asked on either process, left unused: both workers are woken for each, one sends it.
    const emails = Array.from({ length: 10 }, (_, i) => `unused${i}@example.com`);
    for (const [i, email] of emails.entries()) expect((await ask(i % 2 ? urls.a : urls.b, email)).__typename).toBe('Token');
    for (const email of emails) await mail.next(email);
    await sleep(1000);
    expect(mail.messages.length).toBe(11);

    // Both cleanups run every second; each expired code is deleted by one of them, once.
    await eventually('the expired codes cleaned', () => cleanedCodes().reduce((x, y) => x + y) === emails.length, 20_000, 200);
    await sleep(2500);
    const [byA, byB] = cleanedCodes();
    console.info(`two processes: expired codes cleaned by A ${byA}, by B ${byB}`);
    expect(byA! + byB!).toBe(emails.length);
  }, 120_000);
});
