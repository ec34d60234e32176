import { z } from 'zod';
import { nameSchema } from '../account/account.validation.js';
import { emailSchema, secretSchema, urlSchema, userIdSchema } from '../login/login.validation.js';
import { sessionIdSchema } from '../sessions/session.validation.js';

/**
 * The JSON bodies of /v1, checked with the GraphQL arguments' own schemas: one rule per argument,
 * whichever API it comes through. Unknown keys are ignored, as Appwrite does.
 */
export const emailTokenBody = z.object({
  userId: userIdSchema,
  email: emailSchema,
  phrase: z.boolean().default(false),
});

export const magicUrlTokenBody = emailTokenBody.extend({ url: urlSchema.optional() });

export const sessionBody = z.object({ userId: userIdSchema, secret: secretSchema });

export const nameBody = z.object({ name: nameSchema });

/** The `{sessionId}` of a path: an id or `current`. */
export const sessionIdParam = z.object({ sessionId: sessionIdSchema });
