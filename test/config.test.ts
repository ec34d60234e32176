import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

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
