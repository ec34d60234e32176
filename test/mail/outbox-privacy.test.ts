import { execFileSync } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../helpers/database.js';
import type { SealedLoginMail } from '../../src/mail/login-mail.js';
import { createSealedBox } from '../../src/lib/sealed-box.js';
import { onPostgres } from '../helpers/database.js';
import { TEST_AUTH_SECRET, type TestApp, startTestApp } from '../helpers/test-app.js';
import { CREATE_EMAIL_TOKEN } from '../helpers/login.js';

let t: TestApp;
// No worker: the message waits in the outbox while the dump is taken. Ten digits, so that a code
// showing up in binary data by chance is out of the question.
beforeAll(async () => {
  t = await startTestApp({ worker: false, env: { OTP_LENGTH: '10' } });
});
afterAll(() => t.close());

/** Everything the database holds, as one string: what a stolen backup would show. */
async function dump(): Promise<string> {
  if (t.db.pglite) {
    await t.db.pglite.exec('CHECKPOINT');
    return Buffer.from(await (await t.db.pglite.dumpDataDir('none')).arrayBuffer()).toString('latin1');
  }
  return execFileSync('pg_dump', ['--no-owner', t.db.url!], { encoding: 'latin1', maxBuffer: 64 << 20 });
}

describe('a database dump taken while a message waits', () => {
  it('holds the queued message but not its code', async () => {
    const email = 'dumped@example.com';
    const res = await t.gql(CREATE_EMAIL_TOKEN, { userId: 'unique()', email, phrase: true });
    expect(res.body.data?.createEmailToken.__typename).toBe('Token');

    const [row] = rowsOf<{ payload: string; status: string }>(await t.db.db.execute(sql`SELECT payload, status FROM outbox`));
    expect(row!.status).toBe('queued');
    // The payload opens with AUTH_SECRET's key, and only with it.
    const mail = createSealedBox(TEST_AUTH_SECRET, 'outbox').open<SealedLoginMail>(row!.payload);
    expect(mail.code).toMatch(/^\d{10}$/);
    expect(() => createSealedBox(`${TEST_AUTH_SECRET}-other`, 'outbox').open(row!.payload)).toThrow();

    const everything = await dump();
    console.info(`dump (${onPostgres ? 'pg_dump' : 'PGlite data directory'}): ${Math.round(everything.length / 1024)} kB`);
    expect(everything).toContain(email); // the dump does hold the outbox row…
    expect(everything).toContain(row!.payload.slice(0, 40));
    expect(everything).not.toContain(mail.code); // …but not the code
  });
});
