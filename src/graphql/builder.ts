import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import ZodPlugin from '@pothos/plugin-zod';
import { GraphQLError, Kind } from 'graphql';
import type { RequestContext } from './context.js';

/** The one SchemaBuilder: plugins, scalars and the Error interface. Feature files add the types. */
export const builder = new SchemaBuilder<{
  Context: RequestContext;
  Scalars: { DateTime: { Input: Date; Output: Date } };
  DefaultFieldNullability: false;
}>({
  // Errors before Zod: otherwise a ZodError escapes as a top-level error instead of a ValidationError.
  plugins: [ErrorsPlugin, ZodPlugin],
  defaultFieldNullability: false,
  errors: { directResult: true },
});

builder.scalarType('DateTime', {
  description: 'A point in time, as an ISO-8601 string in UTC (2026-11-25T20:00:00.000Z).',
  serialize: (value) => (value instanceof Date ? value.toISOString() : new Date(value as string).toISOString()),
  parseValue: (value) => parseDate(value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be an ISO-8601 string.');
    return parseDate(ast.value);
  },
});

function parseDate(value: unknown): Date {
  const date = typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) throw new GraphQLError('DateTime must be an ISO-8601 string.');
  return date;
}

builder.queryType({ description: 'Read the account and its sessions.' });
builder.mutationType({ description: 'Log in with a one-time code sent by email.' });
