import { ZodError } from 'zod';
import { builder } from '../graphql/builder.js';
import { RateLimitError, UserBlockedError, UserConflictError } from '../lib/errors.js';
import type { IssuedCode } from './login.service.js';
import { emailSchema, localeSchema, userIdSchema } from './login.validation.js';

export const TokenType = builder.objectRef<IssuedCode>('Token').implement({
  description: 'A login code was issued and its mail queued. The code itself is only in the mail.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Id of this code.' }),
    userId: t.exposeString('userId', { description: 'The account the code logs into: pass it to createSession.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the code was issued.' }),
    expire: t.expose('expire', { type: 'DateTime', description: 'When the code stops working.' }),
    phrase: t.exposeString('phrase', {
      nullable: true,
      description: 'The security phrase, also printed in the mail, when asked for with `phrase: true`; show it to the user.',
    }),
  }),
});

builder.mutationField('createEmailToken', (t) =>
  t.field({
    type: TokenType,
    description:
      'Sends a one-time code to `email`. Creates the account on first use (with `userId`); for a known email the account keeps its id and `userId` is ignored. A new code replaces the previous one.',
    errors: {
      types: [ZodError, RateLimitError, UserConflictError, UserBlockedError],
      union: { name: 'CreateEmailTokenResult', description: 'The issued code, or why none was sent.' },
    },
    args: {
      userId: t.arg.string({
        required: true,
        description: 'Id for a new account: `unique()` to let the server choose one, or 1–36 of [A-Za-z0-9._-].',
        validate: { schema: userIdSchema },
      }),
      email: t.arg.string({
        required: true,
        description: 'Where to send the code; trimmed and lower-cased.',
        validate: { schema: emailSchema },
      }),
      phrase: t.arg.boolean({
        defaultValue: false,
        description: 'Also return a security phrase and print it in the mail, so the user can tell the mail belongs to this login.',
      }),
      locale: t.arg.string({
        description:
          'Language of the mail, e.g. `de` or `fr-CA` (English, German, French and Spanish ship; others fall back to their base language, then English). Without it, the request’s `Accept-Language` decides.',
        validate: { schema: localeSchema },
      }),
    },
    resolve: (_, args, ctx) =>
      ctx.services.login.sendCode(
        { userId: args.userId, email: args.email, phrase: args.phrase ?? false, locale: args.locale ?? null },
        ctx.requestInfo,
      ),
  }),
);
