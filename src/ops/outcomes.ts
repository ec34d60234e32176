import {
  type GraphQLField,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  defaultFieldResolver,
  getNamedType,
  isAbstractType,
} from 'graphql';
import { emailDomain as domainOf } from '../lib/redact.js';

/** What one top-level field of an operation came to: its name and the GraphQL type it answered. */
export interface FieldOutcome {
  field: string;
  /** `Token`, `InvalidTokenError`, … ; `error` when it threw (a masked, unexpected error). */
  outcome: string;
  /** The domain of an `email` argument (never the address). */
  emailDomain: string | null;
}

/** Where a request's outcomes go: found from the resolver's context, per request. */
export type OutcomeSink = (context: unknown) => ((outcome: FieldOutcome) => void) | undefined;

const sinks = new Set<OutcomeSink>();
const wrapped = new WeakSet<GraphQLSchema>();

/**
 * Reports the outcome of every top-level Query and Mutation field to `sink`. The schema is a module
 * singleton shared by every app built in a process (tests build several), so its root resolvers are
 * wrapped once, and each app's sink picks out its own requests by their context.
 */
export function reportOutcomes(schema: GraphQLSchema, sink: OutcomeSink): () => void {
  sinks.add(sink);
  if (!wrapped.has(schema)) {
    wrapped.add(schema);
    for (const type of [schema.getQueryType(), schema.getMutationType()]) {
      for (const field of Object.values(type?.getFields() ?? {})) wrap(field as GraphQLField<unknown, unknown>);
    }
  }
  return () => sinks.delete(sink);
}

function wrap(field: GraphQLField<unknown, unknown>): void {
  const resolve = field.resolve ?? defaultFieldResolver;
  field.resolve = async (root, args, context, info) => {
    let report: ReturnType<OutcomeSink>;
    for (const sink of sinks) if ((report = sink(context))) break;
    if (!report) return resolve(root, args, context, info);
    const emailDomain = typeof args.email === 'string' && args.email.includes('@') ? domainOf(args.email) : null;
    try {
      const result = await resolve(root, args, context, info);
      report({ field: field.name, outcome: (await typeNameOf(result, context, info)) ?? 'unknown', emailDomain });
      return result;
    } catch (error) {
      report({ field: field.name, outcome: 'error', emailDomain });
      throw error;
    }
  };
}

/** The object type a field's value is answered as, as graphql-js itself will resolve it. */
async function typeNameOf(value: unknown, context: unknown, info: GraphQLResolveInfo): Promise<string | undefined> {
  const type = getNamedType(info.returnType);
  if (!isAbstractType(type)) return type.name;
  if (value === null || value === undefined) return 'null';
  const resolved = await type.resolveType?.(value, context, info, type);
  if (typeof resolved === 'string') return resolved;
  for (const candidate of info.schema.getPossibleTypes(type)) {
    if (await candidate.isTypeOf?.(value, context, info)) return candidate.name;
  }
  return undefined;
}
