// Type-only imports of the services: the one place where the GraphQL layer names what lies above it.
import type { AccountService } from '../account/account.service.js';
import type { RequestInfo } from '../lib/request-info.js';
import type { LoginService } from '../login/login.service.js';
import type { SessionService, Viewer } from '../sessions/session.service.js';

export interface Services {
  login: LoginService;
  sessions: SessionService;
  account: AccountService;
}

/** What every resolver knows about the request that called it. */
export interface RequestContext {
  request: Request;
  services: Services;
  /** The client's address, User-Agent and Accept-Language, for the services. */
  requestInfo: RequestInfo;
  /** The session the request's credential opens (looked up once, on first use), or null. */
  viewer(): Promise<Viewer | null>;
  setSessionCookie(credential: string, expire: Date): void;
  clearSessionCookie(): void;
}
