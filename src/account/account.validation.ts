import { safeString } from '../lib/validation.js';

/** A display name: 0–128 characters of text (trimmed by the service). */
export const nameSchema = safeString(128);
