import { z } from 'zod';
import { safeString } from '../lib/validation.js';

/** Appwrite's id rule (user and project ids), which makes a valid cookie name too. */
const APPWRITE_ID_BODY = '[A-Za-z0-9][A-Za-z0-9._-]{0,35}';
export const APPWRITE_ID = new RegExp(`^${APPWRITE_ID_BODY}$`);
export const APPWRITE_ID_RULE = '1–36 characters of A–Z, a–z, 0–9, period, hyphen and underscore, not starting with a special character';

/** `unique()` asks the server for a fresh id; otherwise Appwrite's id rule. */
export const userIdSchema = safeString(36).regex(new RegExp(`^(unique\\(\\)|${APPWRITE_ID_BODY})$`), `must be unique() or ${APPWRITE_ID_RULE}`);

/** Emails are compared trimmed and lower-cased; the check runs on that form. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();
export const emailSchema = safeString(1024).pipe(
  z
    .string()
    .transform(normalizeEmail)
    .pipe(z.email('must be a valid email address').max(254, 'must be at most 254 characters')),
);

/**
 * The code as the user typed it (digits only; its length is checked against the live code), or the
 * secret of a login link (64 hexadecimal digits).
 */
export const secretSchema = safeString(64).regex(
  /^([0-9]{1,16}|[0-9a-f]{64})$/,
  'must be the code from the email (digits only) or the secret of its login link',
);

/** A login link's page; whether it is allowed is the allowlist's business (a typed UrlNotAllowedError). */
export const urlSchema = safeString(2048);

/**
 * A language tag like `de`, `pt-BR` or `zh_Hant_TW` (BCP 47's shape, `_` tolerated); an unknown
 * language is not an error: the mail falls back to the nearest one we have, then English.
 */
export const localeSchema = safeString(35).regex(
  /^[A-Za-z]{1,8}([-_][A-Za-z0-9]{1,8})*$/,
  'must be a language tag such as en, de or pt-BR',
);
