import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, createDatabase } from '../../src/db/client.js';
import { rowsOf } from '../helpers/database.js';
import { cleanupExpired } from '../../src/maintenance/cleanup.js';
import { onPostgres } from '../helpers/database.js';
import { CREATE_EMAIL_TOKEN, CREATE_SESSION, type GqlResponse, type TestApp, startTestApp } from '../helpers/test-app.js';
import { eventually } from '../helpers/wait.js';

const HOUR = 3600;

// Two transactions at once: PGlite has one connection, so PostgreSQL only.
describe.skipIf(!onPostgres)('createEmailToken while the cleanup deletes the same abandoned account', () => {
  let t: TestApp;
  let other: Database;
  beforeAll(async () => {
    t = await startTestApp({ env: { UNVERIFIED_ACCOUNT_TTL_SECONDS: String(HOUR) } });
    other = await createDatabase({ kind: 'postgres', url: t.db.url!, max: 1 });
  });
  afterAll(async () => {
    await other.close();
    await t.close();
  });

  const cleanupOn = (db: Database['db']) => cleanupExpired(db, { now: t.clock.now(), maxAttempts: 5, unverifiedAccountTtlSeconds: HOUR });

  /**
   * An account that asked for a code over an hour ago and never used it: the cleanup's to delete.
   * Its dead code is gone already (an earlier round), so a new code is a new row, checked against users.
   */
  async function abandoned(email: string): Promise<string> {
    const { userId } = await t.requestCode(email);
    t.clock.advance(901);
    expect(await cleanupOn(t.db.db)).toMatchObject({ loginCodes: 1, accounts: 0 });
    t.clock.advance(HOUR);
    return userId;
  }

  /** Whether some backend of the test database waits for a lock of one of these kinds (`transactionid`, `advisory` …). */
  async function someoneWaitsFor(...events: string[]): Promise<boolean> {
    const rows = rowsOf<{ n: number }>(
      await t.db.db.execute(
        sql`SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event IN ${sql.raw(`('${events.join("','")}')`)}`,
      ),
    );
    return rows[0]!.n > 0;
  }

  /** The code arrives and opens a session on the account createEmailToken answered with. */
  async function logsIn(email: string, res: GqlResponse) {
    const token = res.body.data?.createEmailToken;
    expect(token?.__typename).toBe('Token');
    const mail = await t.mail.next(email);
    const session = (await t.gql(CREATE_SESSION, { userId: token.userId, secret: mail.code })).body.data?.createSession;
    expect(session?.__typename).toBe('Session');
    return token.userId as string;
  }

  it('creates the account anew when the DELETE commits while the call waits on the deleted row', async () => {
    const email = 'deleted-first@example.com';
    const oldId = await abandoned(email);
    let pending: Promise<GqlResponse> | undefined;
    // The cleanup's DELETE, done and not yet committed on a second connection.
    await other.db.transaction(async (held) => {
      expect(await cleanupOn(held)).toMatchObject({ accounts: 1 });
      pending = t.gql(CREATE_EMAIL_TOKEN, { userId: 'unique()', email });
      // The new account's INSERT waits on the deleted row of the same email (its unique index).
      await eventually('createEmailToken to wait on the deleting transaction', () => someoneWaitsFor('transactionid'));
    });
    const newId = await logsIn(email, await pending!);
    expect(newId).not.toBe(oldId);
  });

  /**
   * Runs `during` while a createEmailToken for `email` is paused inside its statement, at an outbox
   * insert trigger (`BEFORE`: the code is inserted, its foreign key not yet checked; `AFTER`: checked,
   * so the account's row is held until the statement commits), then lets it finish.
   */
  async function whilePaused(when: 'BEFORE' | 'AFTER', email: string, during: () => Promise<void>): Promise<GqlResponse> {
    const holder = await other.sql!.reserve();
    await t.db.db.execute(
      sql.raw(`
        CREATE FUNCTION pause_outbox_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_advisory_lock(4242); PERFORM pg_advisory_unlock(4242); RETURN NEW; END $$;
        CREATE TRIGGER pause_outbox_insert ${when} INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION pause_outbox_insert();`),
    );
    try {
      await holder`SELECT pg_advisory_lock(4242)`;
      const pending = t.gql(CREATE_EMAIL_TOKEN, { userId: 'unique()', email });
      await eventually('createEmailToken to pause', () => someoneWaitsFor('advisory'));
      await during();
      await holder`SELECT pg_advisory_unlock(4242)`;
      return await pending;
    } finally {
      holder.release();
      await t.db.db.execute(sql.raw('DROP TRIGGER pause_outbox_insert ON outbox; DROP FUNCTION pause_outbox_insert();'));
    }
  }

  it('retries when the account is deleted between the call finding it and its code’s foreign-key check', async () => {
    const email = 'deleted-midway@example.com';
    const oldId = await abandoned(email);
    const res = await whilePaused('BEFORE', email, async () => {
      // Nothing holds the account's row yet: the cleanup deletes it and commits.
      expect(await cleanupOn(t.db.db)).toMatchObject({ accounts: 1 });
    });
    expect(await logsIn(email, res)).not.toBe(oldId);
  });

  it('leaves alone the account whose new code is being inserted', async () => {
    const email = 'in-use@example.com';
    const oldId = await abandoned(email);
    let cleaned: Promise<unknown> | undefined;
    const res = await whilePaused('AFTER', email, async () => {
      // The foreign-key check holds the row: the cleanup skips it rather than wait and delete the
      // account, and the code with it, once this login has been answered.
      cleaned = cleanupOn(t.db.db);
      await Promise.race([cleaned, eventually('the cleanup to wait', () => someoneWaitsFor('tuple', 'transactionid'))]);
    });
    expect(await cleaned).toMatchObject({ accounts: 0 });
    expect(await logsIn(email, res)).toBe(oldId);
  });
});
