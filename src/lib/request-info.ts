/** What the services know of the client that sent a request. */
export interface RequestInfo {
  /** The client's address: the socket's, or X-Forwarded-For's behind a trusted proxy. */
  ip: string | null;
  userAgent: string;
  acceptLanguage: string | null;
}
