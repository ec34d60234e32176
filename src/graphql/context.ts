import type { Viewer } from '../account/account.repository.js';
import type { AccountService } from '../account/account.service.js';
import type { EmailTokenService } from '../login/login.service.js';
import type { SessionService } from '../sessions/session.service.js';

export interface Services {
  emailTokens: EmailTokenService;
  sessions: SessionService;
  account: AccountService;
}

/** What every resolver knows about the request that called it. */
export interface RequestContext {
  request: Request;
  services: Services;
  /** The client's address: the socket's, or X-Forwarded-For's behind a trusted proxy. */
  clientIp: string | null;
  userAgent: string;
  /** The session the request's credential opens (looked up once, on first use), or null. */
  viewer(): Promise<Viewer | null>;
  setSessionCookie(secret: string, expire: Date): void;
  clearSessionCookie(): void;
}
