import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CapturedLog, captureLog } from '../helpers/log-capture.js';
import { type TestApp, startTestApp } from '../helpers/test-app.js';
import { codeFor, CREATE_EMAIL_TOKEN, CREATE_SESSION, login } from '../helpers/login.js';

let t: TestApp;
let log: CapturedLog;
beforeAll(async () => {
  log = captureLog('info');
  t = await startTestApp({ logger: log.logger, env: { RATE_LIMIT: 'on' } });
});
afterAll(() => t.close());

/** A database that refuses every new row of `table`: the statement fails as a real fault would. */
async function refuseRows(table: 'outbox' | 'sessions', during: () => Promise<void>) {
  await t.db.db.execute(sql.raw(`ALTER TABLE ${table} ADD CONSTRAINT test_refuse CHECK (false) NOT VALID`));
  try {
    await during();
  } finally {
    await t.db.db.execute(sql.raw(`ALTER TABLE ${table} DROP CONSTRAINT test_refuse`));
  }
}

describe('a database error in a login statement', () => {
  it('is logged with its query but without the parameters: no email, no code hash, no sealed mail', async () => {
    const { userId, code } = await codeFor(t, 'grace.hopper@example.com');
    await refuseRows('outbox', async () => {
      const res = await t.gql(CREATE_EMAIL_TOKEN, { userId: 'unique()', email: 'ada.lovelace@example.com' });
      expect(res.body.errors?.[0]?.message).toBe('Unexpected error.');
    });
    await refuseRows('sessions', async () => {
      const res = await t.gql(CREATE_SESSION, { userId, secret: code });
      expect(res.body.errors?.[0]?.message).toBe('Unexpected error.');
    });
    const errors = log.lines.filter((l) => l.msg === 'unexpected error');
    expect(errors).toHaveLength(2);
    const text = JSON.stringify(errors);
    // The statement is named, so the operator knows which one failed …
    expect(text).toContain('Failed query:');
    expect(text).toContain('params: (not logged)');
    // … but nothing of the person, the code or the mail it carried.
    for (const secret of ['ada.lovelace', 'grace.hopper', code, userId]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/[A-Za-z0-9_-]{60,}/); // no sealed payload, no hash, no credential
  });
});
