import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/app/config.js';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('loadConfig', () => {
  it('has working defaults: embedded database, log mailer, port 4000', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.database).toEqual({ kind: 'embedded', dataDir: './.data' });
    expect(config.mail.smtpUrl).toBeUndefined();
    expect(config.otp).toEqual({ length: 6, ttlSeconds: 900, maxAttempts: 5 });
    expect(config.session.ttlSeconds).toBe(31_536_000);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '', SMTP_URL: '' }).port).toBe(4000);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({ PORT: 'x', OTP_LENGTH: '5', OTP_TTL_SECONDS: '86401', LOG_LEVEL: 'loud', SMTP_URL: 'http://x' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['LOG_LEVEL', 'OTP_LENGTH', 'OTP_TTL_SECONDS', 'PORT', 'SMTP_URL']);
  });

  it('requires AUTH_SECRET with DATABASE_URL, and never echoes secrets', () => {
    expect(problemsOf({ DATABASE_URL: 'postgres://u:pw@h/db' })).toEqual([expect.stringMatching(/^AUTH_SECRET: required/)]);
    const problems = problemsOf({ AUTH_SECRET: 'too-short-secret', DATABASE_URL: 'mysql://u:hunter2@h/db' });
    expect(problems.join('\n')).not.toMatch(/too-short-secret|hunter2/);
    expect(problems).toHaveLength(2);
  });

  it('turns GraphiQL and introspection off in production unless the operator turns them on', () => {
    expect(loadConfig({})).toMatchObject({ production: false, graphiql: true, introspection: true });
    expect(loadConfig({ NODE_ENV: 'production' })).toMatchObject({ production: true, graphiql: false, introspection: false });
    expect(loadConfig({ NODE_ENV: 'production', GRAPHIQL: 'on' })).toMatchObject({ graphiql: true, introspection: false });
    expect(loadConfig({ NODE_ENV: 'production', INTROSPECTION: 'on' })).toMatchObject({ graphiql: false, introspection: true });
    expect(loadConfig({ GRAPHIQL: 'off', INTROSPECTION: 'off' })).toMatchObject({ graphiql: false, introspection: false });
    expect(problemsOf({ GRAPHIQL: 'yes' })).toEqual([expect.stringMatching(/^GRAPHIQL:/)]);
  });

  it('bounds database waits and the shutdown by default, and takes other bounds', () => {
    expect(loadConfig({})).toMatchObject({
      databaseTimeouts: { statementMs: 5000, lockMs: 2000, idleInTransactionMs: 10_000, connectSeconds: 3 },
      shutdownTimeoutSeconds: 10,
    });
    const custom = loadConfig({
      DATABASE_STATEMENT_TIMEOUT_MS: '0',
      DATABASE_LOCK_TIMEOUT_MS: '500',
      DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '60000',
      DATABASE_CONNECT_TIMEOUT_SECONDS: '1',
      SHUTDOWN_TIMEOUT_SECONDS: '30',
    });
    expect(custom).toMatchObject({
      databaseTimeouts: { statementMs: 0, lockMs: 500, idleInTransactionMs: 60_000, connectSeconds: 1 },
      shutdownTimeoutSeconds: 30,
    });
    const problems = problemsOf({ DATABASE_LOCK_TIMEOUT_MS: '-1', DATABASE_CONNECT_TIMEOUT_SECONDS: '0', SHUTDOWN_TIMEOUT_SECONDS: '0' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_CONNECT_TIMEOUT_SECONDS', 'DATABASE_LOCK_TIMEOUT_MS', 'SHUTDOWN_TIMEOUT_SECONDS']);
  });

  it('opens 10 SMTP connections per worker unless told otherwise (1–100)', () => {
    expect(loadConfig({}).mail.smtpMaxConnections).toBe(10);
    expect(loadConfig({ SMTP_MAX_CONNECTIONS: '3' }).mail.smtpMaxConnections).toBe(3);
    expect(problemsOf({ SMTP_MAX_CONNECTIONS: '0' })).toHaveLength(1);
    expect(problemsOf({ SMTP_MAX_CONNECTIONS: '101' })).toHaveLength(1);
  });

  it('deletes accounts never verified after 7 days unless told otherwise (an hour to 10 years)', () => {
    expect(loadConfig({}).unverifiedAccountTtlSeconds).toBe(604_800);
    expect(loadConfig({ UNVERIFIED_ACCOUNT_TTL_SECONDS: '3600' }).unverifiedAccountTtlSeconds).toBe(3600);
    expect(problemsOf({ UNVERIFIED_ACCOUNT_TTL_SECONDS: '3599' })).toHaveLength(1);
    expect(problemsOf({ UNVERIFIED_ACCOUNT_TTL_SECONDS: String(10 * 365 * 86_400 + 1) })).toHaveLength(1);
  });

  it('accepts OTP_LENGTH from 6 to 10', () => {
    expect(loadConfig({ OTP_LENGTH: '10' }).otp.length).toBe(10);
    expect(problemsOf({ OTP_LENGTH: '11' })).toHaveLength(1);
  });
});
