import { ZodError } from 'zod';
import { builder } from '../graphql/builder.js';
import { UnauthorizedError } from '../lib/errors.js';
import type { Account } from './account.model.js';
import { nameSchema } from './account.validation.js';

const AccountType = builder.objectRef<Account>('Account').implement({
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

builder.queryField('account', (t) =>
  t.field({
    type: AccountType,
    description: 'The logged-in account.',
    errors: { types: [UnauthorizedError], union: { name: 'AccountResult', description: 'The account, or why there is none.' } },
    resolve: async (_, __, ctx) => ctx.services.account.getAccount((await ctx.viewer())?.account ?? null),
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
    args: { name: t.arg.string({ required: true, description: '0–128 characters.', validate: { schema: nameSchema } }) },
    resolve: async (_, args, ctx) => ctx.services.account.updateName((await ctx.viewer())?.account ?? null, args.name),
  }),
);
