import type { SessionFieldsFragment } from '../../gql/graphql.js';
import { sessionLabel } from '../../shared/format.js';
import { LogOut, LogOutEverywhere, Me } from '../../shared/operations.js';
import { type GraphQLEndpoint, assertNever, request } from '../../shared/request.js';
import { act, announce, byId, clearError, formatDate, showDate, showError, showStep } from './ui.js';

const step = byId('step-account', HTMLElement);
const title = byId('account-title', HTMLHeadingElement);
const list = byId('sessions', HTMLUListElement);
const error = byId('account-error', HTMLParagraphElement);
const logOutButton = byId('log-out', HTMLButtonElement);
const logOutAllButton = byId('log-out-all', HTMLButtonElement);

type SignedOut = (message: string) => void;

/**
 * Reads the account and its sessions with the cookie and shows them. False when the request
 * carries no valid session (never signed in, logged out elsewhere, expired, blocked).
 */
export async function showAccount(api: GraphQLEndpoint, signedOut: SignedOut, focus = true): Promise<boolean> {
  const { account, sessions } = await request(api, Me);
  if (account.__typename === 'UnauthorizedError' || sessions.__typename === 'UnauthorizedError') return false;
  byId('account-email', HTMLSpanElement).textContent = account.email;
  byId('account-id', HTMLElement).textContent = account.id;
  showDate(byId('account-created', HTMLElement), account.createdAt);
  // This device first, then the others oldest first, as the API lists them.
  const ordered = [...sessions.sessions].sort((a, b) => Number(b.current) - Number(a.current));
  list.replaceChildren(...ordered.map((session) => sessionItem(api, session, signedOut)));
  clearError(error);
  showStep(step, focus ? title : undefined);
  return true;
}

function sessionItem(api: GraphQLEndpoint, session: SessionFieldsFragment, signedOut: SignedOut): HTMLLIElement {
  const item = document.createElement('li');
  const name = document.createElement('p');
  name.className = 'session-name';
  name.textContent = sessionLabel(session);
  if (session.current) {
    const badge = document.createElement('span');
    badge.className = 'badge';
    badge.textContent = 'this device';
    name.append(' ', badge);
  }
  const meta = document.createElement('p');
  meta.className = 'session-meta';
  meta.textContent = `Signed in ${formatDate(session.createdAt)}${session.ip ? ` from ${session.ip}` : ''}`;
  item.append(name, meta);
  if (!session.current) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'secondary small';
    button.textContent = 'Log out';
    button.setAttribute('aria-label', `Log out ${sessionLabel(session)}, signed in ${formatDate(session.createdAt)}`);
    button.addEventListener('click', () => void act(button, error, () => logOut(api, signedOut, session.id)));
    item.append(button);
  }
  return item;
}

/** deleteSession: "current" logs this browser out (and clears the cookie); another id ends that device. */
async function logOut(api: GraphQLEndpoint, signedOut: SignedOut, sessionId = 'current'): Promise<void> {
  const result = (await request(api, LogOut, { sessionId })).deleteSession;
  switch (result.__typename) {
    case 'DeletedSession':
      if (result.current) return signedOut('You are logged out on this device.');
      if (await showAccount(api, signedOut, false)) announce('That session is logged out.', { visible: true });
      else signedOut('You are logged out.');
      return;
    case 'NotFoundError': // already gone: show the list as it is now
      if (!(await showAccount(api, signedOut, false))) signedOut('You are logged out.');
      return;
    case 'UnauthorizedError':
      return signedOut('Your session had already ended: sign in again.');
    case 'ValidationError':
      return showError(error, 'That session cannot be logged out from here.');
    default:
      return assertNever(result);
  }
}

async function logOutEverywhere(api: GraphQLEndpoint, signedOut: SignedOut): Promise<void> {
  const result = (await request(api, LogOutEverywhere)).deleteSessions;
  switch (result.__typename) {
    case 'DeletedSession':
      return signedOut(`You are logged out on ${result.count === 1 ? 'this device' : `${result.count} devices`}.`);
    case 'UnauthorizedError':
      return signedOut('Your session had already ended: sign in again.');
    case 'NotFoundError':
    case 'ValidationError':
      return showError(error, result.message);
    default:
      return assertNever(result);
  }
}

export function initAccount(api: GraphQLEndpoint, signedOut: SignedOut): void {
  logOutButton.addEventListener('click', () => void act(logOutButton, error, () => logOut(api, signedOut)));
  logOutAllButton.addEventListener('click', () => void act(logOutAllButton, error, () => logOutEverywhere(api, signedOut)));
}
