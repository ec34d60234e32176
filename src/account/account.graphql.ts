import { ZodError } from 'zod';
import { SessionType } from '../login/login.graphql.js';
import type { UserRow } from '../db/schema.js';
import { NotFoundError, UnauthorizedError } from '../lib/errors.js';
import { builder } from '../graphql/builder.js';
import { NotFoundErrorType, UnauthorizedErrorType } from '../graphql/errors.graphql.js';
import { safeString } from '../lib/validation.js';

const AccountType = builder.objectRef<UserRow>('Account').implement({
  description: 'The account of the logged-in user.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Id of the account (the userId).' }),
    email: t.exposeString('email', { description: 'Email address, lower-cased.' }),
    emailVerification: t.exposeBoolean('emailVerification', {
      description: 'Whether the email was proven by logging in with a code sent to it.',
    }),
    status: t.boolean({ description: 'True while the account is active; false when blocked.', resolve: (u) => u.status === 'active' }),
    name: t.exposeString('name', { description: 'Display name; empty until set with updateName.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the account was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the account was last changed.' }),
    accessedAt: t.expose('accessedAt', {
      type: 'DateTime',
      description: 'Last authenticated request, refreshed at most once a minute.',
    }),
  }),
});

const SessionListType = builder.objectRef<{ total: number; sessions: unknown[] }>('SessionList').implement({
  description: 'The live sessions of the account, oldest first.',
  fields: (t) => ({
    total: t.exposeInt('total', { description: 'Number of sessions.' }),
    sessions: t.field({ type: [SessionType], description: 'The sessions.', resolve: (l) => l.sessions as never }),
  }),
});

const DeletedSessionType = builder
  .objectRef<{ id: string; deleted: boolean; count: number; current: boolean }>('DeletedSession')
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


builder.queryField('account', (t) =>
  t.field({
    type: AccountType,
    description: 'The logged-in account.',
    errors: { types: [UnauthorizedError], union: { name: 'AccountResult', description: 'The account, or why there is none.' } },
    resolve: async (_, __, ctx) => ctx.services.account.getAccount(await ctx.viewer()),
  }),
);

builder.queryField('sessions', (t) =>
  t.field({
    type: SessionListType,
    description: 'Every live session of the logged-in account: its devices.',
    errors: { types: [UnauthorizedError], union: { name: 'SessionListResult', description: 'The sessions, or why there are none.' } },
    resolve: async (_, __, ctx) => ctx.services.account.listSessions(await ctx.viewer()),
  }),
);

/** Any string that is no id is simply not found; hostile text (NUL, control characters) is invalid. */
const sessionIdSchema = safeString(128);

builder.queryField('session', (t) =>
  t.field({
    type: SessionType,
    description: 'One session of the logged-in account; "current" is the one making the request.',
    errors: {
      types: [UnauthorizedError, NotFoundError, ZodError],
      union: { name: 'SessionResult', description: 'The session, or why it cannot be shown.' },
    },
    args: {
      sessionId: t.arg.string({
        required: true,
        defaultValue: 'current',
        description: 'A session id, or "current".',
        validate: { schema: sessionIdSchema },
      }),
    },
    resolve: async (_, args, ctx) => ctx.services.account.getSession(await ctx.viewer(), args.sessionId),
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
    args: {
      sessionId: t.arg.string({
        required: true,
        defaultValue: 'current',
        description: 'A session id, or "current".',
        validate: { schema: sessionIdSchema },
      }),
    },
    extensions: deleteErrors,
    resolve: async (_, args, ctx) => {
      const result = await ctx.services.account.deleteSession(await ctx.viewer(), args.sessionId);
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
      const result = await ctx.services.account.deleteSessions(await ctx.viewer());
      ctx.clearSessionCookie();
      return result;
    },
  }),
);

builder.mutationField('updateName', (t) =>
  t.field({
    type: AccountType,
    description: 'Sets the display name of the logged-in account.',
    errors: {
      types: [UnauthorizedError, ZodError],
      union: { name: 'UpdateNameResult', description: 'The updated account, or why it was not changed.' },
    },
    args: { name: t.arg.string({ required: true, description: '0–128 characters.', validate: { schema: safeString(128) } }) },
    resolve: async (_, args, ctx) => ctx.services.account.updateName(await ctx.viewer(), args.name),
  }),
);
