import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from '../graphql/builder.js';
import '../graphql/errors.graphql.js';
import '../account/account.graphql.js';
import '../login/login.graphql.js';
import '../sessions/session.graphql.js';

export const schema = builder.toSchema();

/** The contract as committed in schema.graphql. */
export const printedSchema = () => `${printSchema(lexicographicSortSchema(schema))}\n`;
