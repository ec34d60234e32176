import { ZodError } from 'zod';
import { builder } from '../graphql/builder.js';
import { NotFoundErrorType, UnauthorizedErrorType } from '../graphql/errors.graphql.js';
import { InvalidTokenError, NotFoundError, RateLimitError, UnauthorizedError, UserBlockedError } from '../lib/errors.js';
import { secretSchema, userIdSchema } from '../login/login.validation.js';
import type { SessionView } from './session.model.js';
import type { DeletedSessions } from './session.service.js';
import { sessionIdSchema } from './session.validation.js';

export const SessionType = builder.objectRef<SessionView>('Session').implement({
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

const SessionListType = builder.objectRef<{ total: number; sessions: SessionView[] }>('SessionList').implement({
  description: 'The live sessions of the account, oldest first.',
  fields: (t) => ({
    total: t.exposeInt('total', { description: 'Number of sessions.' }),
    sessions: t.field({ type: [SessionType], description: 'The sessions.', resolve: (l) => l.sessions }),
  }),
});

const DeletedSessionType = builder
  .objectRef<DeletedSessions>('DeletedSession')
  .implement({
    description:
      'Sessions were deleted. When `current` is true the credential of this request no longer works and the session cookie was cleared.',
    fields: (t) => ({
      id: t.exposeID('id', { description: 'The deleted session (for deleteSessions: the current one).' }),
      deleted: t.exposeBoolean('deleted', { description: 'Always true.' }),
      count: t.exposeInt('count', { description: 'How many sessions were deleted.' }),
      current: t.exposeBoolean('current', { description: 'Whether the session making this request was among them.' }),
    }),
  });


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
      secret: t.arg.string({
        required: true,
        description: 'The code from the mail, or the `secret` of its login link.',
        validate: { schema: secretSchema },
      }),
    },
    resolve: async (_, args, ctx) => {
      const session = await ctx.services.sessions.createSession(args.userId, args.secret, ctx.requestInfo);
      ctx.setSessionCookie(session.secret!, session.expire);
      return session;
    },
  }),
);

builder.queryField('sessions', (t) =>
  t.field({
    type: SessionListType,
    description: 'Every live session of the logged-in account: its devices.',
    errors: { types: [UnauthorizedError], union: { name: 'SessionListResult', description: 'The sessions, or why there are none.' } },
    resolve: async (_, __, ctx) => ctx.services.sessions.list(await ctx.viewer()),
  }),
);

/** The argument of `session` and `deleteSession`. */
const sessionIdArgs = builder.args((t) => ({
  sessionId: t.string({
    required: true,
    defaultValue: 'current',
    description: 'A session id, or "current".',
    validate: { schema: sessionIdSchema },
  }),
}));

builder.queryField('session', (t) =>
  t.field({
    type: SessionType,
    description: 'One session of the logged-in account; "current" is the one making the request.',
    errors: {
      types: [UnauthorizedError, NotFoundError, ZodError],
      union: { name: 'SessionResult', description: 'The session, or why it cannot be shown.' },
    },
    args: sessionIdArgs,
    resolve: async (_, args, ctx) => ctx.services.sessions.get(await ctx.viewer(), args.sessionId),
  }),
);

// Shared by deleteSession and deleteSessions, so it is declared here rather than by the errors plugin.
const DeleteSessionResult = builder.unionType('DeleteSessionResult', {
  description: 'What was deleted, or why nothing was.',
  types: [DeletedSessionType, UnauthorizedErrorType, NotFoundErrorType, ZodError],
  // Errors arrive wrapped by the errors plugin (instanceof is only restored inside isTypeOf): go by name.
  resolveType: (value) => {
    const name = (value as { name?: unknown }).name;
    if (name === 'ZodError') return 'ValidationError';
    return name === 'UnauthorizedError' || name === 'NotFoundError' ? name : 'DeletedSession';
  },
});
/** Lets the errors plugin turn these thrown errors into union members, as `errors: { types }` would. */
const deleteErrors = { pothosErrors: [UnauthorizedError, NotFoundError, ZodError] };

builder.mutationField('deleteSession', (t) =>
  t.field({
    type: DeleteSessionResult,
    description: 'Deletes one session of the logged-in account. "current" logs out (and clears the session cookie).',
    args: sessionIdArgs,
    extensions: deleteErrors,
    resolve: async (_, args, ctx) => {
      const result = await ctx.services.sessions.delete(await ctx.viewer(), args.sessionId);
      if (result.current) ctx.clearSessionCookie();
      return result;
    },
  }),
);

builder.mutationField('deleteSessions', (t) =>
  t.field({
    type: DeleteSessionResult,
    description: 'Deletes every session of the logged-in account, this one included: logs out everywhere.',
    extensions: deleteErrors,
    resolve: async (_, __, ctx) => {
      const result = await ctx.services.sessions.deleteAll(await ctx.viewer());
      ctx.clearSessionCookie();
      return result;
    },
  }),
);
