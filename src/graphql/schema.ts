import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './errors.graphql.js';
import '../auth/auth.graphql.js';
import '../account/account.graphql.js';

export const schema = builder.toSchema();

/** The contract as committed in schema.graphql. */
export const printedSchema = () => `${printSchema(lexicographicSortSchema(schema))}\n`;
