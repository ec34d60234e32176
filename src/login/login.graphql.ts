import { InvalidTokenError, RateLimitError, UserBlockedError, UserConflictError } from '../lib/errors.js';
import { builder } from '../graphql/builder.js';
import type { RequestContext } from '../graphql/context.js';
import { ZodError } from 'zod';
import { emailSchema, localeSchema, secretSchema, userIdSchema } from './login.validation.js';
import type { Token } from './login.service.js';
import type { Session } from '../sessions/session.service.js';

export const TokenType = builder.objectRef<Token>('Token').implement({
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

export const SessionType = builder.objectRef<Session & { current: boolean }>('Session').implement({
  description: 'A logged-in device or browser of an account.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Id of the session.' }),
    userId: t.exposeString('userId', { description: 'The account it belongs to.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the session was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the session was last changed.' }),
    expire: t.expose('expire', { type: 'DateTime', description: 'When the session stops being valid.' }),
    provider: t.exposeString('provider', { description: 'How the session was created: "email".' }),
    providerUid: t.exposeString('providerUid', { description: 'The identity at the provider: the email address.' }),
    factors: t.exposeStringList('factors', { description: 'Factors proven to open the session: ["email"].' }),
    ip: t.exposeString('ip', { nullable: true, description: 'IP address that created the session.' }),
    clientName: t.exposeString('clientName', { nullable: true, description: 'Browser or client, from the User-Agent.' }),
    osName: t.exposeString('osName', { nullable: true, description: 'Operating system, from the User-Agent.' }),
    deviceName: t.exposeString('deviceName', { nullable: true, description: 'Device, from the User-Agent.' }),
    current: t.exposeBoolean('current', { description: 'Whether this is the session making the request.' }),
    secret: t.exposeString('secret', {
      nullable: true,
      description:
        'The session credential, returned once by createSession and null everywhere else. Send it as `Authorization: Bearer <secret>`.',
    }),
  }),
});

const requestInfo = (ctx: RequestContext) => ({
  ip: ctx.clientIp,
  userAgent: ctx.userAgent,
  acceptLanguage: ctx.request.headers.get('accept-language'),
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
      ctx.services.emailTokens.createEmailToken(
        { userId: args.userId, email: args.email, phrase: args.phrase ?? false, locale: args.locale ?? null },
        requestInfo(ctx),
      ),
  }),
);

builder.mutationField('createSession', (t) =>
  t.field({
    type: SessionType,
    description: 'Trades the code from the mail for a session. A code works once and dies after too many wrong guesses.',
    errors: {
      types: [ZodError, RateLimitError, InvalidTokenError, UserBlockedError],
      union: { name: 'CreateSessionResult', description: 'The new session, or why none was created.' },
    },
    args: {
      userId: t.arg.string({
        required: true,
        description: 'The `userId` returned by createEmailToken.',
        validate: { schema: userIdSchema },
      }),
      secret: t.arg.string({ required: true, description: 'The code from the mail.', validate: { schema: secretSchema } }),
    },
    resolve: async (_, args, ctx) => {
      const session = await ctx.services.sessions.createSession(args.userId, args.secret, requestInfo(ctx));
      ctx.setSessionCookie(session.secret!, session.expire);
      return { ...session, current: true };
    },
  }),
);
