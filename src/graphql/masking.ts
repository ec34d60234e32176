import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { requestIdOf } from '../http/request-id.js';
import { AppError } from '../lib/errors.js';

/** An error the client may see: a GraphQL error of its own making, or an expected AppError. */
function isExpected(error: GraphQLError): boolean {
  const original = error.originalError;
  return !original || original instanceof GraphQLError || original instanceof AppError;
}

/**
 * Replaces an unexpected error (a bug, a database failure) by a generic one carrying the request id,
 * and logs the original with that id: the client sees no internals, the operator finds the cause.
 */
export function useMaskedUnexpectedErrors(logger: Logger): Plugin<{ request: Request }> {
  return {
    onExecute({ args }) {
      return {
        onExecuteDone({ result, setResult }) {
          if (!('errors' in result) || !result.errors?.some((e) => !isExpected(e))) return;
          const requestId = requestIdOf(args.contextValue.request);
          setResult({
            ...result,
            errors: result.errors.map((error) => {
              if (isExpected(error)) return error;
              logger.error({ err: error.originalError, requestId, path: error.path }, 'unexpected error');
              return new GraphQLError('Unexpected error.', {
                nodes: error.nodes,
                path: error.path,
                extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
              });
            }),
          });
        },
      };
    },
  };
}
