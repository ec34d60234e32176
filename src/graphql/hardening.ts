import { randomUUID } from 'node:crypto';
import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { AppError } from '../lib/errors.js';
import { useJsonParamErrors } from './json-params.js';

/**
 * Limits on the document, measured against the schema's real operations: GraphiQL's introspection
 * query (the largest legitimate one) has depth 15 counting the leaves, 184 tokens, no aliases and
 * no directives; the login and account operations are far smaller. A 500-alias or 60-deep document is refused before
 * execution, as is any batch of more than MAX_ALIASES aliased mutation calls: each call is also
 * counted by the rate limits and the code's attempt cap, so this is a first line, not the only one.
 */
export const DOCUMENT_LIMITS = {
  maxDepth: 20,
  maxAliases: 10,
  maxTokens: 1000,
  maxDirectives: 10,
  maxCost: 5000,
} as const;

export interface HardeningOptions {
  logger: Logger;
  production: boolean;
  introspection: boolean;
  bodyLimitBytes: number;
}

/** The Yoga plugins of issue 3: document limits, body size, request ids, logged unexpected errors. */
export function hardeningPlugins(options: HardeningOptions): Plugin[] {
  const limits = DOCUMENT_LIMITS;
  return [
    useRequestId(),
    useBodyLimit(options.bodyLimitBytes),
    useJsonParamErrors(),
    maxTokensPlugin({ n: limits.maxTokens }),
    maxDepthPlugin({ n: limits.maxDepth, flattenFragments: true, ignoreIntrospection: false }),
    maxAliasesPlugin({ n: limits.maxAliases }),
    maxDirectivesPlugin({ n: limits.maxDirectives }),
    // The cost model grows as 1.5^depth: it prices the fixed introspection query at ~87 000. That
    // query is already bounded by the depth and token limits (and INTROSPECTION=off), so cost is
    // checked on the schema's own fields only.
    costLimitPlugin({ maxCost: limits.maxCost, ignoreIntrospection: true }),
    // "Did you mean …" tells a stranger the schema even with introspection off.
    ...(options.production ? [blockFieldSuggestionsPlugin()] : []),
    ...(options.introspection ? [] : [useDisableIntrospection()]),
    useLoggedUnexpectedErrors(options.logger),
  ] as Plugin[];
}

const requestIds = new WeakMap<Request, string>();
/** A client's or proxy's id is kept if it is plausible; otherwise one is made. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The id of the request: logged with its unexpected errors and echoed in `x-request-id`. */
export function requestIdOf(request: Request): string {
  let id = requestIds.get(request);
  if (!id) {
    const sent = request.headers.get('x-request-id');
    id = sent && REQUEST_ID.test(sent) ? sent : randomUUID();
    requestIds.set(request, id);
  }
  return id;
}

function useRequestId(): Plugin {
  return {
    onRequest({ request }) {
      requestIdOf(request);
    },
    onResponse({ request, response }) {
      response.headers.set('x-request-id', requestIdOf(request));
    },
  };
}

/**
 * Refuses bodies over `limit` bytes with 413 before they are parsed. A declared Content-Length is
 * checked up front (Node enforces it as the body's length); a chunked body is read up to the limit.
 */
function useBodyLimit(limit: number): Plugin {
  const tooLarge = () =>
    new Response(JSON.stringify({ errors: [{ message: `Request body too large: at most ${limit} bytes.` }] }), {
      status: 413,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
  return {
    onRequestParse({ request, requestParser, setRequestParser, endResponse, fetchAPI }) {
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (!/^[0-9]+$/.test(declared) || Number(declared) > limit) endResponse(tooLarge());
        return;
      }
      if (!request.body || !requestParser) return;
      setRequestParser(async (original) => {
        const body = await readAtMost(original, limit);
        if (!body) return tooLarge();
        return requestParser(new fetchAPI.Request(original.url, { method: original.method, headers: original.headers, body }));
      });
    },
  };
}

/** The body, or null as soon as it passes `limit` bytes (the rest is not read). */
async function readAtMost(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const reader = request.body!.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(new ArrayBuffer(size));
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** An error the client may see: a GraphQL error of its own making, or an expected AppError. */
function isExpected(error: GraphQLError): boolean {
  const original = error.originalError;
  return !original || original instanceof GraphQLError || original instanceof AppError;
}

/**
 * Replaces an unexpected error (a bug, a database failure) by a generic one carrying the request id,
 * and logs the original with that id: the client sees no internals, the operator finds the cause.
 */
function useLoggedUnexpectedErrors(logger: Logger): Plugin<{ request: Request }> {
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
