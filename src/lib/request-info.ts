import { type TrustProxy, clientIp } from './client-ip.js';

/** What the services know of the client that sent a request. */
export interface RequestInfo {
  /** The client's address: the socket's, or X-Forwarded-For's behind a trusted proxy. */
  ip: string | null;
  userAgent: string;
  acceptLanguage: string | null;
}

/** The client's facts, read the same way for every API this server speaks (GraphQL, /v1). */
export function requestInfoOf(request: Request, socketAddress: string | undefined, trustProxy: TrustProxy | null): RequestInfo {
  return {
    ip: clientIp(socketAddress, request.headers.get('x-forwarded-for'), trustProxy),
    userAgent: request.headers.get('user-agent') ?? '',
    acceptLanguage: request.headers.get('accept-language'),
  };
}
