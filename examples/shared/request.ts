import type { TypedDocumentString } from '../gql/graphql.js';

/** Where and how to send operations: the same helper serves the browser (cookie) and Node (Bearer). */
export interface GraphQLEndpoint {
  url: string;
  /** Extra headers, e.g. `authorization: Bearer <secret>` for a client that keeps no cookies. */
  headers?: Record<string, string>;
  /** 'include' sends and receives the session cookie, also cross-origin (an origin in CORS_ORIGINS). */
  credentials?: RequestCredentials;
}

/**
 * The request failed outside the contract: network, CORS, HTTP status, or a top-level GraphQL error
 * (the server's masked `Unexpected error.`, a hardening limit). Expected failures never arrive here:
 * they are members of the result unions.
 */
export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    /** HTTP status; 0 when no response arrived (network down, refused by CORS). */
    readonly status: number,
    /** `extensions.requestId` of the first error, to quote to whoever reads the server log. */
    readonly requestId: string | null = null,
  ) {
    super(message);
    this.name = 'GraphQLRequestError';
  }
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { requestId?: string } }[];
}

/** Variables are required exactly when the operation declares some without defaults. */
type VariablesArg<V> = Record<string, never> extends V ? [variables?: V] : [variables: V];

/** Sends one typed operation as a JSON POST and answers its `data`, typed by codegen. */
export async function request<TResult, TVariables>(
  endpoint: GraphQLEndpoint,
  document: TypedDocumentString<TResult, TVariables>,
  ...[variables]: VariablesArg<TVariables>
): Promise<TResult> {
  let response: Response;
  try {
    response = await fetch(endpoint.url, {
      method: 'POST',
      credentials: endpoint.credentials ?? 'same-origin',
      // application/json: the server's CSRF protection refuses the content types a plain form can send.
      headers: { 'content-type': 'application/json', accept: 'application/json', ...endpoint.headers },
      body: JSON.stringify({ query: document.toString(), variables }),
    });
  } catch (error) {
    throw new GraphQLRequestError(`Cannot reach ${endpoint.url}: ${(error as Error).message}`, 0);
  }
  const requestId = response.headers.get('x-request-id');
  let body: GraphQLResponse<TResult>;
  try {
    body = (await response.json()) as GraphQLResponse<TResult>;
  } catch {
    throw new GraphQLRequestError(`HTTP ${response.status} without a GraphQL answer`, response.status, requestId);
  }
  const first = body.errors?.[0];
  if (first || !body.data) {
    throw new GraphQLRequestError(first?.message ?? `HTTP ${response.status} without data`, response.status, first?.extensions?.requestId ?? requestId);
  }
  return body.data;
}

/** For the `default` branch of a switch on `__typename`: a union member nobody handles fails to compile. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected result: ${JSON.stringify(value)}`);
}
