import { safeString } from '../lib/validation.js';

/** Session ids are made by randomHex(10): 20 characters. No id is longer than this, or outside SESSION_ID. */
export const SESSION_ID_MAX_LENGTH = 64;
export const SESSION_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The `sessionId` argument: an id or "current". Hostile text (NUL, control characters) is invalid; any other string that is no id is simply not found. */
export const sessionIdSchema = safeString(SESSION_ID_MAX_LENGTH);
