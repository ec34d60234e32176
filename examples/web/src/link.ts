import { LogIn, SendLink } from '../../shared/operations.js';
import { type GraphQLEndpoint, assertNever, request } from '../../shared/request.js';
import { showAccount } from './account.js';
import { act, announce, byId, clearError, rateLimited, showDate, showError, showStep } from './ui.js';

// Login by link (magic URL): "or email me a link" on the email step, and this page opened from the
// link's mail with ?userId=&secret=&expire=. Opening the page consumes nothing (mail scanners open
// links before people do): only the "Sign in" button trades the secret for a session.

const LINK_PARAMS = ['userId', 'secret', 'expire'] as const;
/** The email each link was asked for, by account id: "Sign in as …" when the mail is opened in this browser. */
const EMAILS_KEY = 'otpql-link-emails';

const sentStep = byId('step-link-sent', HTMLElement);
const sentError = byId('link-sent-error', HTMLParagraphElement);
const resendButton = byId('link-resend', HTMLButtonElement);
const linkStep = byId('step-link', HTMLElement);
const linkError = byId('link-error', HTMLParagraphElement);
const signInButton = byId('link-sign-in', HTMLButtonElement);

type SignedOut = (message: string) => void;

/** This page's address without a link's parameters: where the mail's link leads back to. */
function pageUrl(): string {
  const url = new URL(location.href);
  for (const name of LINK_PARAMS) url.searchParams.delete(name);
  url.hash = '';
  return url.href;
}

function emails(): Record<string, string> {
  try {
    return JSON.parse(localStorage.getItem(EMAILS_KEY) ?? '{}') as Record<string, string>;
  } catch {
    return {};
  }
}

function remember(userId: string, email: string | null): void {
  const { [userId]: _, ...others } = emails();
  try {
    localStorage.setItem(EMAILS_KEY, JSON.stringify(email ? { ...others, [userId]: email } : others));
  } catch {
    // storage refused (private mode): "Sign in as" shows no address, nothing else changes
  }
}

/** createMagicURLToken; true when a link is on its way. */
async function sendLink(api: GraphQLEndpoint, email: string, button: HTMLButtonElement, error: HTMLElement, field?: HTMLInputElement): Promise<boolean> {
  const result = (await request(api, SendLink, { email, url: pageUrl() })).createMagicURLToken;
  switch (result.__typename) {
    case 'Token':
      remember(result.userId, email);
      byId('link-sent-to', HTMLElement).textContent = email;
      showDate(byId('link-expire', HTMLTimeElement), result.expire, 'time');
      byId('link-phrase', HTMLParagraphElement).textContent = result.phrase ?? '';
      byId('link-phrase-box', HTMLDivElement).hidden = !result.phrase;
      return true;
    case 'RateLimitError':
      rateLimited(button, error, result.retryAfter, 'Too many mails were asked for this address. You can ask again in', 'You can ask for a link again.');
      return false;
    case 'ValidationError':
      if (result.issues.some((issue) => issue.path[0] === 'url')) {
        showError(error, 'This page cannot receive sign-in links. Use a code instead.');
      } else {
        showError(error, 'Enter a valid email address, like name@example.com.', field);
      }
      return false;
    case 'UrlNotAllowedError':
      showError(error, 'Sign-in links cannot lead to this page (it is not on the server’s list). Use a code instead.');
      return false;
    case 'UserBlockedError':
      showError(error, 'This account is blocked, so no link was sent. Contact support if you think this is a mistake.');
      return false;
    case 'UserConflictError':
      showError(error, result.message);
      return false;
    default:
      return assertNever(result);
  }
}

export interface LinkDeps {
  api: GraphQLEndpoint;
  signedOut: SignedOut;
  emailStep: HTMLElement;
  emailInput: HTMLInputElement;
  emailError: HTMLElement;
}

/** "Or email me a sign-in link", and "Send a new link" on the step after it. */
export function initLinkSending({ api, emailStep, emailInput, emailError }: LinkDeps): void {
  const button = byId('send-link', HTMLButtonElement);
  let sentTo: string | null = null;
  button.addEventListener('click', () => {
    void act(button, emailError, async () => {
      clearError(emailError, emailInput);
      const email = emailInput.value.trim();
      if (!email || !emailInput.checkValidity()) {
        return showError(emailError, 'Enter your email address, like name@example.com.', emailInput);
      }
      if (!(await sendLink(api, email, button, emailError, emailInput))) return;
      sentTo = email;
      clearError(sentError);
      showStep(sentStep, byId('link-sent-title', HTMLHeadingElement));
      announce(`Sign-in link sent to ${email}.`);
    });
  });
  resendButton.addEventListener('click', () => {
    void act(resendButton, sentError, async () => {
      clearError(sentError);
      if (!sentTo) return showStep(emailStep, emailInput);
      if (await sendLink(api, sentTo, resendButton, sentError)) {
        announce('A new link is on its way; the link in an earlier mail no longer works. Check the phrase in the new mail.', { visible: true });
      }
    });
  });
  byId('link-other-email', HTMLButtonElement).addEventListener('click', () => showStep(emailStep, emailInput));
}

/**
 * This page opened from a link's mail: takes the link's parameters out of the address at once (so
 * the secret stays in no history, bookmark or screenshot) and asks before using them. False when
 * the address carries no link.
 */
export function openLinkFromAddress({ api, signedOut, emailStep, emailInput }: LinkDeps): boolean {
  const params = new URL(location.href).searchParams;
  const userId = params.get('userId');
  const secret = params.get('secret');
  if (!userId || !secret) return false;
  history.replaceState(history.state, '', pageUrl());

  const email = emails()[userId] ?? null;
  if (email) byId('link-account', HTMLSpanElement).textContent = email;
  else byId('link-title', HTMLHeadingElement).textContent = 'Sign in with this link';
  const expire = params.get('expire');
  const until = byId('link-until', HTMLSpanElement);
  until.hidden = !expire || Number.isNaN(Date.parse(expire));
  if (!until.hidden) showDate(byId('link-until-time', HTMLTimeElement), expire!);
  showStep(linkStep, byId('link-title', HTMLHeadingElement));

  signInButton.addEventListener('click', () => {
    void act(signInButton, linkError, async () => {
      clearError(linkError);
      const result = (await request(api, LogIn, { userId, secret })).createSession;
      switch (result.__typename) {
        case 'Session':
          remember(userId, null);
          if (!(await showAccount(api, signedOut))) signedOut('Your browser did not keep the session cookie.');
          return announce('You are signed in.');
        case 'InvalidTokenError':
          // Trying again cannot help: the way on is a new code or link.
          signInButton.hidden = true;
          showError(linkError, 'This link no longer works: it was used already, a newer code or link replaced it, or it expired. Sign in another way to get a new one.');
          return byId('link-cancel', HTMLButtonElement).focus();
        case 'RateLimitError':
          return rateLimited(signInButton, linkError, result.retryAfter, 'Too many attempts. You can try again in', 'You can try the link again.');
        case 'UserBlockedError':
          return showError(linkError, 'This account is blocked: it cannot sign in. Contact support if you think this is a mistake.');
        case 'ValidationError':
          return showError(linkError, 'This link is damaged: open it from the mail again, or sign in another way.');
        default:
          return assertNever(result);
      }
    });
  });
  byId('link-cancel', HTMLButtonElement).addEventListener('click', () => {
    clearError(linkError);
    if (email) emailInput.value = email;
    showStep(emailStep, emailInput);
  });
  return true;
}
