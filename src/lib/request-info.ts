import type { IncomingMessage } from 'node:http';
import { type TrustProxy, clientIp } from './client-ip.js';

/** What the services know of the client that sent a request. */
export interface RequestInfo {
  /** The client's address: the socket's, or X-Forwarded-For's behind a trusted proxy. */
  ip: string | null;
  userAgent: string;
  acceptLanguage: string | null;
}

/** Per node request (or per fetch Request without one): the request log, the context and the ops routes all ask. */
const clientIps = new WeakMap<object, string | null>();

/** The client's address, worked out once per request. */
export function clientIpOf(request: Request, req: IncomingMessage | undefined, trustProxy: TrustProxy | null): string | null {
  // Keyed by node's request where there is one: the body limit may hand Yoga a new fetch Request.
  const key = req ?? request;
  let ip = clientIps.get(key);
  if (ip === undefined) {
    ip = clientIp(req?.socket.remoteAddress, request.headers.get('x-forwarded-for'), trustProxy);
    clientIps.set(key, ip);
  }
  return ip;
}

/** The client's facts, read the same way for every API this server speaks (GraphQL, /v1). */
export function requestInfoOf(request: Request, req: IncomingMessage | undefined, trustProxy: TrustProxy | null): RequestInfo {
  return {
    ip: clientIpOf(request, req, trustProxy),
    userAgent: request.headers.get('user-agent') ?? '',
    acceptLanguage: request.headers.get('accept-language'),
  };
}
