import { type Plugin, createGraphQLError } from 'graphql-yoga';

/** The parameters Yoga reads with JSON.parse from a query string or a form body. */
const JSON_PARAMS = ['variables', 'extensions'] as const;

/**
 * A GET (or form POST) whose `variables` or `extensions` is not JSON made Yoga's parser throw a bare
 * SyntaxError, which became a 500 "Unexpected error." logged with its stack. It is the client's
 * error: 400 with a message naming the parameter, as Yoga already answers a POST body of bad JSON.
 */
export function useJsonParamErrors(): Plugin {
  return {
    onRequestParse({ requestParser, setRequestParser }) {
      if (!requestParser) return;
      setRequestParser(async (request) => {
        try {
          return await requestParser(request);
        } catch (error) {
          if (!(error instanceof SyntaxError)) throw error;
          throw createGraphQLError(`${describeBadParam(request)} is not valid JSON.`, {
            extensions: { http: { status: 400 }, code: 'BAD_REQUEST' },
          });
        }
      });
    },
  };
}

/** Names the parameter when it is in the URL; a form body has been read by then. */
function describeBadParam(request: Request): string {
  const params = new URL(request.url).searchParams;
  const bad = JSON_PARAMS.find((name) => {
    const value = params.get(name);
    if (!value) return false;
    try {
      JSON.parse(value);
      return false;
    } catch {
      return true;
    }
  });
  return bad ? `The "${bad}" parameter` : 'The "variables" or "extensions" parameter';
}
