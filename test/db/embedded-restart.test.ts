import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { loadOrCreateAuthSecret } from '../../src/lib/auth-secret.js';
import { startMailSink } from '../helpers/mail-sink.js';
import { startTestApp } from '../helpers/test-app.js';
import { codeFor, CREATE_SESSION } from '../helpers/login.js';

const dataDir = mkdtempSync(join(tmpdir(), 'otpql-restart-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('embedded database', () => {
  it('keeps accounts and live codes across a restart', async () => {
    const mail = await startMailSink();
    const open = async () => {
      const database = await createDatabase({ kind: 'embedded', dataDir });
      await migrate(database);
      return { ...database, destroy: () => database.close() };
    };

    const first = await startTestApp({ db: await open(), mail });
    const { userId, code } = await codeFor(first, 'survivor@example.com');
    await first.close();
    await first.db.destroy();

    const second = await startTestApp({ db: await open(), mail });
    try {
      const session = (await second.gql(CREATE_SESSION, { userId, secret: code })).body.data!.createSession;
      expect(session).toMatchObject({ __typename: 'Session', userId });
    } finally {
      await second.close();
      await second.db.destroy();
      await mail.close();
    }
  }, 60_000);

  it('generates AUTH_SECRET once, keeps it with mode 0600, and reads it back', () => {
    const a = loadOrCreateAuthSecret(dataDir);
    const b = loadOrCreateAuthSecret(dataDir);
    expect(a.created).toBe(true);
    expect(b).toEqual({ secret: a.secret, created: false });
    expect(a.secret.length).toBeGreaterThanOrEqual(43);
    expect(statSync(join(dataDir, 'auth-secret')).mode & 0o777).toBe(0o600);
  });
});
