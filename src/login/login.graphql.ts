import { ZodError } from 'zod';
import { builder } from '../graphql/builder.js';
import { RateLimitError, UrlNotAllowedError, UserBlockedError, UserConflictError } from '../lib/errors.js';
import type { IssuedCode } from './login.service.js';
import { emailSchema, localeSchema, urlSchema, userIdSchema } from './login.validation.js';

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

/** The arguments both ways of sending a login take; only `email`'s description differs. */
const sendArgs = (what: string) =>
  builder.args((t) => ({
    userId: t.string({
      required: true,
      description: 'Id for a new account: `unique()` to let the server choose one, or 1–36 of [A-Za-z0-9._-].',
      validate: { schema: userIdSchema },
    }),
    email: t.string({
      required: true,
      description: `Where to send the ${what}; trimmed and lower-cased.`,
      validate: { schema: emailSchema },
    }),
    phrase: t.boolean({
      defaultValue: false,
      description: 'Also return a security phrase and print it in the mail, so the user can tell the mail belongs to this login.',
    }),
    locale: t.string({
      description:
        'Language of the mail, e.g. `de` or `fr-CA` (English, German, French and Spanish ship; others fall back to their base language, then English). Without it, the request’s `Accept-Language` decides.',
      validate: { schema: localeSchema },
    }),
  }));

builder.mutationField('createEmailToken', (t) =>
  t.field({
    type: TokenType,
    description:
      'Sends a one-time code to `email`. Creates the account on first use (with `userId`); for a known email the account keeps its id and `userId` is ignored. A new code replaces the previous one.',
    errors: {
      types: [ZodError, RateLimitError, UserConflictError, UserBlockedError],
      union: { name: 'CreateEmailTokenResult', description: 'The issued code, or why none was sent.' },
    },
    args: sendArgs('code'),
    resolve: (_, args, ctx) =>
      ctx.services.login.sendCode(
        { userId: args.userId, email: args.email, phrase: args.phrase ?? false, locale: args.locale ?? null },
        ctx.requestInfo,
      ),
  }),
);

builder.mutationField('createMagicURLToken', (t) =>
  t.field({
    type: TokenType,
    description:
      'Sends a login link to `email` instead of a code: the link opens `url` with `userId`, `secret` and `expire` added to its query, and the page trades `userId` and `secret` for a session with createSession. Opening the link consumes nothing. Like createEmailToken otherwise: the account is created on first use, a new link or code replaces the previous one, and the same rate limits count both.',
    errors: {
      types: [ZodError, RateLimitError, UrlNotAllowedError, UserConflictError, UserBlockedError],
      union: { name: 'CreateMagicURLTokenResult', description: 'The issued link, or why none was sent.' },
    },
    args: {
      ...sendArgs('link'),
      url: t.arg.string({
        description:
          'The page of your app the link opens (an absolute http(s) URL on the allowlist, MAGIC_URL_ALLOWLIST). Without it, this server’s own page, when it has one.',
        validate: { schema: urlSchema },
      }),
    },
    resolve: (_, args, ctx) =>
      ctx.services.login.sendLink(
        { userId: args.userId, email: args.email, phrase: args.phrase ?? false, locale: args.locale ?? null, url: args.url ?? null },
        ctx.requestInfo,
      ),
  }),
);
